"""Hot seat messages: announcements to members, answers to askers and voters, the expert's
invitation and their daily e-mail of new questions.

Tasks take primary keys; the receivers in receivers.py beside it enqueue them on commit.
"""

import datetime
import smtplib
import zoneinfo

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from cop_platform.emails import build_email
from hotseats.models import FollowUp, HotSeat, Question, Vote

from ... import delivery, notifying, sending
from ...models import Delivery
from ...notifying import Topic
from ...sending import Kind
from ...services import notify

RETRYABLE = (smtplib.SMTPException, OSError)
BATCH = 50
DAILY_HOUR = 8  # the expert's e-mail goes out from 08:00 in their own time zone


def _zone(user):
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def when_for(user, dt):
    """A time as `user` reads it: in their zone, with the zone named."""
    zone = _zone(user)
    local = dt.astimezone(zone)
    name = getattr(zone, "key", "UTC")
    label = local.tzname()
    suffix = f" ({name.replace('_', ' ')})" if name != label else ""
    return f"{local:%a %-d %b, %H:%M} {label}{suffix}"


# --- announcements to members -------------------------------------------------------------


def _announcement(hotseat, event, user):
    expert = hotseat.expert_display_name
    if event == "scheduled":
        return (
            f"New hot seat in {hotseat.community.name}: “{hotseat.title}” with {expert}, "
            f"open from {when_for(user, hotseat.opens_at)}. You can ask your questions already."
        )
    return f"The hot seat “{hotseat.title}” is open: put your questions to {expert} until {when_for(user, hotseat.closes_at)}."


def _load_hotseat(pk):
    hotseat = HotSeat.objects.select_related("community", "expert").filter(pk=pk).first()
    # A hot seat put back to draft in between is announced to nobody.
    return None if hotseat is None or hotseat.status == HotSeat.Status.DRAFT else hotseat


ANNOUNCE = notifying.register(
    Topic(
        "hotseats.announce",
        load=_load_hotseat,
        # Active members; the expert has their own messages.
        groups=lambda hotseat, extra: [
            (
                f"hotseat.{extra['event']}",
                Membership.objects.active().filter(community_id=hotseat.community_id)
                .exclude(user_id=hotseat.expert_id).values_list("user_id", flat=True),
            )
        ],
        text=lambda hotseat, kind, user, extra: _announcement(hotseat, extra["event"], user),
        url=lambda hotseat, kind: hotseat.get_absolute_url(),
        community=lambda hotseat: hotseat.community,
        about=lambda hotseat: f"hotseat:{hotseat.pk}",
    )
)  # fmt: skip


def announce(hotseat_id, event, actor_id=None):
    """Tell the community's members that a hot seat was scheduled or opened (never the
    facilitator who did it), in batches; and tell the expert it opened."""
    count = notifying.fan_out(ANNOUNCE.name, hotseat_id, actor_id, {"event": event})
    if event == "opened":
        hotseat = HotSeat.objects.select_related("community", "expert").filter(pk=hotseat_id).first()
        if hotseat is not None and hotseat.expert_id and hotseat.expert_id != actor_id:
            tell_expert_opened(hotseat)
    return count


def tell_expert_opened(hotseat):
    waiting = Question.objects.filter(hotseat=hotseat).shown().unanswered().count()
    questions = f"{waiting} question{'s' if waiting != 1 else ''} {'is' if waiting == 1 else 'are'} waiting"
    notify(
        hotseat.expert,
        f"Your hot seat “{hotseat.title}” is open: {questions} for your answer.",
        url=hotseat.get_absolute_url() + "?sort=unanswered", kind="hotseat.expert",
        community=hotseat.community, email=True,
    )  # fmt: skip


def tell_expert_closed(hotseat_id):
    """Thank the expert when the hot seat closes, with the link to the transcript."""
    hotseat = HotSeat.objects.select_related("community", "expert").filter(pk=hotseat_id).first()
    if hotseat is None or hotseat.expert is None:
        return False
    url = reverse("hotseats:transcript", args=[hotseat.community.slug, hotseat.pk])
    notify(
        hotseat.expert, f"Your hot seat “{hotseat.title}” has closed. Thank you! The transcript is ready.",
        url=url, kind="hotseat.expert", community=hotseat.community,
    )  # fmt: skip
    return True


def announce_to(hotseat_id, event, user_ids):
    """One batch of an announcement (kept for tasks already queued under the old name)."""
    return len(
        notifying.tell_batch(ANNOUNCE.name, hotseat_id, f"hotseat.{event}", user_ids, {"event": event})
    )


def _load_question(pk):
    return Question.objects.select_related("hotseat__community", "hotseat__expert").filter(pk=pk).first()


ANSWERED = notifying.register(
    Topic(
        "hotseats.answered",
        load=_load_question,
        # The asker and everyone who voted (the policy drops them if the question was hidden).
        groups=lambda question, extra: [
            ("hotseat.answered", [question.author_id, *Vote.objects.filter(question=question).values_list("user_id", flat=True)])
        ],
        text=lambda question, kind, user, extra: (
            f"{question.hotseat.expert_display_name} answered a question you asked or voted for "
            f"in the hot seat “{question.hotseat.title}”."
        ),
        url=lambda question, kind: question.get_absolute_url(),
        community=lambda question: question.hotseat.community,
        about=lambda question: f"question:{question.pk}",
    )
)  # fmt: skip


def tell_askers_and_voters(question_id):
    """The asker and everyone who voted hear that the question was answered (not the expert)."""
    question = _load_question(question_id)
    if question is None:
        return 0
    return notifying.fan_out(
        ANSWERED.name, question_id, question.answered_by_id or question.hotseat.expert_id
    )


def _load_follow_up(pk):
    return (
        FollowUp.objects.select_related(
            "author", "question__author", "question__hotseat__community", "question__hotseat__expert"
        )
        .filter(pk=pk)
        .first()
    )


def _follow_up_recipient(follow):
    """A member's follow-up goes to the expert; the expert's reply goes to the asker."""
    hotseat = follow.question.hotseat
    if follow.author_id and follow.author_id == hotseat.expert_id:
        return follow.question.author_id
    return hotseat.expert_id


def _follow_up_text(follow, kind, user, extra):
    hotseat = follow.question.hotseat
    author_name = follow.author.name if follow.author else "A former member"
    if follow.author_id and follow.author_id == hotseat.expert_id:
        return f"{author_name} replied to the follow-ups on your question in the hot seat “{hotseat.title}”."
    return f"{author_name} followed up on your answer in the hot seat “{hotseat.title}”."


FOLLOW_UP = notifying.register(
    Topic(
        "hotseats.follow_up",
        load=_load_follow_up,
        groups=lambda follow, extra: [("hotseat.follow_up", [_follow_up_recipient(follow)])],
        text=_follow_up_text,
        url=lambda follow, kind: follow.question.get_absolute_url(),
        community=lambda follow: follow.question.hotseat.community,
        about=lambda follow: f"question:{follow.question_id}",
    )
)


def tell_about_follow_up(follow_up_id):
    """Tell the other side of a follow-up, if they may still see the question; True if told."""
    follow = _load_follow_up(follow_up_id)
    if follow is None:
        return False
    return bool(notifying.fan_out(FOLLOW_UP.name, follow_up_id, follow.author_id))


# --- the expert ---------------------------------------------------------------------------


def tell_expert(hotseat_id):
    """An existing account was made the expert: tell them where their hot seat is."""
    hotseat = HotSeat.objects.select_related("community", "expert").filter(pk=hotseat_id).first()
    if hotseat is None or hotseat.expert is None or hotseat.status == HotSeat.Status.DRAFT:
        return False
    expert = hotseat.expert
    notify(
        expert,
        f"You are the expert in the hot seat “{hotseat.title}” ({hotseat.community.name}), "
        f"open {when_for(expert, hotseat.opens_at)} to {when_for(expert, hotseat.closes_at)}.",
        url=hotseat.get_absolute_url(), kind="hotseat.expert", community=hotseat.community, email=True,
    )  # fmt: skip
    return True


INVITATION = "hotseat_invitation"
INVITATION_GONE = "no longer waiting for this expert"


def _invitation_key(hotseat_pk, sending):
    return f"hotseat:{hotseat_pk}:{sending}"


def _waiting_for(hotseat, email):
    """The hot seat still waits for an expert without an account at `email`."""
    return (
        hotseat is not None
        and hotseat.expert_id is None
        and hotseat.status != HotSeat.Status.DRAFT
        and hotseat.state != HotSeat.Status.CLOSED
        and (hotseat.expert_email or "").lower() == (email or "").lower()
    )


def _hotseats_of(rows):
    pks = {int(row.key.split(":")[1]) for row in rows}
    return HotSeat.objects.select_related("community", "created_by").in_bulk(pks)


def check_invitations(rows):
    """Just before sending: the hot seat still waits for this expert (no account linked since,
    the address not changed, not closed). One query."""
    hotseats = _hotseats_of(rows)
    return {
        row.pk: INVITATION_GONE
        for row in rows
        if not _waiting_for(hotseats.get(int(row.key.split(":")[1])), row.email)
    }


def invitation_email(hotseat):
    url = reverse("hotseats:invitation", args=[hotseat.community.slug, hotseat.pk, hotseat.invite_token])
    return build_email(
        "hotseat_invitation",
        {
            "hotseat": hotseat, "community": hotseat.community, "inviter": hotseat.created_by,
            "invitation_url": url,
            "opens": hotseat.opens_at.astimezone(datetime.UTC), "closes": hotseat.closes_at.astimezone(datetime.UTC),
        },
        to=hotseat.expert_email,
        reply_to=[hotseat.created_by.email] if hotseat.created_by else None,
    )  # fmt: skip


sending.register(
    Kind(
        INVITATION,
        build=lambda row: invitation_email(_hotseats_of([row])[int(row.key.split(":")[1])]),
        check=check_invitations,
        description="a hot seat's invitation to an expert who has no account yet",
    )
)


def send_expert_invitation(hotseat_id):
    """E-mail the invitation to an expert without an account, through the sending engine.

    The invitee has no account, so the ledger row carries the address. Each sending (the first,
    then one per "Resend" by a facilitator, which clears `invite_sent_at`) has its own key,
    numbered by the sendings already made, and goes at most once: the conditional UPDATE on
    `invite_sent_at` lets one caller in, the ledger row makes a retry of the same sending reuse
    it, and a connection lost after the server may have taken the message leaves the row
    unknown (never sent again). Returns True if this call sent it; a temporary failure
    releases the claim and re-raises, so the task retries the same sending.
    """
    hotseat = HotSeat.objects.filter(pk=hotseat_id).first()
    if hotseat is None or not _waiting_for(hotseat, hotseat.expert_email):
        return False
    claimed_at = timezone.now()
    claimed = HotSeat.objects.filter(pk=hotseat.pk, invite_sent_at__isnull=True, expert__isnull=True).update(
        invite_sent_at=claimed_at
    )
    if not claimed:
        return False
    prefix = _invitation_key(hotseat.pk, "")
    made = Delivery.objects.filter(kind=INVITATION, key__startswith=prefix).exclude(
        status=Delivery.Status.PENDING
    )
    key = _invitation_key(hotseat.pk, made.count() + 1)
    result = sending.send_to_addresses(INVITATION, [(key, hotseat.expert_email.lower())])
    if result.retry:
        HotSeat.objects.filter(pk=hotseat.pk, invite_sent_at=claimed_at).update(invite_sent_at=None)
        raise result.error
    return result.sent == 1


def send_expert_daily(hotseat, now=None):
    """E-mail the expert the questions asked since their last e-mail; at most once a day.

    Nothing is sent before 08:00 in the expert's zone, nor when there is nothing new.
    Keyed (expert, "hotseat_expert", "hotseat:<id>:<their date>") in the delivery log.
    """
    now = now or timezone.now()
    expert = hotseat.expert
    if expert is None or hotseat.state_at(now) != HotSeat.Status.OPEN:
        return False
    local = now.astimezone(_zone(expert))
    if local.hour < DAILY_HOUR:
        return False
    questions = Question.objects.filter(hotseat=hotseat).shown().unanswered()
    if hotseat.expert_emailed_at:
        questions = questions.filter(created_at__gt=hotseat.expert_emailed_at)
    questions = list(questions.select_related("author").order_by("-vote_count", "created_at"))
    if not questions:
        return False
    unanswered = Question.objects.filter(hotseat=hotseat).shown().unanswered().count()

    def build():
        return build_email(
            "hotseat_expert_daily",
            {
                "expert": expert, "hotseat": hotseat, "community": hotseat.community, "questions": questions,
                "unanswered": unanswered, "closes": when_for(expert, hotseat.closes_at),
                "hotseat_url": hotseat.get_absolute_url() + "?sort=unanswered",
            },
            to=expert.email,
        )  # fmt: skip

    sent = delivery.send_once(
        expert, "hotseat_expert", f"hotseat:{hotseat.pk}:{local.date().isoformat()}", build
    )
    if sent:
        HotSeat.objects.filter(pk=hotseat.pk).update(expert_emailed_at=now)
    return sent


# --- tasks ----------------------------------------------------------------------------------


# Task names are those of the module's old place (newsletters.hotseat_emails): queued tasks and the beat schedule
# refer to them by name.
@shared_task(queue="email", name="newsletters.hotseat_emails.announce_hotseat")
def announce_hotseat(hotseat_id, event, actor_id=None):
    """Enqueue batches of members to tell that a hot seat was scheduled or opened."""
    return announce(hotseat_id, event, actor_id)


@shared_task(queue="email", name="newsletters.hotseat_emails.announce_batch")
def announce_batch(hotseat_id, event, user_ids):
    """Notify (and e-mail, per preference) one batch of members about a hot seat."""
    return announce_to(hotseat_id, event, user_ids)


@shared_task(queue="email", name="newsletters.hotseat_emails.question_answered")
def question_answered(question_id):
    """Tell a question's asker and voters that the expert answered."""
    return tell_askers_and_voters(question_id)


@shared_task(queue="email", name="newsletters.hotseat_emails.follow_up_posted")
def follow_up_posted(follow_up_id):
    """Tell the expert of a member's follow-up, or the asker of the expert's reply."""
    return tell_about_follow_up(follow_up_id)


@shared_task(queue="email", name="newsletters.hotseat_emails.expert_thanked")
def expert_thanked(hotseat_id):
    """Notify the expert that their hot seat closed."""
    return tell_expert_closed(hotseat_id)


@shared_task(queue="email", name="newsletters.hotseat_emails.expert_assigned")
def expert_assigned(hotseat_id):
    return tell_expert(hotseat_id)


@shared_task(
    bind=True,
    queue="email",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    max_retries=6,
    name="newsletters.hotseat_emails.expert_invited",
)
def expert_invited(self, hotseat_id):
    """E-mail the invitation to sign up to an expert who has no account yet (once)."""
    return send_expert_invitation(hotseat_id)


@shared_task(
    bind=True,
    queue="email",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    max_retries=6,
    name="newsletters.hotseat_emails.send_expert_daily_emails",
)
def send_expert_daily_emails(self):
    """Beat, every 15 minutes: each open hot seat's expert gets the new questions once a day."""
    now = timezone.now()
    open_now = HotSeat.objects.filter(
        status__in=[HotSeat.Status.SCHEDULED, HotSeat.Status.OPEN],
        opens_at__lte=now, closes_at__gt=now, expert__isnull=False,
    ).select_related("expert", "community")  # fmt: skip
    return sum(bool(send_expert_daily(hotseat, now)) for hotseat in open_now)
