"""How hot seats resolve to an audience in the one visibility rule (communities.policy)."""

from dataclasses import replace

from communities.policy import MODERATORS, NOBODY, in_community, register


def hotseat_audience(hotseat):
    """Drafts: facilitators and staff. Published: the community's readers, and the invited
    expert as a guest (even of a closed community they are not a member of)."""
    audience = in_community(hotseat)
    if hotseat.status == "draft":
        return audience.narrow(MODERATORS)
    return replace(audience, guests=(hotseat.expert_id,)) if hotseat.expert_id else audience


def question_audience(question):
    """A question reaches as far as its hot seat; hidden: moderators; merged: gone."""
    audience = hotseat_audience(question.hotseat)
    if question.merged_into_id is not None:
        return audience.narrow(NOBODY)
    if question.hidden_at is not None:
        return audience.narrow(MODERATORS)
    return audience


def register_types():
    from .models import FollowUp, HotSeat, Question

    register(HotSeat, hotseat_audience)
    register(Question, question_audience)
    register(FollowUp, lambda follow_up: question_audience(follow_up.question))
