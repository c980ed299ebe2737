"""E-mail and notices for the facilitator's craft: private messages, path stages, invitations.

Called from tasks enqueued by receivers.py beside it (after the content change commits).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from communities.extensions import ChecklistItem
from communities.models import Invitation, Meeting, Membership, Message
from cop_platform.emails import build_email

from ... import delivery, sending
from ...models import Delivery, Preference
from ...sending import Kind
from ...services import notify


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
        from ...inbound.addresses import make_address
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


INVITATION_GONE = "invitation accepted or revoked"


def _invitation_key(invitation_id, number):
    return f"invitation:{invitation_id}:{number}"


def _invitations(rows):
    ids = {int(row.key.split(":")[1]) for row in rows}
    return Invitation.objects.select_related("community", "invited_by").in_bulk(ids)


def check_invitations(rows):
    """Just before sending (sending engine): the invitation is still waiting (not accepted, not
    revoked, its community live) and this sending was not sent already (`sent_count`, which
    also covers sendings made before invitations had ledger rows). One query."""
    invitations = _invitations(rows)
    refused = {}
    for row in rows:
        _, pk, number = row.key.split(":")
        invitation = invitations.get(int(pk))
        if (
            invitation is None
            or not invitation.is_pending
            or not invitation.community.is_live
            or invitation.sent_count >= int(number)
        ):
            refused[row.pk] = INVITATION_GONE
    return refused


def invitation_email(invitation):
    return build_email(
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


def build_invitation(row):
    return invitation_email(_invitations([row])[int(row.key.split(":")[1])])


sending.register(
    Kind(
        "invitation",
        build=build_invitation,
        check=check_invitations,
        description="an invitation to someone who may have no account yet",
    )
)


def send_invitations(invitation_ids, number):
    """Send sending `number` of these invitations as one batch of the sending engine: one
    connection, rows per address (the invited may have no account), each key sent at most once.

    Returns the BatchResult; `result.retry` lists rows a mail server deferred (retry the task).
    """
    invitations = Invitation.objects.select_related("community", "invited_by").in_bulk(list(invitation_ids))
    if not invitations:
        return sending.BatchResult()
    keys = {_invitation_key(pk, number): invitation for pk, invitation in invitations.items()}
    result = sending.send_to_addresses(
        "invitation",
        [(key, inv.email) for key, inv in keys.items()],
        lambda row: invitation_email(keys[row.key]),
    )
    sent = [
        int(key.split(":")[1])
        for key in Delivery.objects.filter(
            kind="invitation", key__in=list(keys), status=Delivery.Status.SENT
        ).values_list("key", flat=True)
    ]
    if sent:
        Invitation.objects.filter(pk__in=sent, sent_count__lt=number).update(
            sent_count=number, last_sent_at=timezone.now()
        )
    return result


def send_invitation(invitation_id, number):
    """Send sending `number` of one invitation at most once; True if this call sent it. A
    temporary SMTP failure re-raises the error so the task retries (the row counts its tries)."""
    result = send_invitations([invitation_id], number)
    if result.retry:
        raise result.error
    return result.sent == 1


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

    from ...targets import ReplyRefused

    try:
        messaging.reply_by_email(user, conversation.pk, text)
    except messaging.MessagingError as error:
        raise ReplyRefused(str(error)) from error
    return conversation.get_absolute_url()


def register_reply_target():
    try:
        from ... import targets
    except ImportError:  # the inbound spine is not installed: e-mails carry no reply address
        return
    targets.register(
        targets.Target(
            "conversation", load_conversations, reply_to_conversation,
            rate="60/h", group="communities.conversation_reply",
        )
    )  # fmt: skip


def _guest_meeting(invitation):
    """The meeting an event-guest invitation is for (communities.guests), else None."""
    if invitation.purpose != "meeting_guest":
        return None
    return Meeting.objects.filter(pk=invitation.target_id, community=invitation.community).first()
