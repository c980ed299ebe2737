"""Invitations by e-mail: a facilitator invites people, accepting joins them.

General on purpose: an invitation has a `purpose` ("community" here) and may name a target
(`target_type`, `target_id`); another feature registers what accepting its purpose does with
`register_acceptor(purpose, fn)`, where `fn(user, invitation)` runs inside the accepting
transaction. The e-mail is newsletters' job: `signals.invitations_sent` (invitations, number 1) for the ones
created together and `signals.invitation_sent` (invitation, number) for a resend; the receiver
sends each number once, one batch per form.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from cop_platform.refusals import Refused

from . import activity, signals
from .models import Community, Invitation, Membership
from .policy import access_for

MAX_PER_BATCH = 50
MAX_RESENDS = 3


class InvitationError(Refused):
    """An invitation was refused; str(error) is a message for the person who asked."""


_acceptors = {}


def register_acceptor(purpose, fn):
    _acceptors[purpose] = fn


def parse_emails(text):
    """(valid addresses in order without duplicates, invalid pieces) from a pasted list."""
    valid, invalid, seen = [], [], set()
    for piece in re.split(r"[\s,;]+", text or ""):
        piece = piece.strip().strip("<>").strip()
        if not piece:
            continue
        try:
            validate_email(piece)
        except ValidationError:
            invalid.append(piece)
            continue
        if piece.lower() not in seen:
            seen.add(piece.lower())
            valid.append(piece)
    return valid, invalid


def invite(facilitator, community, emails, note="", *, purpose="community", target=None):
    """Invite each address; returns (created invitations, skipped addresses with the reason).

    People who are already active members, and addresses with a pending invitation to the same
    thing, are skipped (resend those instead).
    """
    access = access_for(facilitator, community)
    if not access.can_invite or not community.is_live:
        raise InvitationError("Only this community's facilitators can invite people.")
    if not emails:
        raise InvitationError("Please enter at least one e-mail address.")
    if len(emails) > MAX_PER_BATCH:
        raise InvitationError(f"Please invite at most {MAX_PER_BATCH} people at a time.")
    same_address = Q()
    for email in emails:
        same_address |= Q(user__email__iexact=email)
    members = {
        e.lower()
        for e in Membership.objects.active().filter(community=community).filter(same_address)
        .values_list("user__email", flat=True)
    }  # fmt: skip
    target_type = target._meta.label_lower if target is not None else ""
    target_id = target.pk if target is not None else None
    pending = {
        e.lower()
        for e in Invitation.objects.pending()
        .filter(community=community, purpose=purpose, target_type=target_type, target_id=target_id)
        .values_list("email", flat=True)
    }
    created, skipped = [], []
    now = timezone.now()
    with transaction.atomic():
        for email in emails:
            if purpose == "community" and email.lower() in members:
                skipped.append((email, "is already a member"))
            elif email.lower() in pending:
                skipped.append((email, "already has an invitation waiting (you can resend it)"))
            else:
                created.append(
                    Invitation.objects.create(
                        community=community, purpose=purpose, target_type=target_type, target_id=target_id,
                        email=email, note=(note or "").strip()[:2000], invited_by=facilitator,
                        created_at=now, send_count=1,
                    )
                )  # fmt: skip
        if created:
            signals.invitations_sent.send(sender=Invitation, invitations=created, number=1)
    return created, skipped


def resend(facilitator, invitation):
    if not access_for(facilitator, invitation.community).can_invite:
        raise InvitationError("Only this community's facilitators can resend invitations.")
    if not invitation.is_pending:
        raise InvitationError("This invitation was already accepted or revoked.")
    if invitation.send_count > MAX_RESENDS:
        raise InvitationError(
            "This invitation has been sent several times already; perhaps write to them directly."
        )
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(send_count=F("send_count") + 1)
        invitation.refresh_from_db(fields=["send_count"])
        signals.invitation_sent.send(sender=Invitation, invitation=invitation, number=invitation.send_count)
    return invitation


def revoke(facilitator, invitation):
    if not access_for(facilitator, invitation.community).can_invite:
        raise InvitationError("Only this community's facilitators can revoke invitations.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation was already accepted.")
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def get_invitation(token):
    """The invitation behind a link, or 404 (revoked and unknown links look the same)."""
    invitation = (
        Invitation.objects.select_related("community", "invited_by").filter(token=str(token)[:64]).first()
    )
    if invitation is None or invitation.revoked_at is not None or not invitation.community.is_live:
        raise Http404("This invitation is no longer valid.")
    return invitation


@transaction.atomic
def accept(user, invitation):
    """Accept: the signed-in person joins (closed communities too: the invitation is the approval)."""
    invitation = Invitation.objects.select_for_update().select_related("community").get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation was revoked.")
    if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
        raise InvitationError("This invitation was already used by someone else.")
    community = invitation.community
    if community.status not in (Community.Status.ACTIVE, Community.Status.DORMANT):
        raise InvitationError(f"{community.name} is not taking new members at the moment.")
    membership = join_by_invitation(user, invitation)
    if invitation.purpose in _acceptors:
        _acceptors[invitation.purpose](user, invitation)
    if invitation.accepted_at is None:
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def join_by_invitation(user, invitation):
    community = invitation.community
    membership = Membership.objects.select_for_update().filter(user=user, community=community).first()
    if membership is not None and membership.is_active:
        return membership
    if invitation.purpose != "community":
        return membership  # an event guest is not made a member
    if membership is not None and membership.state == Membership.State.REMOVED:
        raise InvitationError(f"You were removed from {community.name}; please ask its facilitators first.")
    now = timezone.now()
    if membership is None:
        membership = Membership(user=user, community=community)
    membership.role = Membership.Role.PERIPHERAL
    membership.state = Membership.State.ACTIVE
    membership.joined_at = now
    membership.decided_by_id = invitation.invited_by_id
    membership.decided_at = now
    membership.save()
    activity.record(community, user, "member.joined", f"{user.name} joined", url=user.get_absolute_url())
    welcomer = invitation.invited_by
    signals.membership_activated.send(sender=Membership, membership=membership, welcomed_by=welcomer)
    return membership
