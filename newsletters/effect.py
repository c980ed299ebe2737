"""The newsletter's effect: what members did in the three days after an issue against the three before.

- Days are UTC days. "After" is the day the issue started sending and the two days that follow;
  "before" is the three days before that day. An issue less than three days old shows "so far".
- Visits are member-days of presence (a member who visited on two days counts twice);
  contributions are activity-log rows with a contributing verb (communities.insight). Activity is
  the two added together. Only current members count, split into core (core members and
  facilitators) and peripheral members, by their role today.
- Clicks and archive opens come from the aggregate LinkCount rows of the issue (no per-person data).

Costs four queries whatever the number of issues, members or days: the issues, visits per
(day, role), contributions per (day, role), and link counts per issue.
"""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from communities.charts import Series, bar_chart
from communities.insight import CONTRIBUTION_VERBS
from communities.models import Activity, Membership, Presence

from .models import Issue, LinkCount

DAYS = 3
GROUPS = {
    Membership.Role.FACILITATOR: "core",
    Membership.Role.CORE: "core",
    Membership.Role.PERIPHERAL: "peripheral",
}


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _windows(sent_days, field, convert):
    """Only the six days around each issue, not every day between the first and the last."""
    rule = Q(pk__lt=0)  # matches nothing, yet still one query (a constant count)
    for sent in set(sent_days):
        first, last = sent - datetime.timedelta(days=DAYS), sent + datetime.timedelta(days=DAYS)
        rule |= Q(**{f"{field}__gte": convert(first), f"{field}__lt": convert(last)})
    return rule


def change(before, after):
    """Whole-percent change, or None when there was nothing before to compare with."""
    if not before:
        return None
    return round(100 * (after - before) / before)


def effects(community, issues, *, now=None):
    """One effect per issue (a list, same order). Three queries besides loading the issues."""
    now = now or timezone.now()
    issues = [i for i in issues if i.started_at is not None]
    sent_days = {i.pk: i.started_at.astimezone(datetime.UTC).date() for i in issues}
    today = now.astimezone(datetime.UTC).date()
    lo = min(sent_days.values(), default=today) - datetime.timedelta(days=DAYS)
    hi = max(sent_days.values(), default=today) + datetime.timedelta(days=DAYS - 1)
    visits = {}
    for day, role, n in (
        Presence.objects.filter(community=community, day__gte=lo, day__lte=hi)
        .filter(_windows(sent_days.values(), "day", lambda day: day))
        .filter(user__memberships__community=community, user__memberships__state=Membership.State.ACTIVE)
        .values_list("day", "user__memberships__role")
        .annotate(n=Count("pk"))
        .values_list("day", "user__memberships__role", "n")
    ):
        key = (day, GROUPS[role])
        visits[key] = visits.get(key, 0) + n
    contributions = {}
    start = datetime.datetime.combine(lo, datetime.time.min, tzinfo=datetime.UTC)
    end = datetime.datetime.combine(hi + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
    for day, role, n in (
        Activity.objects.current()
        .filter(community=community, verb__in=CONTRIBUTION_VERBS, created_at__gte=start, created_at__lt=end)
        .filter(_windows(sent_days.values(), "created_at", _midnight))
        .filter(actor__memberships__community=community, actor__memberships__state=Membership.State.ACTIVE)
        .annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
        .values_list("day", "actor__memberships__role")
        .annotate(n=Count("pk"))
        .values_list("day", "actor__memberships__role", "n")
    ):
        key = (day, GROUPS[role])
        contributions[key] = contributions.get(key, 0) + n
    counts = {}
    for source, kind, total in (
        # A key that never matches keeps this one query even with no issues (constant count).
        LinkCount.objects.filter(source__in=[i.delivery_key for i in issues] or ["-"])
        .values_list("source", "kind")
        .annotate(total=Sum("count"))
        .values_list("source", "kind", "total")
    ):
        counts[(source, kind)] = total
    results = []
    for issue in issues:
        sent = sent_days[issue.pk]
        before_days = [sent - datetime.timedelta(days=d) for d in range(DAYS, 0, -1)]
        after_days = [sent + datetime.timedelta(days=d) for d in range(DAYS)]
        groups = {}
        for group in ("core", "peripheral"):
            groups[group] = {
                "visits_before": sum(visits.get((d, group), 0) for d in before_days),
                "visits_after": sum(visits.get((d, group), 0) for d in after_days),
                "contributions_before": sum(contributions.get((d, group), 0) for d in before_days),
                "contributions_after": sum(contributions.get((d, group), 0) for d in after_days),
            }
            g = groups[group]
            g["activity_before"] = g["visits_before"] + g["contributions_before"]
            g["activity_after"] = g["visits_after"] + g["contributions_after"]
            g["change"] = change(g["activity_before"], g["activity_after"])
        before = sum(g["activity_before"] for g in groups.values())
        after = sum(g["activity_after"] for g in groups.values())
        results.append(
            {
                "issue": issue,
                "label": f"{issue.started_at:%B %Y}",
                "sent_day": sent,
                "complete": today > after_days[-1],
                "groups": groups,
                "activity_before": before,
                "activity_after": after,
                "change": change(before, after),
                "clicks": counts.get((issue.delivery_key, LinkCount.Kind.CLICK), 0),
                "opens": counts.get((issue.delivery_key, LinkCount.Kind.OPEN), 0),
            }
        )
    return results


def issue_effect(issue, *, now=None):
    """The effect of one issue, or None for an issue that never started sending."""
    found = effects(issue.community, [issue], now=now)
    return found[0] if found else None


def headline(effect):
    """ "activity rose 64% in the three days after the November 2026 issue" (or fell, or held)."""
    if effect["change"] is None:
        return f"{effect['activity_after']} visits and contributions in the three days after the {effect['label']} issue"
    verb = "rose" if effect["change"] > 0 else "fell" if effect["change"] < 0 else "held steady"
    amount = f" {abs(effect['change'])}%" if effect["change"] else ""
    so_far = "" if effect["complete"] else " (so far)"
    return f"Activity {verb}{amount} in the three days after the {effect['label']} issue{so_far}"


def dashboard_figures(community, period):
    """The effect of each issue sent in the period. Four queries."""
    issues = list(
        Issue.objects.published()
        .filter(community=community, started_at__gte=period.start, started_at__lte=period.end)
        .order_by("started_at")
    )
    for issue in issues:
        issue.community = community
    rows = effects(community, issues, now=period.end)
    for row in rows:
        row["headline"] = headline(row)
    chart = bar_chart(
        "newsletter",
        "Activity in the three days before and after each issue",
        "Issue",
        [r["label"] for r in rows],
        [
            Series("Three days before", [r["activity_before"] for r in rows], "before"),
            Series("Three days after", [r["activity_after"] for r in rows], "after"),
        ],
        note="Activity is members' visits (one per member per day) plus their contributions.",
    )
    return {"template": "newsletters/_dashboard_effect.html", "effects": rows, "chart": chart}
