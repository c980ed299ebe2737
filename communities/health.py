"""The admin health page and the lifecycle of communities (active, dormant, archived).

Flags, each with its threshold:
- **Quiet N days**: no contribution (communities.insight.CONTRIBUTION_VERBS) for QUIET_DAYS.
- **No active facilitator**: no facilitator, or none of them did anything (any logged activity)
  in FACILITATOR_ACTIVE_DAYS. Admins are told by e-mail (daily beat, `check_facilitators`).
- **Requests waiting**: membership requests pending for over REQUESTS_WAITING_DAYS.
- **Suggest dormant**: quiet and not yet warned; the admin's first action tells the
  facilitators (`warn_dormant`), and only then can the community be marked dormant.

The whole page is one query: every figure is a correlated subquery on the community row.
"""

import datetime

from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import activity, signals
from .insight import CONTRIBUTION_VERBS
from .models import Activity, Community, Membership
from .services import CommunityError

QUIET_DAYS = 60
FACILITATOR_ACTIVE_DAYS = 60
REQUESTS_WAITING_DAYS = 7
TREND_DAYS = 30


def _count(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("community_id").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def _latest(queryset):
    return Subquery(
        queryset.order_by().values("community_id").annotate(last=Max("created_at")).values("last")[:1]
    )


def communities_with_signs(now):
    recent = now - datetime.timedelta(days=TREND_DAYS)
    previous = now - datetime.timedelta(days=2 * TREND_DAYS)
    log = Activity.objects.current().filter(community=OuterRef("pk"))
    contributions = log.filter(verb__in=CONTRIBUTION_VERBS)
    members = Membership.objects.filter(community=OuterRef("pk"), state=Membership.State.ACTIVE)
    facilitator_ids = Membership.objects.filter(
        community=OuterRef(OuterRef("pk")), state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values("user_id")
    return (
        Community.objects.exclude(status=Community.Status.REJECTED)
        .annotate(
            member_count=_count(members),
            facilitator_count=_count(members.filter(role=Membership.Role.FACILITATOR)),
            recent_activity=_count(contributions.filter(created_at__gte=recent)),
            previous_activity=_count(contributions.filter(created_at__gte=previous, created_at__lt=recent)),
            last_contribution=_latest(contributions),
            last_facilitator_activity=_latest(log.filter(actor_id__in=facilitator_ids)),
            waiting_requests=_count(
                Membership.objects.filter(
                    community=OuterRef("pk"),
                    state=Membership.State.PENDING,
                    requested_at__lt=now - datetime.timedelta(days=REQUESTS_WAITING_DAYS),
                )
            ),
        )
        .order_by("status", "name")
    )


def signs_of(c, now):
    """Flags and the suggested action for one annotated community."""
    flags, suggest = [], None
    if c.status == Community.Status.ACTIVE:
        if c.last_contribution is None or c.last_contribution < now - datetime.timedelta(days=QUIET_DAYS):
            flags.append(f"Quiet for over {QUIET_DAYS} days")
            suggest = "mark_dormant" if c.dormancy_notice_at else "warn_dormant"
        if c.facilitator_count == 0:
            flags.append("No facilitator")
        elif c.last_facilitator_activity is None or c.last_facilitator_activity < now - datetime.timedelta(
            days=FACILITATOR_ACTIVE_DAYS
        ):
            flags.append(f"No active facilitator in {FACILITATOR_ACTIVE_DAYS} days")
        if c.waiting_requests:
            flags.append(f"{c.waiting_requests} request{'s' if c.waiting_requests != 1 else ''} waiting over "
                         f"{REQUESTS_WAITING_DAYS} days")  # fmt: skip
    trend = None
    if c.previous_activity:
        trend = round(100 * (c.recent_activity - c.previous_activity) / c.previous_activity)
    return {"community": c, "warnings": flags, "suggest": suggest, "trend": trend}


def portfolio_health(*, now=None):
    """Every live or proposed community with the signs an admin watches. One query."""
    now = now or timezone.now()
    return [signs_of(c, now) for c in communities_with_signs(now)]


def without_active_facilitator(*, now=None):
    """Active communities whose facilitators have all gone quiet (or that have none)."""
    now = now or timezone.now()
    rows = communities_with_signs(now).filter(status=Community.Status.ACTIVE)
    cutoff = now - datetime.timedelta(days=FACILITATOR_ACTIVE_DAYS)
    return [
        c
        for c in rows
        if c.facilitator_count == 0
        or c.last_facilitator_activity is None
        or c.last_facilitator_activity < cutoff
    ]


# --- lifecycle actions (staff only; the view asks policy.can_review_proposals) -----------------


def _locked(community):
    return Community.objects.select_for_update().get(pk=community.pk)


@transaction.atomic
def warn_dormant(admin, community):
    """Tell the facilitators the community is about to be marked dormant (always the first step)."""
    community = _locked(community)
    if community.status != Community.Status.ACTIVE:
        raise CommunityError("Only an active community can be marked dormant.")
    community.dormancy_notice_at = timezone.now()
    community.save(update_fields=["dormancy_notice_at"])
    signals.dormancy_warned.send(sender=Community, community=community, by=admin)
    return community


@transaction.atomic
def mark_dormant(admin, community):
    community = _locked(community)
    if community.status != Community.Status.ACTIVE:
        raise CommunityError("Only an active community can be marked dormant.")
    if community.dormancy_notice_at is None:
        raise CommunityError("Tell the facilitators first: they may want to wake it up.")
    community.status = Community.Status.DORMANT
    community.save(update_fields=["status"])
    activity.record(community, admin, "community.dormant", f"{community.name} is now dormant")
    return community


@transaction.atomic
def archive_community(admin, community):
    """Read-only from now on, still readable and searchable by whoever could see it."""
    community = _locked(community)
    if community.status not in (Community.Status.ACTIVE, Community.Status.DORMANT):
        raise CommunityError("Only an active or dormant community can be archived.")
    community.status = Community.Status.ARCHIVED
    community.save(update_fields=["status"])
    activity.record(community, admin, "community.archived", f"{community.name} was archived")
    return community


@transaction.atomic
def reopen_community(admin, community):
    community = _locked(community)
    if community.status not in (Community.Status.DORMANT, Community.Status.ARCHIVED):
        raise CommunityError("This community is already open.")
    community.status = Community.Status.ACTIVE
    community.dormancy_notice_at = None
    community.save(update_fields=["status", "dormancy_notice_at"])
    activity.record(community, admin, "community.reopened", f"{community.name} was reopened")
    return community


def check_facilitators(*, now=None):
    """Daily: tell admins about each community that has lost its last active facilitator.

    Sends `signals.facilitator_lost` once per community and episode: newsletters e-mails the
    staff with a delivery key naming the community and the day its facilitators were last seen,
    so running it twice (or daily while the episode lasts) sends nothing twice.
    """
    found = without_active_facilitator(now=now)
    for community in found:
        signals.facilitator_lost.send(
            sender=Community, community=community, last_seen=community.last_facilitator_activity
        )
    return len(found)
