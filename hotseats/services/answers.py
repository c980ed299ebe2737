"""The expert's answers and the asker's follow-ups."""

from django.db import transaction
from django.utils import timezone

from communities import activity
from communities.policy import (
    access_for,
    can_answer_in_hotseat,
    can_follow_up_in_hotseat,
)

from .. import signals
from ..models import FollowUp, Question
from .questions import _clean_body
from .scheduling import HotSeatError, Status, _when

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
