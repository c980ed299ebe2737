"""Every change to communities and memberships goes through these functions.

Each owns its transaction and row locks, checks the policy, and raises CommunityError with a
message fit to show the user when the change is refused.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cop_platform import audit
from cop_platform.refusals import Refused

from . import activity, path, signals
from .models import Community, Membership
from .policy import access_for, can_review_proposals


class CommunityError(Refused):
    """A change was refused; str(error) is a message for the person who asked."""


# --- communities --------------------------------------------------------------------------


def propose_community(user, *, name, slug, purpose, visibility, scope="", description="", tags=()):
    """Create a community in the "proposed" state; staff review it before it goes live."""
    try:
        with transaction.atomic():
            community = Community.objects.create(
                name=name,
                slug=slug,
                purpose=purpose,
                scope=scope,
                description=description,
                visibility=visibility,
                status=Community.Status.PROPOSED,
                proposed_by=user,
            )
    except IntegrityError as error:
        raise CommunityError(f"The web address “{slug}” is already taken. Please choose another.") from error
    if tags:
        community.tags.set(list(tags))
    signals.community_proposed.send(sender=Community, community=community)
    return community


@transaction.atomic
def approve_community(reviewer, community):
    """Make a proposed community live; its proposer becomes the first facilitator."""
    if not can_review_proposals(reviewer):
        raise CommunityError("Only site administrators can approve communities.")
    community = Community.objects.select_for_update().get(pk=community.pk)
    if community.status != Community.Status.PROPOSED:
        raise CommunityError(f"“{community.name}” has already been decided.")
    now = timezone.now()
    community.status = Community.Status.ACTIVE
    community.decided_by, community.decided_at = reviewer, now
    community.save(update_fields=["status", "decided_by", "decided_at"])
    if community.proposed_by_id:
        Membership.objects.update_or_create(
            user_id=community.proposed_by_id,
            community=community,
            defaults={
                "role": Membership.Role.FACILITATOR,
                "state": Membership.State.ACTIVE,
                "joined_at": now,
            },
        )
    activity.record(
        community, reviewer, "community.approved", f"{community.name} was approved and is now open"
    )
    signals.community_decided.send(sender=Community, community=community, approved=True)
    return community


@transaction.atomic
def reject_community(reviewer, community, reason):
    if not can_review_proposals(reviewer):
        raise CommunityError("Only site administrators can reject communities.")
    reason = (reason or "").strip()
    if not reason:
        raise CommunityError("Please give the proposer a reason, so they can improve the proposal.")
    community = Community.objects.select_for_update().get(pk=community.pk)
    if community.status != Community.Status.PROPOSED:
        raise CommunityError(f"“{community.name}” has already been decided.")
    community.status = Community.Status.REJECTED
    community.decided_by, community.decided_at = reviewer, timezone.now()
    community.decision_reason = reason
    community.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    signals.community_decided.send(sender=Community, community=community, approved=False)
    return community


def update_community(actor, community, **fields):
    if not access_for(actor, community).can_edit_community:
        raise CommunityError("Only this community's facilitators can change its settings.")
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(community, name, value)
    community.save(update_fields=list(fields))
    if tags is not None:
        community.tags.set(list(tags))
    return community


# --- membership ---------------------------------------------------------------------------


def _lock_membership(user, community):
    return Membership.objects.select_for_update().filter(user=user, community=community).first()


@transaction.atomic
def join_community(user, community):
    """Join an open community at once as a peripheral member."""
    membership = _lock_membership(user, community)
    access = access_for(user, community, membership)
    if access.is_member:
        raise CommunityError(f"You are already a member of {community.name}.")
    if access.is_banned:
        raise CommunityError(
            f"You were banned from {community.name}, so you cannot join it. Reason: {membership.sanction_reason}"
        )
    if not access.can_join:
        if not community.is_open:
            raise CommunityError(f"{community.name} is closed: please ask to join instead.")
        raise CommunityError(f"{community.name} is not taking new members at the moment.")
    now = timezone.now()
    if membership is None:
        membership = Membership(user=user, community=community)
    membership.role = Membership.Role.PERIPHERAL
    membership.state = Membership.State.ACTIVE
    membership.joined_at = now
    membership.save()
    activity.record(community, user, "member.joined", f"{user.name} joined", url=user.get_absolute_url())
    signals.membership_activated.send(sender=Membership, membership=membership, welcomed_by=None)
    return membership


@transaction.atomic
def request_membership(user, community, message=""):
    """Ask to join a closed community; facilitators decide."""
    membership = _lock_membership(user, community)
    access = access_for(user, community, membership)
    if access.is_member:
        raise CommunityError(f"You are already a member of {community.name}.")
    if access.is_pending:
        raise CommunityError("You have already asked to join; a facilitator will reply soon.")
    if access.is_banned:
        raise CommunityError(
            f"You were banned from {community.name}, so you cannot ask to join it. "
            f"Reason: {membership.sanction_reason}"
        )
    if not access.can_request:
        if community.is_open:
            raise CommunityError(f"{community.name} is open: you can join straight away.")
        raise CommunityError(f"{community.name} is not taking new members at the moment.")
    if membership is None:
        membership = Membership(user=user, community=community)
    membership.role = Membership.Role.PERIPHERAL
    membership.state = Membership.State.PENDING
    membership.request_message = (message or "").strip()
    membership.requested_at = timezone.now()
    membership.decided_by, membership.decided_at, membership.decision_reason = None, None, ""
    membership.save()
    signals.membership_requested.send(sender=Membership, membership=membership)
    return membership


@transaction.atomic
def decide_request(facilitator, membership, *, approve, reason=""):
    """Approve or decline a pending request. Deciding twice is refused, not repeated."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "community").get(pk=membership.pk)
    )
    community = membership.community
    if not access_for(facilitator, community).can_manage_members:
        raise CommunityError("Only this community's facilitators can decide requests to join.")
    if membership.state != Membership.State.PENDING:
        raise CommunityError(
            f"{membership.user.name}'s request has already been decided "
            f"({membership.get_state_display().lower()})."
        )
    now = timezone.now()
    membership.decided_by, membership.decided_at = facilitator, now
    membership.decision_reason = (reason or "").strip()
    if approve:
        membership.state = Membership.State.ACTIVE
        membership.joined_at = now
    else:
        membership.state = Membership.State.DECLINED
    membership.save(update_fields=["state", "decided_by", "decided_at", "decision_reason", "joined_at"])
    signals.membership_decided.send(sender=Membership, membership=membership, approved=approve)
    if approve:
        user = membership.user
        activity.record(community, user, "member.joined", f"{user.name} joined", url=user.get_absolute_url())
        signals.membership_activated.send(sender=Membership, membership=membership, welcomed_by=facilitator)
    return membership


def _other_facilitators(membership):
    return (
        Membership.objects.select_for_update()
        .facilitators()
        .filter(community_id=membership.community_id)
        .exclude(pk=membership.pk)
    )


def _ensure_not_last_facilitator(membership, message):
    if membership.is_facilitator and not _other_facilitators(membership).exists():
        raise CommunityError(message)


@transaction.atomic
def leave_community(user, community):
    membership = _lock_membership(user, community)
    if membership is None or not membership.is_active:
        raise CommunityError(f"You are not a member of {community.name}.")
    _ensure_not_last_facilitator(
        membership,
        "You are the only facilitator. Please appoint another facilitator before you leave, "
        "so the community is not left without one.",
    )
    role_before = membership.role
    membership.state = Membership.State.LEFT
    membership.role = Membership.Role.PERIPHERAL
    membership.save(update_fields=["state", "role"])
    path.record_change(membership, role_before, membership.stage, changed_by=membership.user)
    return membership


@transaction.atomic
def change_role(actor, membership, role):
    """Move an active member between peripheral, core and facilitator."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "community").get(pk=membership.pk)
    )
    if not access_for(actor, membership.community).can_manage_members:
        raise CommunityError("Only this community's facilitators can change members' roles.")
    if role not in Membership.Role.values:
        raise CommunityError("That is not a role in this community.")
    if not membership.is_active:
        raise CommunityError(f"{membership.user.name} is not an active member.")
    if role != Membership.Role.FACILITATOR:
        _ensure_not_last_facilitator(
            membership, "A community needs at least one facilitator. Appoint another one first."
        )
    if membership.role == role:
        return membership
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    path.record_change(membership, old_role, membership.stage, changed_by=actor)
    audit.record(
        "role_changed", user=membership.user, actor=actor, community=membership.community.slug,
        old=old_role, new=role,
    )  # fmt: skip
    if role == Membership.Role.FACILITATOR:
        activity.record(
            membership.community, actor, "member.facilitator",
            f"{membership.user.name} became a facilitator", url=membership.user.get_absolute_url(),
            target=membership.user,  # a year later, the badge counts from this row
        )  # fmt: skip
    return membership


@transaction.atomic
def remove_member(actor, membership):
    membership = (
        Membership.objects.select_for_update().select_related("user", "community").get(pk=membership.pk)
    )
    if not access_for(actor, membership.community).can_manage_members:
        raise CommunityError("Only this community's facilitators can remove members.")
    if not membership.is_active:
        raise CommunityError(f"{membership.user.name} is not an active member.")
    _ensure_not_last_facilitator(
        membership, "A community needs at least one facilitator. Appoint another one first."
    )
    role_before = membership.role
    membership.state = Membership.State.REMOVED
    membership.role = Membership.Role.PERIPHERAL
    membership.save(update_fields=["state", "role"])
    path.record_change(membership, role_before, membership.stage, changed_by=actor)
    audit.record("member_removed", user=membership.user, actor=actor, community=membership.community.slug)
    return membership
