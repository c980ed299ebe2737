"""Query counts: the hot seat page, the transcript and the list cost the same with 1 or many rows."""

import pytest
from django.urls import reverse

from hotseats.models import FollowUp, Question, Vote
from tests.factories import member_of

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db


def fill(hotseat, community, expert, n):
    for i in range(n):
        author = member_of(community)
        question = ask(hotseat, author, body=f"Question {i}", answer=f"Answer {i}", answered_by=expert)
        Question.objects.filter(pk=question.pk).update(answered_at=hotseat.opens_at, vote_count=1)
        Vote.objects.create(question=question, user=member_of(community))
        FollowUp.objects.create(question=question, author=author, body=f"Follow-up {i}")


@pytest.mark.parametrize("n", [1, 12])
def test_hot_seat_page_query_count_does_not_grow_with_questions(
    login, member, expert, community, n, django_assert_num_queries
):
    hotseat = make_hotseat(community, expert)
    fill(hotseat, community, expert, n)
    client = login(member)
    client.get(hotseat.get_absolute_url())  # presence noted once a day: not part of the count

    # session, user, community (+ my membership), hot seat (+expert, theme), questions (+authors),
    # follow-ups (+authors), my votes; the layout's sidebar and counts are cached per member
    with django_assert_num_queries(8):
        response = client.get(hotseat.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card hs-question') == n


@pytest.mark.parametrize("n", [1, 12])
def test_transcript_query_count_does_not_grow_with_questions(
    login, member, expert, community, n, django_assert_num_queries
):
    hotseat = make_hotseat(community, expert, state="closed")
    fill(hotseat, community, expert, n)
    client = login(member)

    # session, user, community, hot seat, membership, questions, follow-ups, unanswered count,
    # sidebar communities, unread count
    with django_assert_num_queries(10):
        response = client.get(reverse("hotseats:transcript", args=[community.slug, hotseat.pk]))
    assert response.content.decode().count("hs-transcript__q") == n


@pytest.mark.parametrize("n", [1, 8])
def test_list_query_count_does_not_grow_with_hot_seats(
    login, member, community, n, django_assert_num_queries
):
    for i in range(n):
        make_hotseat(community, None, state="closed", title=f"Past {i}")
        make_hotseat(community, None, state="scheduled", title=f"Next {i}")
    client = login(member)

    # session, user, community (+ my membership), current, drafts, past count, past page,
    # sidebar (first visit), unread counts (first visit)
    with django_assert_num_queries(9):
        response = client.get(reverse("hotseats:list", args=[community.slug]))
    assert response.content.decode().count("hs-card__title") == n
