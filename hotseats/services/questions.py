"""Questions in a hot seat: ask, vote, edit, hide and merge."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from communities import activity
from communities.policy import (
    access_for,
    can_ask_in_hotseat,
    can_edit_hotseat_question,
    can_vote_in_hotseat,
)

from ..models import Question, Vote
from .scheduling import HotSeatError, Status, _require_runner, _when

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
