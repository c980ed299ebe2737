"""Quick polls on the community home: one click, counts only, one query for the panel."""

import pytest
from django.urls import reverse

from communities.policy import access_for
from forums.models import QuickPoll, QuickPollVoter
from forums.services import surveys as services
from forums.views.surveys import quick_poll_panel
from tests.utils import words

pytestmark = pytest.mark.django_db


def test_a_facilitator_starts_a_quick_poll_that_members_answer_on_the_home_page(
    login, facilitator, member, community
):
    response = login(facilitator).post(
        reverse("forums:quick_poll_create", args=[community.slug]),
        {"question": "Next meet-up city?", "options": "Leeds\nBristol\n", "days": "7"},
    )
    assert response["Location"] == community.get_absolute_url()
    poll = QuickPoll.objects.get()

    client = login(member)
    home = words(client.get(community.get_absolute_url()))
    assert "Next meet-up city?" in home and "Vote" in home
    client.post(reverse("forums:quick_poll_vote", args=[community.slug, poll.pk]), {"option": "1"})
    client.post(reverse("forums:quick_poll_vote", args=[community.slug, poll.pk]), {"option": "0"})

    poll.refresh_from_db()
    assert poll.counts == [0, 1]
    assert "Bristol 1 (100 %)" in words(client.get(community.get_absolute_url()))
    # Only the marker of having voted is stored, never the choice.
    assert {f.name for f in QuickPollVoter._meta.concrete_fields} == {"id", "poll", "user"}


def test_outsiders_cannot_vote_and_closed_polls_refuse_votes(login, facilitator, outsider, member, community):
    poll = services.create_quick_poll(facilitator, community, question="Q?", options=["A", "B"])
    login(outsider).post(reverse("forums:quick_poll_vote", args=[community.slug, poll.pk]), {"option": "0"})
    services.close_quick_poll(facilitator, poll)
    login(member).post(reverse("forums:quick_poll_vote", args=[community.slug, poll.pk]), {"option": "0"})
    poll.refresh_from_db()
    assert poll.counts == [0, 0]
    for bad in ["-1", "9", "x", ""]:
        assert (
            login(member)
            .post(reverse("forums:quick_poll_vote", args=[community.slug, poll.pk]), {"option": bad})
            .status_code
            == 302
        )


def test_the_home_panel_costs_one_query(rf, facilitator, member, community, django_assert_num_queries):
    for i in range(3):
        services.create_quick_poll(facilitator, community, question=f"Q{i}?", options=["A", "B"])
    request = rf.get("/")
    request.user = member
    access = access_for(member, community)
    with django_assert_num_queries(1):
        context = quick_poll_panel(request, community, access)
    assert context["quick_poll"].question == "Q2?" and context["can_vote"]
