"""Patterns of activity and engagement, read from the activity log (facilitator dashboard, site health)."""

import datetime

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from . import events
from .models import Activity, Community, Membership, Presence

QUIET_AFTER_DAYS = 60
# Joining is not contributing: these verbs do not make someone an active contributor.
NOT_CONTRIBUTIONS = tuple(
    events.expect(verb, by="communities.engagement")
    for verb in ("member.joined", "member.facilitator", "community.approved")
)


def community_engagement(community, *, days=30, weeks=8, now=None):
    """Numbers a facilitator needs to decide what to develop next. Costs five queries."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    log = Activity.objects.current().filter(community=community)
    roles = dict(
        Membership.objects.active()
        .filter(community=community)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    new_members = list(
        Membership.objects.active()
        .filter(community=community, joined_at__gte=since)
        .select_related("user")
        .order_by("-joined_at")[:20]
    )
    contributors = (
        log.filter(created_at__gte=since)
        .exclude(verb__in=NOT_CONTRIBUTIONS)
        .values("actor")
        .distinct()
        .count()
    )
    readers = (
        Presence.objects.filter(community=community, day__gte=since.date()).values("user").distinct().count()
    )
    week_start = (now - datetime.timedelta(weeks=weeks)).date()
    per_week = dict(
        log.filter(created_at__date__gte=week_start)
        .exclude(verb__in=NOT_CONTRIBUTIONS)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    weeks_list = []
    monday = now.date() - datetime.timedelta(days=now.weekday())
    for i in reversed(range(weeks)):
        start = monday - datetime.timedelta(weeks=i)
        count = sum(n for week, n in per_week.items() if _as_date(week) == start)
        weeks_list.append({"start": start, "count": count})
    peak = max((w["count"] for w in weeks_list), default=0) or 1
    for w in weeks_list:
        w["percent"] = round(100 * w["count"] / peak)
    members = sum(roles.values())
    return {
        "days": days,
        "members": members,
        "facilitators": roles.get(Membership.Role.FACILITATOR, 0),
        "core": roles.get(Membership.Role.CORE, 0),
        "peripheral": roles.get(Membership.Role.PERIPHERAL, 0),
        "new_members": new_members,
        "contributors": contributors,
        "readers": readers,
        "weeks": weeks_list,
    }


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def portfolio_health(*, now=None):
    """Every live or proposed community with the signs an admin watches. One query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    active = Q(memberships__state=Membership.State.ACTIVE)
    communities = (
        Community.objects.exclude(status=Community.Status.REJECTED)
        .annotate(
            member_count=Count("memberships", filter=active, distinct=True),
            facilitator_count=Count(
                "memberships", filter=active & Q(memberships__role=Membership.Role.FACILITATOR), distinct=True
            ),
            recent_activity=Count(
                "activities",
                filter=Q(activities__created_at__gte=since, activities__withdrawn_at__isnull=True)
                & ~Q(activities__verb__in=NOT_CONTRIBUTIONS),
                distinct=True,
            ),
            last_seen=Max("activities__created_at"),
        )
        .order_by("status", "name")
    )
    rows = []
    for c in communities:
        warnings = []
        if c.status == Community.Status.ACTIVE:
            if c.facilitator_count == 0:
                warnings.append("No facilitator")
            if c.last_activity_at is None or c.last_activity_at < now - datetime.timedelta(
                days=QUIET_AFTER_DAYS
            ):
                warnings.append(f"Quiet for over {QUIET_AFTER_DAYS} days")
        rows.append({"community": c, "warnings": warnings})
    return rows
