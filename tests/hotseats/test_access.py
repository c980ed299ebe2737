"""Who sees what: the invited expert of a closed community sees their hot seat and nothing else."""

import pytest
from django.urls import reverse

from hotseats import services
from hotseats.models import Question
from tests.utils import text

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db


def urls_of(hotseat, question):
    slug, pk, qpk = hotseat.community.slug, hotseat.pk, question.pk
    return {
        "detail": reverse("hotseats:detail", args=[slug, pk]),
        "transcript": reverse("hotseats:transcript", args=[slug, pk]),
        "ics": reverse("hotseats:ics", args=[slug, pk]),
        "answer": reverse("hotseats:answer", args=[slug, pk, qpk]),
    }


def test_invited_expert_who_is_not_a_member_sees_and_answers_in_their_closed_hot_seat(
    login, expert, member, closed_community, on_commit
):
    hotseat = make_hotseat(closed_community, expert)
    question = ask(hotseat, member)
    client = login(expert)
    urls = urls_of(hotseat, question)

    page = client.get(urls["detail"])
    assert page.status_code == 200
    assert "You are the expert in this hot seat." in text(page)
    assert "How do you keep benefit owners engaged" in text(page)
    assert client.get(urls["transcript"]).status_code == 200
    assert client.get(urls["ics"]).status_code == 200

    with on_commit:
        response = client.post(urls["answer"], {"body": "Name a **benefit owner** early."}, follow=True)
    assert "Your answer is published" in text(response)
    question.refresh_from_db()
    assert question.answer_html == "<p>Name a <strong>benefit owner</strong> early.</p>\n"


def test_invited_expert_sees_nothing_else_of_the_closed_community(login, expert, member, closed_community):
    mine = make_hotseat(closed_community, expert)
    other = make_hotseat(closed_community, None, title="Another hot seat")
    question = ask(other, member)
    client = login(expert)

    # The community's address shows only its public profile (as to anyone); no content.
    profile = client.get(reverse("communities:home", args=[closed_community.slug]))
    assert "Ask to join" in text(profile) and "Another hot seat" not in text(profile)
    for url in [
        reverse("communities:members", args=[closed_community.slug]),
        reverse("hotseats:list", args=[closed_community.slug]),
        reverse("hotseats:feed", args=[closed_community.slug]),
        *urls_of(other, question).values(),
    ]:
        assert client.get(url).status_code == 404, url
    page = text(client.get(mine.get_absolute_url()))
    assert "Another hot seat" not in page
    assert 'aria-label="Assurance Reviewers"' not in page  # no community tabs for a guest
    # A guest cannot ask or vote: those are for members.
    response = client.post(mine.get_absolute_url(), {"body": "Can I ask too?"})
    assert "Only members of Assurance Reviewers can ask questions here." in text(response)
    assert not Question.objects.filter(author=expert).exists()


def test_outsider_gets_404_on_every_hot_seat_page_of_a_closed_community(
    login, outsider, member, closed_community
):
    hotseat = make_hotseat(closed_community, None)
    question = ask(hotseat, member)
    client = login(outsider)
    slug, pk, qpk = closed_community.slug, hotseat.pk, question.pk
    urls = [
        *urls_of(hotseat, question).values(),
        reverse("hotseats:list", args=[slug]),
        reverse("hotseats:feed", args=[slug]),
        reverse("hotseats:create", args=[slug]),
        reverse("hotseats:edit", args=[slug, pk]),
        reverse("hotseats:extend", args=[slug, pk]),
        reverse("hotseats:question_edit", args=[slug, pk, qpk]),
        reverse("hotseats:question_merge", args=[slug, pk, qpk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ["schedule", "open", "close"]:
        assert client.post(reverse(f"hotseats:{name}", args=[slug, pk])).status_code == 404
    for name in ["vote", "question_hide", "follow_up", "answer"]:
        assert (
            client.post(reverse(f"hotseats:{name}", args=[slug, pk, qpk]), {"body": "x"}).status_code == 404
        )


def test_anonymous_visitor_reads_an_open_communitys_hot_seat_but_not_a_closed_one(
    client, community, closed_community
):
    open_one = make_hotseat(community, None)
    closed_one = make_hotseat(closed_community, None)

    assert client.get(open_one.get_absolute_url()).status_code == 200
    assert client.get(closed_one.get_absolute_url()).status_code == 404


def test_drafts_are_for_facilitators_only(login, member, facilitator, community):
    draft = make_hotseat(community, None, state="draft", title="Secret plans")

    assert login(member).get(draft.get_absolute_url()).status_code == 404
    assert "Secret plans" not in text(login(member).get(reverse("hotseats:list", args=[community.slug])))
    assert login(facilitator).get(draft.get_absolute_url()).status_code == 200


def test_an_expert_who_was_replaced_loses_access(login, expert, facilitator, closed_community):
    hotseat = make_hotseat(closed_community, expert, state="scheduled")
    services.update_hotseat(
        facilitator, hotseat, expert_email="someone.else@example.org", expert_name="S. Else"
    )

    assert login(expert).get(hotseat.get_absolute_url()).status_code == 404


def test_members_only_management_pages_are_404_for_members(login, member, community):
    hotseat = make_hotseat(community, None)
    client = login(member)

    assert client.get(reverse("hotseats:create", args=[community.slug])).status_code == 404
    assert client.get(reverse("hotseats:edit", args=[community.slug, hotseat.pk])).status_code == 404
    assert client.post(reverse("hotseats:close", args=[community.slug, hotseat.pk])).status_code == 404
