"""Access helpers: views get hot seats and questions only through these, which answer 404."""

from django.http import Http404

from communities.models import Community
from communities.policy import access_for, can_view_hotseat

from .models import HotSeat, Question


def get_hotseat_for(user, slug, pk):
    """Return (hotseat, access), or raise 404 if the user may not see this hot seat.

    Unlike get_community_for(), this lets the invited expert of a closed community in, as the
    policy says: to this hot seat and nothing else.
    """
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404("No such hot seat.")
    hotseat = HotSeat.objects.filter(pk=pk, community=community).select_related("expert", "theme").first()
    if hotseat is None:
        raise Http404("No such hot seat.")
    hotseat.community = community
    access = access_for(user, community)
    if not can_view_hotseat(access, hotseat):
        raise Http404("No such hot seat.")
    return hotseat, access


def get_question_for(user, slug, pk, question_pk):
    hotseat, access = get_hotseat_for(user, slug, pk)
    question = Question.objects.filter(pk=question_pk, hotseat=hotseat).first()
    if question is None:
        raise Http404("No such question.")
    question.hotseat = hotseat
    return question, hotseat, access
