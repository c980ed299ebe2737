"""Every change to a hot seat goes through these functions.

Each checks the policy, owns its transaction and raises HotSeatError with a message fit to
show the person who asked. Opening and closing on time is `advance_due()`, run by the beat
task; it claims each transition with a conditional UPDATE, so running it twice is harmless.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from communities import activity
from communities.policy import (
    access_for,
    can_answer_in_hotseat,
    can_ask_in_hotseat,
    can_edit_hotseat_question,
    can_follow_up_in_hotseat,
    can_vote_in_hotseat,
)
from cop_platform.refusals import Refused

from . import signals
from .models import FollowUp, HotSeat, Question, Vote

DEFAULT_LENGTH = datetime.timedelta(days=5)
Status = HotSeat.Status


class HotSeatError(Refused):
    """A change was refused; str(error) is a message for the person who asked."""


def _when(dt):
    local = timezone.localtime(dt)
    return f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"


def _require_runner(actor, community):
    access = access_for(actor, community)
    if not access.can_run_hotseat:
        raise HotSeatError("Only this community's facilitators can run hot seats.")
    return access


def _lock(hotseat):
    return HotSeat.objects.select_for_update().select_related("community").get(pk=hotseat.pk)


def _check_times(opens_at, closes_at):
    if closes_at <= opens_at:
        raise HotSeatError("The closing time must be after the opening time.")


# --- the expert ---------------------------------------------------------------------------


def _account_for_email(email):
    """The account that owns `email` (its login address or a verified extra address), if any."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        user = address.user if address else None
    return user


def _set_expert(hotseat, email, name):
    """Point the hot seat at the account for `email`, or leave it waiting for the invitee."""
    email = email.strip().lower()
    changed = email != (hotseat.expert_email or "").lower()
    hotseat.expert_email = email
    hotseat.expert_name = name.strip()
    if changed:
        hotseat.expert = _account_for_email(email)
        hotseat.invite_sent_at = None
    return changed


def _announce_expert(hotseat):
    if hotseat.status == Status.DRAFT:
        return  # told once the hot seat is scheduled
    if hotseat.expert_id:
        signals.expert_assigned.send(sender=HotSeat, hotseat=hotseat)
    else:
        signals.expert_invited.send(sender=HotSeat, hotseat=hotseat)


def claim_invitations(user):
    """Make `user` the expert of every hot seat waiting for one of their verified addresses.

    Called when someone signs in or confirms an address; returns the hot seats claimed.
    """
    # Only verified addresses: whoever controls the inbox the invitation went to is the expert.
    # One query on every sign-in; expert_email is stored lower-cased.
    verified = (
        EmailAddress.objects.filter(user=user, verified=True).annotate(low=Lower("email")).values("low")
    )
    waiting = list(
        HotSeat.objects.filter(expert__isnull=True, expert_email__in=verified).select_related("community")
    )
    claimed = []
    for hotseat in waiting:
        if HotSeat.objects.filter(pk=hotseat.pk, expert__isnull=True).update(expert=user):
            hotseat.expert = user
            claimed.append(hotseat)
            _announce_expert(hotseat)
    return claimed


def accept_invitation(user, hotseat, token):
    """The invitee followed the link in their invitation while signed in."""
    if token != hotseat.invite_token:
        raise HotSeatError(
            "This invitation link is not valid any more. Please ask the facilitator for a new one."
        )
    if hotseat.expert_id == user.pk:
        return hotseat
    if hotseat.expert_id is not None:
        raise HotSeatError("This invitation has already been accepted by someone else.")
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=hotseat.expert_email, verified=True
    ).exists()
    if not verified:
        raise HotSeatError(
            f"This invitation was sent to {hotseat.expert_email}. Please sign in with that address "
            "(or add and confirm it under E-mail addresses) to accept it."
        )
    HotSeat.objects.filter(pk=hotseat.pk, expert__isnull=True).update(expert=user)
    hotseat.refresh_from_db()
    return hotseat


# --- scheduling ---------------------------------------------------------------------------


@transaction.atomic
def create_hotseat(
    actor, community, *, title, topic, expert_email, expert_name, opens_at, closes_at=None,
    description="", expert_bio="", theme=None, tags=(), schedule=False,
):  # fmt: skip
    """Create a hot seat as a draft (or scheduled at once with schedule=True)."""
    _require_runner(actor, community)
    closes_at = closes_at or opens_at + DEFAULT_LENGTH
    _check_times(opens_at, closes_at)
    if theme is not None and theme.community_id != community.pk:
        raise HotSeatError("That theme belongs to another community.")
    hotseat = HotSeat(
        community=community, title=title.strip(), topic=topic.strip(), description=description,
        expert_bio=expert_bio.strip(), theme=theme, opens_at=opens_at, closes_at=closes_at, created_by=actor,
    )  # fmt: skip
    _set_expert(hotseat, expert_email, expert_name)
    hotseat.save()
    if tags:
        hotseat.tags.set(list(tags))
    if schedule:
        hotseat = schedule_hotseat(actor, hotseat)
    return hotseat


@transaction.atomic
def update_hotseat(actor, hotseat, **fields):
    """Change a hot seat's details. The expert can change until it closes; times while scheduled."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    state = hotseat.state
    if state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed; its transcript can no longer be changed here.")
    opens_at = fields.pop("opens_at", hotseat.opens_at)
    closes_at = fields.pop("closes_at", None) or hotseat.closes_at
    if state == Status.OPEN and opens_at != hotseat.opens_at:
        raise HotSeatError("This hot seat is already open: use “Extend” or “Close now” to change its times.")
    _check_times(opens_at, closes_at)
    theme = fields.get("theme")
    if theme is not None and theme.community_id != hotseat.community_id:
        raise HotSeatError("That theme belongs to another community.")
    expert_email = fields.pop("expert_email", hotseat.expert_email)
    expert_name = fields.pop("expert_name", hotseat.expert_name)
    expert_changed = _set_expert(hotseat, expert_email, expert_name)
    if "tags" in fields:
        hotseat.tags.set(list(fields.pop("tags") or []))
    for name, value in fields.items():
        setattr(hotseat, name, value)
    hotseat.opens_at, hotseat.closes_at = opens_at, closes_at
    hotseat.save()
    if expert_changed:
        _announce_expert(hotseat)
    return hotseat


@transaction.atomic
def schedule_hotseat(actor, hotseat):
    """Publish a draft: members can see it and ask in advance, and are told it is coming."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.status != Status.DRAFT:
        raise HotSeatError("This hot seat is already scheduled.")
    now = timezone.now()
    if hotseat.closes_at <= now:
        raise HotSeatError("The closing time is in the past. Please choose new times first.")
    hotseat.status = Status.SCHEDULED
    hotseat.save(update_fields=["status"])
    activity.record(
        hotseat.community, actor, "hotseat.scheduled",
        f"Hot seat scheduled: {hotseat.title} with {hotseat.expert_display_name}",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_scheduled.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    _announce_expert(hotseat)
    if hotseat.opens_at <= now:
        _mark_opened(hotseat, actor)
    return hotseat


def _mark_opened(hotseat, actor=None):
    """Move scheduled -> open once; returns True if this call did it."""
    won = HotSeat.objects.filter(pk=hotseat.pk, status=Status.SCHEDULED).update(status=Status.OPEN)
    if not won:
        return False
    hotseat.status = Status.OPEN
    activity.record(
        hotseat.community, actor, "hotseat.opened",
        f"Hot seat open: put your questions to {hotseat.expert_display_name} ({hotseat.title})",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_opened.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    return True


def _mark_closed(hotseat, actor=None):
    won = (
        HotSeat.objects.filter(pk=hotseat.pk, status__in=[Status.SCHEDULED, Status.OPEN])
        .update(status=Status.CLOSED)
    )  # fmt: skip
    if not won:
        return False
    hotseat.status = Status.CLOSED
    activity.record(
        hotseat.community, actor, "hotseat.closed",
        f"Hot seat closed: the transcript of {hotseat.title} is ready",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_closed.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    return True


@transaction.atomic
def open_early(actor, hotseat):
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    state = hotseat.state
    if state == Status.DRAFT:
        raise HotSeatError("Schedule the hot seat before opening it.")
    if state == Status.OPEN:
        raise HotSeatError("This hot seat is already open.")
    if state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed.")
    hotseat.opens_at = timezone.now()
    hotseat.save(update_fields=["opens_at"])
    _mark_opened(hotseat, actor)
    return hotseat


@transaction.atomic
def close_early(actor, hotseat):
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.state == Status.DRAFT:
        raise HotSeatError("This hot seat is still a draft; there is nothing to close.")
    if hotseat.status == Status.CLOSED:
        raise HotSeatError("This hot seat has already closed.")
    if hotseat.state != Status.OPEN:
        raise HotSeatError("This hot seat has not opened yet; edit its times instead of closing it.")
    now = timezone.now()
    if hotseat.closes_at > now:
        hotseat.closes_at = now
        if hotseat.opens_at > now:
            hotseat.opens_at = now - datetime.timedelta(microseconds=1)
        hotseat.save(update_fields=["opens_at", "closes_at"])
    _mark_closed(hotseat, actor)
    return hotseat


@transaction.atomic
def resend_invitation(actor, hotseat):
    """Send the expert's invitation again (they lost it, or it went to spam).

    Releases the once-only claim on the invitation e-mail and announces it again; refused once
    the expert has an account linked (then they simply sign in).
    """
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.status == Status.DRAFT:
        raise HotSeatError("Schedule the hot seat first: the invitation goes out when it is scheduled.")
    if hotseat.expert_id:
        raise HotSeatError(
            f"{hotseat.expert_display_name} already has an account: they only need to sign in."
        )
    if hotseat.state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed.")
    HotSeat.objects.filter(pk=hotseat.pk).update(invite_sent_at=None)
    signals.expert_invited.send(sender=HotSeat, hotseat=hotseat)
    return hotseat


def extend(actor, hotseat, closes_at):
    """Move the closing time later (while the hot seat has not closed)."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed and cannot be extended.")
    if hotseat.state != Status.OPEN:
        raise HotSeatError(
            "Only an open hot seat can be extended; change a scheduled one's times with “Edit details”."
        )
    if closes_at <= hotseat.closes_at:
        raise HotSeatError(
            f"The new closing time must be later than the current one ({_when(hotseat.closes_at)})."
        )
    hotseat.closes_at = closes_at
    hotseat.save(update_fields=["closes_at"])
    return hotseat


def advance_due(now=None):
    """Open and close hot seats whose time has come; safe to run any number of times.

    Returns (opened, closed) counts. Each transition is claimed with a conditional UPDATE, so
    two overlapping runs tell people once.
    """
    now = now or timezone.now()
    opened = closed = 0
    to_close = HotSeat.objects.filter(status__in=[Status.SCHEDULED, Status.OPEN], closes_at__lte=now)
    for hotseat in to_close.select_related("community"):
        with transaction.atomic():
            closed += _mark_closed(hotseat)
    to_open = HotSeat.objects.filter(status=Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now)
    for hotseat in to_open.select_related("community"):
        with transaction.atomic():
            opened += _mark_opened(hotseat)
    return opened, closed


# --- questions ----------------------------------------------------------------------------


def _clean_body(body, what="question"):
    body = (body or "").strip()
    if not body:
        raise HotSeatError(f"Please write your {what} first.")
    return body


def _refuse_unless_taking_questions(hotseat):
    state = hotseat.state
    if state == Status.CLOSED:
        raise HotSeatError(
            f"This hot seat closed on {_when(hotseat.closes_at)}, so it no longer takes questions. "
            "You can start a discussion in the community instead."
        )
    if state == Status.DRAFT:
        raise HotSeatError("This hot seat is not published yet.")


@transaction.atomic
def ask_question(user, hotseat, body):
    """A member asks, in advance (while scheduled) or while the hot seat is open."""
    access = access_for(user, hotseat.community)
    if not can_ask_in_hotseat(access):
        raise HotSeatError(f"Only members of {hotseat.community.name} can ask questions here.")
    _refuse_unless_taking_questions(hotseat)
    question = Question.objects.create(hotseat=hotseat, author=user, body=_clean_body(body))
    # Asking counts as contributing on the dashboard (communities.insight.CONTRIBUTION_VERBS).
    activity.record(
        hotseat.community, user, "hotseat.asked", f"{user.name} asked a question in the hot seat {hotseat.title}",
        url=question.get_absolute_url(), target=question,
    )  # fmt: skip
    return question


@transaction.atomic
def vote(user, question):
    """One vote per member per question; voting twice is refused."""
    hotseat = question.hotseat
    if not can_vote_in_hotseat(access_for(user, hotseat.community)):
        raise HotSeatError(f"Only members of {hotseat.community.name} can vote on questions.")
    if hotseat.is_closed:
        raise HotSeatError("This hot seat has closed; voting has ended.")
    if question.author_id == user.pk:
        raise HotSeatError("You asked this question, so it already has your support.")
    if question.is_hidden or question.merged_into_id:
        raise HotSeatError("This question is no longer in the queue.")
    try:
        with transaction.atomic():
            Vote.objects.create(question=question, user=user)
    except IntegrityError as error:
        raise HotSeatError("You have already voted for this question.") from error
    Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
    question.refresh_from_db(fields=["vote_count"])
    return question


@transaction.atomic
def withdraw_vote(user, question):
    """Take back one's vote while the hot seat is still taking questions."""
    if question.hotseat.is_closed:
        raise HotSeatError("This hot seat has closed; votes can no longer change.")
    deleted, _ = Vote.objects.filter(question=question, user=user).delete()
    if not deleted:
        raise HotSeatError("You had not voted for this question.")
    Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") - 1)
    question.refresh_from_db(fields=["vote_count"])
    return question


@transaction.atomic
def edit_question(user, question, body):
    access = access_for(user, question.hotseat.community)
    if not can_edit_hotseat_question(access, question):
        raise HotSeatError("You can only edit your own questions.")
    if not access.can_run_hotseat:
        if question.is_answered:
            raise HotSeatError("This question has been answered, so it can no longer be changed.")
        if question.hotseat.is_closed:
            raise HotSeatError("This hot seat has closed, so questions can no longer be changed.")
    question.body = _clean_body(body)
    question.edited_at, question.edited_by = timezone.now(), user
    question.save(update_fields=["body", "edited_at", "edited_by"])
    return question


@transaction.atomic
def hide_question(actor, question, hidden=True):
    """Facilitators hide off-topic questions (and can bring them back)."""
    _require_runner(actor, question.hotseat.community)
    if hidden:
        question.hidden_at, question.hidden_by = timezone.now(), actor
        activity.withdraw(question)
    else:
        question.hidden_at, question.hidden_by = None, None
        activity.restore(question)
    question.save(update_fields=["hidden_at", "hidden_by"])
    return question


@transaction.atomic
def merge_question(actor, question, into):
    """Fold a duplicate into another question; its votes (and its asker's support) move across."""
    _require_runner(actor, question.hotseat.community)
    question = Question.objects.select_for_update().get(pk=question.pk)
    into = Question.objects.select_for_update().get(pk=into.pk)
    if question.pk == into.pk:
        raise HotSeatError("Choose a different question to merge this one into.")
    if into.hotseat_id != question.hotseat_id:
        raise HotSeatError("Questions can only be merged within the same hot seat.")
    if question.is_answered:
        raise HotSeatError("This question has already been answered; hide it instead of merging.")
    if into.merged_into_id or into.is_hidden:
        raise HotSeatError("That question is itself hidden or merged; choose the one that stays.")
    supporters = set(Vote.objects.filter(question=question).values_list("user_id", flat=True))
    if question.author_id:
        supporters.add(question.author_id)
    supporters.discard(into.author_id)
    supporters -= set(Vote.objects.filter(question=into).values_list("user_id", flat=True))
    Vote.objects.bulk_create([Vote(question=into, user_id=uid) for uid in supporters])
    Vote.objects.filter(question=question).delete()
    Question.objects.filter(pk=into.pk).update(vote_count=F("vote_count") + len(supporters))
    Question.objects.filter(pk=question.pk).update(merged_into=into, vote_count=0)
    question.refresh_from_db()
    return question


# --- answers ------------------------------------------------------------------------------


@transaction.atomic
def answer_question(user, question, body):
    """The expert answers (or revises an answer) while the hot seat is open."""
    question = Question.objects.select_for_update().select_related("hotseat__community").get(pk=question.pk)
    hotseat = question.hotseat
    if not can_answer_in_hotseat(access_for(user, hotseat.community), hotseat):
        raise HotSeatError(
            f"Only the invited expert, {hotseat.expert_display_name}, can answer questions here."
        )
    state = hotseat.state
    if state == Status.SCHEDULED:
        raise HotSeatError(
            f"The hot seat opens on {_when(hotseat.opens_at)}; answers can be posted from then."
        )
    if state != Status.OPEN:
        raise HotSeatError("This hot seat has closed; answers can no longer be posted.")
    if question.is_hidden or question.merged_into_id:
        raise HotSeatError("This question was hidden or merged by a facilitator.")
    body = _clean_body(body, "answer")
    first = not question.is_answered
    now = timezone.now()
    question.answer = body
    if first:
        question.answered_at, question.answered_by = now, user
    else:
        question.answer_edited_at = now
    question.save(update_fields=["answer", "answered_at", "answered_by", "answer_edited_at"])
    if first:
        activity.record(
            hotseat.community, user, "hotseat.answered",
            f"{user.name} answered “{question.body[:80]}” in the hot seat {hotseat.title}",
            url=question.get_absolute_url(), target=question,
        )  # fmt: skip
        signals.question_answered.send(sender=Question, question=question)
    return question


@transaction.atomic
def follow_up(user, question, body):
    """A member follows up under an answer, or the expert replies, while the hot seat is open."""
    hotseat = question.hotseat
    access = access_for(user, hotseat.community)
    if not can_follow_up_in_hotseat(access, hotseat):
        raise HotSeatError(f"Only members of {hotseat.community.name} can follow up here.")
    if not question.is_answered:
        raise HotSeatError("Follow-ups go under an answer; this question has not been answered yet.")
    if hotseat.state != Status.OPEN:
        raise HotSeatError("This hot seat has closed; follow-ups are no longer taken.")
    follow = FollowUp.objects.create(question=question, author=user, body=_clean_body(body, "follow-up"))
    signals.follow_up_posted.send(sender=FollowUp, follow_up=follow)
    return follow
