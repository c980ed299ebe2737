"""Private messages: starting conversations, replying, reading, blocking and reporting.

Who may write to whom is `policy.message_refusals`. Telling the recipients (notification and
e-mail with reply-by-e-mail) is newsletters' job: `signals.message_sent` is sent inside the
transaction and its receiver enqueues one task on commit.
"""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.utils import timezone

from cop_platform import memberstate
from cop_platform.refusals import Refused

from . import signals
from .models import (
    MAX_PARTICIPANTS,
    Block,
    Conversation,
    Membership,
    Message,
    MessageReport,
    MessagingSettings,
    Participant,
)
from .policy import can_read_reports, facilitated_community, message_refusals  # noqa: F401 (re-exported)

# New accounts are where spam comes from: they may start few conversations and include few links.
NEW_ACCOUNT_AGE = datetime.timedelta(days=7)
NEW_ACCOUNT_CONVERSATIONS_PER_DAY = 3
CONVERSATIONS_PER_DAY = 30
NEW_ACCOUNT_MAX_LINKS = 1
MAX_BODY = 10000

_LINK_RE = re.compile(r"(?:https?://|www\.|mailto:|ftp://)", re.IGNORECASE)


class MessagingError(Refused):
    """A message was refused; str(error) is a message for the person who wrote it."""


def is_new_account(user, now=None):
    now = now or timezone.now()
    return bool(user.date_joined and user.date_joined > now - NEW_ACCOUNT_AGE)


def _check_body(author, body):
    body = (body or "").strip()
    if not body:
        raise MessagingError("Please write a message.")
    if len(body) > MAX_BODY:
        raise MessagingError(f"Please keep a message under {MAX_BODY} characters.")
    links = len(_LINK_RE.findall(body))
    if links > NEW_ACCOUNT_MAX_LINKS and is_new_account(author):
        raise MessagingError(
            f"Welcome! In your first week you can include up to {NEW_ACCOUNT_MAX_LINKS} link in a message, "
            f"and this one has {links}. Please remove some (your text is kept below)."
        )
    return body


def _check_rate(author, now):
    # A new facilitator (say, of a community approved this week) nudges and welcomes people:
    # the spam limit for new accounts is not for them.
    new = is_new_account(author, now) and not Membership.objects.facilitators().filter(user=author).exists()
    limit = NEW_ACCOUNT_CONVERSATIONS_PER_DAY if new else CONVERSATIONS_PER_DAY
    started = Conversation.objects.filter(started_by=author, created_at__gte=now - datetime.timedelta(days=1))
    if started.count() >= limit:
        raise MessagingError(
            f"You have started {limit} conversations today, the most we allow"
            f"{' in a first week' if limit == NEW_ACCOUNT_CONVERSATIONS_PER_DAY else ''}. "
            "Please reply in an existing conversation or try again tomorrow."
        )


def start_conversation(sender, recipients, body, *, subject=""):
    """Start a conversation with one or a few members and send its first message.

    Refused (MessagingError) if any recipient does not accept messages from `sender`, if there are
    too many people, or over the new-account limits. A one-to-one conversation that already
    exists between the two is reused, so "Message" on a profile always continues the same thread.
    """
    recipients = list({r.pk: r for r in recipients if r.pk != sender.pk}.values())
    if not recipients:
        raise MessagingError("Please choose who to write to.")
    if len(recipients) + 1 > MAX_PARTICIPANTS:
        raise MessagingError(f"A conversation can have at most {MAX_PARTICIPANTS} people.")
    body = _check_body(sender, body)
    refusals = message_refusals(sender, recipients)
    if refusals:
        raise MessagingError(" ".join(refusals.values()))
    now = timezone.now()
    if len(recipients) == 1:
        existing = one_to_one(sender, recipients[0])
        if existing is not None:
            send_message(sender, existing, body)
            return existing
    _check_rate(sender, now)
    # The community a facilitator wrote from is kept so the conversation can say so; it is shown
    # only to participants who may see that community.
    community = facilitated_community(sender, recipients[0]) if len(recipients) == 1 else None
    with transaction.atomic():
        conversation = Conversation.objects.create(
            subject=(subject or "").strip()[:150], started_by=sender, community=community,
            created_at=now, last_message_at=now,
        )  # fmt: skip
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=sender, last_read_at=now)]
            + [Participant(conversation=conversation, user=r) for r in recipients]
        )
        _add_message(sender, conversation, body, via="web", now=now)
    return conversation


def one_to_one(a, b):
    """The existing two-person conversation between a and b, if any (one query)."""
    theirs = Participant.objects.filter(user=b).values("conversation_id")
    return (
        Conversation.objects.filter(pk__in=theirs)
        .filter(pk__in=Participant.objects.filter(user=a).values("conversation_id"))
        .annotate(people=Count("participants"))
        .filter(people=2)
        .order_by("-last_message_at")
        .first()
    )


def send_message(author, conversation, body, *, via="web"):
    """Add a reply to a conversation the author takes part in."""
    me = Participant.objects.current().filter(conversation=conversation, user=author).first()
    if me is None:
        raise MessagingError("You are not part of this conversation.")
    body = _check_body(author, body)
    others = list(
        Participant.objects.current()
        .filter(conversation=conversation)
        .exclude(user=author)
        .values_list("user_id", flat=True)
    )
    if (
        Block.objects.filter(blocker_id__in=others, blocked=author).exists()
        or Block.objects.filter(blocker=author, blocked_id__in=others).exists()
    ):
        raise MessagingError("You can no longer send messages in this conversation.")
    with transaction.atomic():
        return _add_message(author, conversation, body, via=via, now=timezone.now())


def _add_message(author, conversation, body, *, via, now):
    message = Message.objects.create(
        conversation=conversation, author=author, body=body, created_at=now, via=via
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=now, message_count=F("message_count") + 1
    )
    others = Participant.objects.current().filter(conversation=conversation).exclude(user=author)
    recipients = list(others.values_list("user_id", flat=True))
    others.update(unread_count=F("unread_count") + 1)
    Participant.objects.filter(conversation=conversation, user=author).update(
        last_read_at=now, unread_count=0
    )
    memberstate.changed(author.pk, *recipients)
    signals.message_sent.send(sender=Message, message=message, recipient_ids=recipients)
    return message


def mark_read(user, conversation):
    if Participant.objects.filter(conversation=conversation, user=user, unread_count__gt=0).update(
        unread_count=0, last_read_at=timezone.now()
    ):
        memberstate.changed(user.pk)


def leave_conversation(user, conversation):
    Participant.objects.filter(conversation=conversation, user=user).update(
        left_at=timezone.now(), unread_count=0
    )
    memberstate.changed(user.pk)


def block(user, other):
    """`user` stops `other` from writing to them; existing conversations between them are closed."""
    if other.pk == user.pk:
        raise MessagingError("You cannot block yourself.")
    try:
        with transaction.atomic():
            Block.objects.create(blocker=user, blocked=other)
    except IntegrityError:
        pass  # already blocked: the same outcome


def unblock(user, other):
    Block.objects.filter(blocker=user, blocked=other).delete()


def report(user, conversation, reason):
    """Report a conversation to the site's staff, who then may read it."""
    if not Participant.objects.filter(conversation=conversation, user=user).exists():
        raise MessagingError("You are not part of this conversation.")
    reason = (reason or "").strip()
    if not reason:
        raise MessagingError("Please tell us briefly what is wrong, so staff can act on it.")
    return MessageReport.objects.create(conversation=conversation, reporter=user, reason=reason[:2000])


def set_who_may_write(user, value):
    if value not in MessagingSettings.WhoMayWrite.values:
        raise MessagingError("Please choose who may write to you.")
    MessagingSettings.objects.update_or_create(user=user, defaults={"who_may_write": value})


def who_may_write(user):
    setting = MessagingSettings.objects.filter(user=user).values_list("who_may_write", flat=True).first()
    return setting or MessagingSettings.WhoMayWrite.MEMBERS


# --- reading ------------------------------------------------------------------------------------


def inbox(user):
    """The member's conversations, newest first, with their participants (two queries a page)."""
    return (
        Participant.objects.current()
        .filter(user=user)
        .select_related("conversation")
        .prefetch_related(
            Prefetch(
                "conversation__participants",
                queryset=Participant.objects.select_related("user").order_by("pk"),
            )
        )
        .order_by("-conversation__last_message_at", "-pk")
    )


def unread_conversations(user):
    return Participant.objects.unread().filter(user=user).count()


def get_conversation_for(user, pk):
    """(conversation, participant) for a participant; staff may read a reported conversation
    (participant None). Anyone else gets 404."""
    if not user.is_authenticated:
        raise Http404
    conversation = Conversation.objects.select_related("community").filter(pk=pk).first()
    if conversation is None:
        raise Http404
    participants = list(
        Participant.objects.filter(conversation=conversation).select_related("user").order_by("pk")
    )
    me = next((p for p in participants if p.user_id == user.pk), None)
    if me is None and not (can_read_reports(user) and conversation.reports.exists()):
        raise Http404
    conversation.people = participants
    return conversation, me


def community_shown_to(conversation, user):
    """The conversation's community if `user` may see it, else None (no community leaks)."""
    community = conversation.community
    if community is None:
        return None
    from .policy import access_for

    return community if access_for(user, community).can_view else None


def resolve_report(staff_user, report):
    if not can_read_reports(staff_user):
        raise MessagingError("Only staff handle reports.")
    MessageReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=staff_user
    )


def reply_by_email(user, conversation_id, text):
    """A reply that arrived by e-mail (the inbound spine's "conversation" reply handler).

    The signed address names the conversation and the member; the same rules as the web apply
    (a current participant, blocks, link limits). Returns the Message, or raises MessagingError.
    """
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or not user.is_active:
        raise MessagingError("This conversation no longer exists.")
    return send_message(user, conversation, text, via="email")
