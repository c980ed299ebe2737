"""Guests at events: a facilitator invites people who are not members to one meeting.

Built on h10's invitations (communities.invitations) with the purpose "meeting_guest" and the
meeting as target: the e-mail, the accept link, resending and revoking are theirs. Accepting
records a MeetingGuest row and does not make the person a member. A guest may read that
meeting's page and notes, say whether they will come and download its .ics; every other page
of the community answers them as to any non-member. After the meeting, its page offers them
membership (join an open community, ask to join a closed one).
"""

from django.http import Http404

from . import invitations
from .models import Meeting, Membership
from .models.guests import MeetingGuest

PURPOSE = "meeting_guest"


def invite_guests(facilitator, meeting, emails, note=""):
    """Invite addresses to `meeting`; returns (created, skipped) like invitations.invite.

    Active members need no invitation: they are skipped with the reason.
    """
    members = {
        e.lower()
        for e in Membership.objects.active()
        .filter(community=meeting.community, user__email__in=emails)
        .values_list("user__email", flat=True)
    }
    wanted = [e for e in emails if e.lower() not in members]
    skipped = [(e, "is already a member") for e in emails if e.lower() in members]
    created = []
    if wanted:
        created, more = invitations.invite(
            facilitator, meeting.community, wanted, note, purpose=PURPOSE, target=meeting
        )
        skipped += more
    return created, skipped


def _accept(user, invitation):
    meeting = Meeting.objects.filter(pk=invitation.target_id, community=invitation.community).first()
    if meeting is None:
        raise invitations.InvitationError("This meeting no longer exists.")
    MeetingGuest.objects.get_or_create(meeting=meeting, user=user, defaults={"invitation": invitation})


def landing(invitation):
    """Where accepting sends the guest: the meeting's page."""
    meeting = Meeting.objects.filter(pk=invitation.target_id, community=invitation.community).first()
    return meeting.get_absolute_url() if meeting else invitation.community.get_absolute_url()


def is_guest(user, meeting):
    return bool(user.is_authenticated and MeetingGuest.objects.filter(meeting=meeting, user=user).exists())


def guest_meeting(user, slug, pk):
    """The meeting `user` is a guest of (a live community only), or 404."""
    if not user.is_authenticated:
        raise Http404
    meeting = (
        Meeting.objects.filter(pk=pk, community__slug=slug, guests__user=user)
        .select_related("community", "theme", "notes_by", "created_by")
        .first()
    )
    if meeting is None or not meeting.community.is_live:
        raise Http404
    return meeting


def register():
    invitations.register_acceptor(PURPOSE, _accept)
