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

import bisect
import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import events, extensions, path
from .charts import Series, bar_chart
from .models import Activity, Membership, Presence, StageChange

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

ROLES = (Membership.Role.FACILITATOR, Membership.Role.CORE, Membership.Role.PERIPHERAL)
# Highest stage first, as the stacked bars read from the top.
STAGE_CSS = {
    path.Stage.FACILITATOR: "facilitator",
    path.Stage.CORE: "core",
    path.Stage.REGULAR: "regular",
    path.Stage.CONTRIBUTOR: "contributor",
    path.Stage.OBSERVER: "observer",
}


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
    """Everything the dashboard shows about members and contributions. Four queries: members
    (with whether they visited in the period, when they first posted and the newest members'
    names), contributions per member, contributions per day, and the members' stage history."""
    period_start_utc = period.start.astimezone(datetime.UTC).date()
    # Presence days are UTC dates; the period's first local day is the closest match.
    visited = Presence.objects.filter(
        community=community, user=OuterRef("user_id"), day__gte=period_start_utc
    )
    first_post = (
        Activity.objects.current()
        .filter(community=community, actor=OuterRef("user_id"), verb__in=path.POST_VERBS)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    memberships = list(
        Membership.objects.active()
        .filter(community=community)
        .annotate(visited=Exists(visited), first_post=Subquery(first_post))
        .values_list(
            "user_id", "role", "stage", "joined_at", "visited", "first_post",
            "user__display_name", "user__email", "user__avatar",
        )
    )  # fmt: skip
    roles = {m[0]: m[1] for m in memberships}
    in_period = Activity.objects.current().filter(
        community=community,
        created_at__gte=period.start,
        created_at__lte=period.end,
        verb__in=CONTRIBUTION_VERBS,
    )
    # COUNT(*) rather than COUNT(id): the covering index (activity_insight_idx) then answers
    # both counts without reading the table.
    per_actor = in_period.values_list("actor_id").annotate(n=Count("*")).values_list("actor_id", "n")
    contributions = {actor: n for actor, n in per_actor if actor in roles}
    readers = {m[0] for m in memberships if m[4] and m[0] not in contributions}
    members = len(roles)
    by_role = dict.fromkeys(ROLES, 0)
    contributors_by_role = dict.fromkeys(ROLES, 0)
    for user_id, role in roles.items():
        by_role[role] = by_role.get(role, 0) + 1
        if user_id in contributions:
            contributors_by_role[role] = contributors_by_role.get(role, 0) + 1
    # Comparing aware datetimes across zones costs a UTC offset lookup each time: with thousands
    # of members, compare POSIX timestamps instead.
    start_ts, end_ts = period.start.timestamp(), period.end.timestamp()
    newest = sorted(
        (m for m in memberships if m[3] is not None and start_ts <= m[3].timestamp() <= end_ts),
        key=lambda m: m[3],
        reverse=True,
    )
    new_members = [_Newcomer(m) for m in newest[:20]]
    daily = (
        in_period.filter(
            actor_id__in=Membership.objects.active().filter(community=community).values("user_id")
        )
        .annotate(day=TruncDate("created_at", tzinfo=period.tz))
        .values_list("day")
        .annotate(n=Count("*"))
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
        "new_member_count": len(newest),
        "stage_chart": _stage_chart(community, memberships, period),
        "contributions_chart": bar_chart(
            "contributions",
            "Members' contributions per week",
            "Week of",
            period.weeks,
            [Series("Contributions", weekly_contributions, "contributions")],
            label_fmt=week_label,
        ),
    }


class _Newcomer:
    """A member who joined in the period, for the "newcomers to welcome" list, built from the
    members' row (no query): `.user` has what the list shows (name, initials, profile link)."""

    def __init__(self, row):
        from django.contrib.auth import get_user_model

        user_id, _, _, joined_at, _, _, display_name, email, avatar = row
        self.user = get_user_model()(pk=user_id, display_name=display_name, email=email, avatar=avatar)
        self.joined_at = joined_at


def week_ends(period):
    """The end of each week of the period (the next Monday's local midnight, or now)."""
    return [
        min(
            datetime.datetime.combine(w + datetime.timedelta(days=7), datetime.time.min, tzinfo=period.tz),
            period.end,
        )
        for w in period.weeks
    ]


def _stage_chart(community, memberships, period):
    """Members at the end of each week, by the participation stage they were at then.

    A member counts from the week they joined (active members only: leaving is not dated). Their
    stage at each week's end follows the path's rule (`path.shown_stage`) applied to the role and
    path stage recorded then (`StageChange` rows: moves along the path, role changes) and to
    whether they had posted by then. One query (the history); members without history cost
    two binary searches each, so a year of weeks over thousands of members stays cheap.
    """
    ends = week_ends(period)
    ends_ts = [end.timestamp() for end in ends]
    history = {}
    rows = StageChange.objects.filter(community=community).values_list(
        "user_id", "role_before", "stage_before", "role", "stage", "changed_at"
    )
    for user_id, *change in rows.order_by("changed_at", "pk"):
        history.setdefault(user_id, []).append(tuple(change))
    n = len(ends)
    delta = {stage: [0] * (n + 1) for stage in path.Stage}  # +1/-1 where a count starts/stops
    shown_memo = {}

    def shown(role, stage, posted):
        key = (role, stage, posted)
        if key not in shown_memo:
            shown_memo[key] = path.shown_stage(role, stage, posted)
        return shown_memo[key]

    for user_id, role, stage, joined, _, first_post, *_ in memberships:
        start = bisect.bisect_right(ends_ts, joined.timestamp()) if joined is not None else 0
        if start >= n:
            continue
        changes = history.get(user_id)
        if changes:
            for i in range(start, n):
                r, s = path.state_at(ends[i], changes, (role, stage))
                at = shown(r, s, first_post is not None and first_post < ends[i])
                delta[at][i] += 1
                delta[at][i + 1] -= 1
            continue
        before, after = shown(role, stage, False), shown(role, stage, True)
        posted_from = bisect.bisect_right(ends_ts, first_post.timestamp()) if first_post is not None else n
        switch = max(start, posted_from) if before != after else n
        delta[before][start] += 1
        delta[before][switch] -= 1
        delta[after][switch] += 1
        delta[after][n] -= 1
    names = dict(path.stage_names(community))
    series = []
    for stage, css in STAGE_CSS.items():
        running, values = 0, []
        for i in range(n):
            running += delta[stage][i]
            values.append(running)
        series.append(Series(names[stage], values, css))
    return bar_chart(
        "members",
        "Members by participation stage, week by week",
        "Week of",
        period.weeks,
        series,
        stacked=True,
        note="Each member at the stage they were at that week: moves along the path and role changes "
        "as they were recorded, contributor from their first post. People who have since left are "
        "not counted.",
        label_fmt=week_label,
    )


def cached_dashboard(community, period):
    """`dashboard(community, period)`, kept per period and time zone until anything in the
    community is saved (a post, reply, membership, log row...: `cop_platform.pagecache` bumps the
    community's version) and for at most DASHBOARD_CACHE_SECONDS (120 s by default; 0 turns the
    cache off). Visits and bulk updates are thus counted within that time, and "the last N days"
    ends at most that long ago: the page says when the figures were computed."""
    from django.conf import settings

    from cop_platform import pagecache

    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 120)
    if not seconds:
        return dashboard(community, period)
    return pagecache.community_cached(
        community, ("dashboard", period.days, str(period.tz)), lambda: dashboard(community, period), seconds
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
    figures = {"community": community_figures(community, period), "computed_at": period.end}
    for source in extensions.insight_sources():
        result = source.compute(community, period)
        if result is not None:
            figures[source.key] = result
    return figures


def charts_of(figures):
    """Every chart on the dashboard, in page order, by key (for the CSV downloads)."""
    found = {}
    for group in figures.values():
        if not isinstance(group, dict):
            continue
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
