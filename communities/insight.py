"""The community dashboard's figures: who takes part and how, read from the activity log.

Definitions (written on the page too, and tested figure by figure):

- **Members**: active memberships now. Every share below counts members only: invited experts,
  staff and people who have left are never counted.
- **Contributor**: a member who posted, answered or shared something in the period (one of
  CONTRIBUTION_VERBS in the activity log, not withdrawn).
- **Reader**: a member who visited in the period and did not contribute. So contributors +
  readers <= members, and "not seen" is the rest.
- The period is the last N days in the viewer's time zone, ending now; days and weeks are cut
  in that time zone too (weeks start on Monday).

Other apps add their figures (questions, hot seats, the newsletter's effect) through
`communities.extensions.register_insight`, so this module imports no other app.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import events, extensions
from .charts import Series, bar_chart
from .models import Activity, Membership, Presence

PERIOD_CHOICES = (30, 90, 180, 365)
DEFAULT_PERIOD = 90

# Posting, answering and sharing. Joining, scheduling, accepting someone else's answer or
# starting a theme are stewardship or housekeeping, not contributions.
CONTRIBUTION_VERBS = tuple(
    events.expect(verb, by="communities.insight")
    for verb in (
        "thread.created",
        "post.created",
        "hotseat.asked",
        "hotseat.answered",
        "document.uploaded",
        "document.versioned",
        "link.added",
        "job.posted",
        "meeting.notes",
        "article.featured",
    )
)

ROLE_SERIES = (
    (Membership.Role.FACILITATOR, "Facilitators", "facilitator"),
    (Membership.Role.CORE, "Core members", "core"),
    (Membership.Role.PERIPHERAL, "Peripheral members", "peripheral"),
)


@dataclass(frozen=True)
class Period:
    """The last `days` days in time zone `tz`, from local midnight `start` to `end` (now)."""

    days: int
    start: datetime.datetime
    end: datetime.datetime
    tz: datetime.tzinfo

    @property
    def first_day(self):
        return self.start.date()

    @property
    def last_day(self):
        return timezone.localtime(self.end, self.tz).date()

    def local_day(self, moment):
        return timezone.localtime(moment, self.tz).date()

    @property
    def weeks(self):
        """Mondays of the weeks the period touches, oldest first."""
        monday = self.first_day - datetime.timedelta(days=self.first_day.weekday())
        weeks = []
        while monday <= self.last_day:
            weeks.append(monday)
            monday += datetime.timedelta(weeks=1)
        return weeks

    @staticmethod
    def week_of(day):
        return day - datetime.timedelta(days=day.weekday())

    def per_week(self, day_counts):
        """{day: n} -> [n per week], for the weeks of the period."""
        totals = dict.fromkeys(self.weeks, 0)
        for day, n in day_counts.items():
            week = self.week_of(_as_date(day))
            if week in totals:
                totals[week] += n
        return [totals[w] for w in self.weeks]

    def contains(self, moment):
        return moment is not None and self.start <= moment <= self.end


def quarter_before(now):
    """The calendar quarter (UTC) that ended last before `now`: (label "2026-Q3", Period)."""
    now = now.astimezone(datetime.UTC)
    first_month = 3 * ((now.month - 1) // 3) + 1
    end = datetime.datetime(now.year, first_month, 1, tzinfo=datetime.UTC)
    start_month, start_year = (first_month - 3, now.year) if first_month > 3 else (10, now.year - 1)
    start = datetime.datetime(start_year, start_month, 1, tzinfo=datetime.UTC)
    label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    # The period ends a microsecond before the next quarter starts: the figures' filters are
    # inclusive at both ends.
    last = end - datetime.timedelta(microseconds=1)
    return label, Period(days=(end - start).days, start=start, end=last, tz=datetime.UTC)


def period_for(days=DEFAULT_PERIOD, *, now=None, tz=None):
    if days not in PERIOD_CHOICES:
        days = DEFAULT_PERIOD
    tz = tz or timezone.get_current_timezone()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    return Period(days=days, start=start, end=now, tz=tz)


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def median_hours(durations):
    """Median of timedeltas in hours (one decimal), or None when there are none."""
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 3600, 1)


def share(part, whole):
    """A whole percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def week_label(day):
    return day.strftime("%-d %b")


def community_figures(community, period):
    """Everything the dashboard shows about members and contributions. Five queries."""
    memberships = list(
        Membership.objects.active().filter(community=community).values_list("user_id", "role", "joined_at")
    )
    roles = {user_id: role for user_id, role, _ in memberships}
    per_actor = (
        Activity.objects.current()
        .filter(community=community, created_at__gte=period.start, created_at__lte=period.end)
        .filter(verb__in=CONTRIBUTION_VERBS)
        .values_list("actor_id")
        .annotate(n=Count("pk"))
        .values_list("actor_id", "n")
    )
    contributions = {actor: n for actor, n in per_actor if actor in roles}
    # Presence days are UTC dates; the period's first local day is the closest match.
    visited = set(
        Presence.objects.filter(community=community, day__gte=period.start.astimezone(datetime.UTC).date())
        .values_list("user_id", flat=True)
        .distinct()
    )
    readers = {u for u in visited if u in roles and u not in contributions}
    members = len(roles)
    by_role = {role: 0 for role, _, _ in ROLE_SERIES}
    contributors_by_role = dict(by_role)
    for user_id, role in roles.items():
        by_role[role] = by_role.get(role, 0) + 1
        if user_id in contributions:
            contributors_by_role[role] = contributors_by_role.get(role, 0) + 1
    new_members = list(
        Membership.objects.active()
        .filter(community=community, joined_at__gte=period.start)
        .select_related("user")
        .order_by("-joined_at")[:20]
    )
    new_member_count = sum(1 for _, _, joined in memberships if period.contains(joined))
    daily = (
        Activity.objects.current()
        .filter(community=community, created_at__gte=period.start, created_at__lte=period.end)
        .filter(verb__in=CONTRIBUTION_VERBS)
        .filter(actor__memberships__community=community, actor__memberships__state=Membership.State.ACTIVE)
        .annotate(day=TruncDate("created_at", tzinfo=period.tz))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    weekly_contributions = period.per_week(dict(daily))
    contributors = len(contributions)
    return {
        "members": members,
        "facilitators": by_role[Membership.Role.FACILITATOR],
        "core": by_role[Membership.Role.CORE],
        "peripheral": by_role[Membership.Role.PERIPHERAL],
        "contributors": contributors,
        "contributions": sum(contributions.values()),
        "contributors_by_role": contributors_by_role,
        "readers": len(readers),
        "not_seen": members - contributors - len(readers),
        "contributor_share": share(contributors, members),
        "reader_share": share(len(readers), members),
        "not_seen_share": share(members - contributors - len(readers), members),
        "new_members": new_members,
        "new_member_count": new_member_count,
        "stage_chart": _stage_chart(memberships, period),
        "contributions_chart": bar_chart(
            "contributions",
            "Members' contributions per week",
            "Week of",
            period.weeks,
            [Series("Contributions", weekly_contributions, "contributions")],
            label_fmt=week_label,
        ),
    }


def _stage_chart(memberships, period):
    """Members at the end of each week, by role. Memberships record no role history yet, so a
    member is counted in their current role from the week they joined."""
    ends = [
        min(
            datetime.datetime.combine(w + datetime.timedelta(days=7), datetime.time.min, tzinfo=period.tz),
            period.end,
        )
        for w in period.weeks
    ]
    series = []
    for role, name, css in ROLE_SERIES:
        values = [
            sum(1 for _, r, joined in memberships if r == role and (joined is None or joined < end))
            for end in ends
        ]
        series.append(Series(name, values, css))
    return bar_chart(
        "members",
        "Members by participation stage, week by week",
        "Week of",
        period.weeks,
        series,
        stacked=True,
        note="By each member's current role: role changes are not recorded over time yet.",
        label_fmt=week_label,
    )


def documents_most_used(community, limit=3):
    """The library's most downloaded documents (downloads since each was shared: the library
    counts downloads per document, not per day), with the library's totals. Two queries."""
    from django.db.models import Sum

    from .models import Document

    documents = Document.objects.filter(community=community)
    totals = documents.aggregate(documents=Count("pk"), downloads=Sum("download_count"))
    top = list(documents.filter(download_count__gt=0).order_by("-download_count", "title")[:limit])
    return {"documents": totals["documents"], "downloads": totals["downloads"] or 0, "top": top}


def dashboard(community, period):
    """The whole dashboard: this app's figures plus every registered source's."""
    figures = {"community": community_figures(community, period)}
    for source in extensions.insight_sources():
        result = source.compute(community, period)
        if result is not None:
            figures[source.key] = result
    return figures


def charts_of(figures):
    """Every chart on the dashboard, in page order, by key (for the CSV downloads)."""
    found = {}
    for group in figures.values():
        for value in group.values():
            if hasattr(value, "bars") and hasattr(value, "key"):
                found[value.key] = value
    return found


def summary_rows(figures):
    """The headline figures as (label, value) rows, for the summary CSV."""
    c = figures["community"]
    rows = [
        ["Members", c["members"]],
        ["Contributors", c["contributors"]],
        ["Contributor share (%)", c["contributor_share"]],
        ["Readers", c["readers"]],
        ["Reader share (%)", c["reader_share"]],
        ["Not seen", c["not_seen"]],
        ["New members", c["new_member_count"]],
    ]
    q = figures.get("questions")
    if q:
        rows += [
            ["Questions", q["questions"]],
            ["Unanswered questions", q["unanswered"]],
            ["Unanswered rate (%)", q["unanswered_rate"]],
            ["Median hours to first reply", q["median_hours"]],
            ["Newcomers' first posts", q["first_posts"]],
            ["Median hours to first reply to a newcomer's first post", q["first_post_median_hours"]],
            ["Replies", q["replies"]],
        ]
    h = figures.get("hotseats")
    if h:
        rows += [
            ["Hot seats", len(h["hotseats"])],
            ["Hot seat questions", h["questions"]],
            ["Hot seat questions answered (%)", h["answered_share"]],
            ["First-time hot seat askers", h["first_time_askers"]],
        ]
    n = figures.get("newsletter")
    for e in (n or {}).get("effects", []):
        rows += [
            [f"{e['label']} issue: activity in the three days before", e["activity_before"]],
            [f"{e['label']} issue: activity in the three days after", e["activity_after"]],
            [f"{e['label']} issue: change (%)", e["change"]],
            [f"{e['label']} issue: archive opens", e["opens"]],
            [f"{e['label']} issue: link clicks", e["clicks"]],
        ]
    return rows
