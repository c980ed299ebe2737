"""Sanctions: ban from a community, silence for a while, site-wide suspension by staff.

Each takes a reason the member sees (on the community page and when they try to post or rejoin)
and is written to the security audit trail. The policy (`CommunityAccess.is_banned`,
`is_restricted`) turns them into "may not join / ask to join" and "may read, may not post".
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cop_platform import audit

from . import path
from .models import Membership
from .policy import access_for
from .services import CommunityError, _ensure_not_last_facilitator, _lock_membership

MAX_SILENCE_DAYS = 365


def _reason(reason):
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise CommunityError("Please give a reason: the member will see it.")
    return reason


@transaction.atomic
def ban_member(actor, community, user, reason):
    """Ban `user` from `community`: they leave it at once and can neither rejoin nor ask to join.
    Works for members, pending requesters and people who left or were removed."""
    if not access_for(actor, community).can_manage_members:
        raise CommunityError("Only this community's facilitators can ban members.")
    if user.pk == actor.pk:
        raise CommunityError("You cannot ban yourself.")
    reason = _reason(reason)
    membership = _lock_membership(user, community) or Membership(user=user, community=community)
    if membership.pk and membership.is_active:
        _ensure_not_last_facilitator(
            membership, "A community needs at least one facilitator. Appoint another one first."
        )
    role_before = membership.role
    membership.state = Membership.State.BANNED
    membership.role = Membership.Role.PERIPHERAL
    membership.sanction_reason = reason
    membership.decided_by, membership.decided_at = actor, timezone.now()
    membership.save()
    if role_before != membership.role:
        path.record_change(membership, role_before, membership.stage, changed_by=actor)
    audit.record("banned", user=user, actor=actor, community=community.slug, reason=reason)
    return membership


@transaction.atomic
def lift_ban(actor, membership):
    """Lift a ban: the person may join (or ask to join) again like anyone else."""
    if not access_for(actor, membership.community).can_manage_members:
        raise CommunityError("Only this community's facilitators can lift a ban.")
    if not membership.is_banned:
        raise CommunityError(f"{membership.user.name} is not banned.")
    membership.state = Membership.State.REMOVED
    membership.sanction_reason = ""
    membership.save(update_fields=["state", "sanction_reason"])
    audit.record("unbanned", user=membership.user, actor=actor, community=membership.community.slug)
    return membership


@transaction.atomic
def silence_member(actor, membership, *, days, reason):
    """Make an active member read-only in this community for `days` days (0 lifts it)."""
    if not access_for(actor, membership.community).can_manage_members:
        raise CommunityError("Only this community's facilitators can silence members.")
    if not membership.is_active:
        raise CommunityError(f"{membership.user.name} is not an active member.")
    if membership.user_id == actor.pk:
        raise CommunityError("You cannot silence yourself.")
    if not 0 <= days <= MAX_SILENCE_DAYS:
        raise CommunityError(f"Choose between 1 and {MAX_SILENCE_DAYS} days.")
    if days == 0:
        membership.silenced_until, membership.sanction_reason = None, ""
    else:
        membership.silenced_until = timezone.now() + datetime.timedelta(days=days)
        membership.sanction_reason = _reason(reason)
    membership.save(update_fields=["silenced_until", "sanction_reason"])
    audit.record(
        "silenced", user=membership.user, actor=actor, community=membership.community.slug,
        days=days, reason=membership.sanction_reason,
    )  # fmt: skip
    return membership


@transaction.atomic
def suspend_user(staff, user, reason):
    """Site-wide suspension by staff: the person may sign in and read, but not post anywhere."""
    if not staff.is_staff:
        raise CommunityError("Only staff can suspend accounts.")
    if user.pk == staff.pk:
        raise CommunityError("You cannot suspend yourself.")
    user.suspended_at = timezone.now()
    user.suspension_reason = _reason(reason)
    user.save(update_fields=["suspended_at", "suspension_reason"])
    audit.record("suspended", user=user, actor=staff, reason=user.suspension_reason)
    return user


@transaction.atomic
def unsuspend_user(staff, user):
    if not staff.is_staff:
        raise CommunityError("Only staff can lift a suspension.")
    user.suspended_at, user.suspension_reason = None, ""
    user.save(update_fields=["suspended_at", "suspension_reason"])
    audit.record("unsuspended", user=user, actor=staff)
    return user


def restriction_message(access):
    """What a restricted member is told (None when they are not restricted)."""
    user = access.user
    if user.is_authenticated and getattr(user, "suspended_at", None):
        return f"Your account is suspended, so you can read but not post. Reason: {user.suspension_reason}"
    if access.membership is not None and access.membership.is_silenced:
        until = timezone.localtime(access.membership.silenced_until)
        return (
            f"You can read {access.community.name} but not post until {until:%-d %B %Y, %H:%M}. "
            f"Reason: {access.membership.sanction_reason}"
        )
    if access.membership is not None and access.membership.is_banned:
        return f"You were banned from {access.community.name}. Reason: {access.membership.sanction_reason}"
    return None
