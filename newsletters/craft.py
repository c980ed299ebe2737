"""E-mail and notices for the facilitator's craft: private messages, path stages, invitations.

Called from tasks enqueued by receivers_craft (after the content change commits).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from communities.extensions import ChecklistItem
from communities.models import Invitation, Meeting, Membership, Message
from cop_platform.emails import build_email

from . import delivery
from .models import Preference
from .services import notify


def send_message_emails(message_id, recipient_ids):
    """E-mail a new private message to each recipient, once per (recipient, message).

    The e-mail names no community: a conversation carries no community content, so nothing of a
    closed community reaches someone outside it by this route.
    """
    message = Message.objects.select_related("author", "conversation").filter(pk=message_id).first()
    if message is None:
        return 0
    from communities.models import Participant

    recipients = [
        p.user
        for p in Participant.objects.current()
        .filter(conversation=message.conversation, user_id__in=recipient_ids, user__is_active=True)
        .select_related("user")
    ]
    sent = 0
    for recipient in recipients:

        def build(recipient=recipient):
            return build_email(
                "private_message",
                {"message": message, "recipient": recipient, "conversation": message.conversation},
                to=recipient.email,
                reply_to=reply_addresses(message.conversation, recipient),
                list_id="private-messages",
            )

        sent += bool(delivery.send_once(recipient, "message", f"message:{message.pk}", build))
    return sent


def reply_addresses(conversation, recipient):
    """The signed reply-by-e-mail address for this recipient, when inbound mail is configured
    (the spine's inbound addresses; none without REPLY_EMAIL_DOMAIN)."""
    try:
        from .inbound.addresses import make_address
    except ImportError:  # the inbound spine is not installed
        return None
    address = make_address(f"conversation:{conversation.pk}", recipient.pk)
    return [address] if address else None


def tell_of_stage(membership_id, moved_by_id, note, stage_name):
    membership = Membership.objects.select_related("user", "community").filter(pk=membership_id).first()
    if membership is None or not membership.is_active:
        return
    from django.contrib.auth import get_user_model

    mover = get_user_model().objects.filter(pk=moved_by_id).first()
    who = mover.name if mover else "A facilitator"
    text = f"{who} moved you to “{stage_name}” in {membership.community.name}"
    if note:
        text += f": “{note}”"
    notify(membership.user, text, url=membership.community.get_absolute_url(), kind="path.stage",
           community=membership.community, email=True)  # fmt: skip


def send_invitation(invitation_id, number):
    """Send sending `number` of an invitation at most once (a conditional UPDATE claims it)."""
    invitation = Invitation.objects.select_related("community", "invited_by").filter(pk=invitation_id).first()
    if invitation is None:
        return False
    claimed = Invitation.objects.filter(
        pk=invitation.pk, sent_count=number - 1, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(sent_count=number, last_sent_at=timezone.now())
    if not claimed:
        return False
    message = build_email(
        "invitation",
        {
            "invitation": invitation,
            "community": invitation.community,
            "inviter": invitation.invited_by,
            "accept_url": reverse("invitation", args=[invitation.token]),
            "meeting": _guest_meeting(invitation),
        },
        to=invitation.email,
        list_id="invitations",
    )
    try:
        message.send()
    except Exception:
        # Refused before the server took it: give the number back so a retry may send it.
        Invitation.objects.filter(pk=invitation.pk, sent_count=number).update(sent_count=number - 1)
        raise
    return True


def chose_digest(membership):
    return Exists(Preference.objects.filter(user=OuterRef("pk"), community_id=membership.community_id))


CHOOSE_DIGEST = ChecklistItem(
    "digest", "Choose how often you get the digest", chose_digest,
    lambda community: reverse("newsletters:preferences"), order=30,
)  # fmt: skip


# --- replies by e-mail (the inbound spine's targets registry, when present) ---------------------


def load_conversations(pks):
    from communities.models import Conversation

    return Conversation.objects.in_bulk(pks)


def reply_to_conversation(user, conversation, text):
    """A reply by e-mail to a private message: the same service as the web form."""
    from communities import messaging

    from .targets import ReplyRefused

    try:
        messaging.reply_by_email(user, conversation.pk, text)
    except messaging.MessagingError as error:
        raise ReplyRefused(str(error)) from error
    return conversation.get_absolute_url()


def register_reply_target():
    try:
        from . import targets
    except ImportError:  # the inbound spine is not installed: e-mails carry no reply address
        return
    targets.register(
        targets.Target(
            "conversation", load_conversations, reply_to_conversation,
            rate="60/h", group="communities.views.messaging.conversation",
        )
    )  # fmt: skip


def _guest_meeting(invitation):
    """The meeting an event-guest invitation is for (communities.guests), else None."""
    if invitation.purpose != "meeting_guest":
        return None
    return Meeting.objects.filter(pk=invitation.target_id, community=invitation.community).first()
