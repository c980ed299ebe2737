"""The community home panel, the theme section, the tab, and searching transcripts."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from communities.extensions import theme_sections_for
from communities.models import Theme
from communities.policy import access_for
from hotseats.models import Question
from tests.utils import text

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db


def test_home_page_shows_open_and_upcoming_hot_seats_but_not_past_or_drafts(login, member, community):
    make_hotseat(community, None, state="open", title="Open one")
    make_hotseat(community, None, state="scheduled", title="Coming one")
    make_hotseat(community, None, state="closed", title="Old one")
    make_hotseat(community, None, state="draft", title="Draft one")

    page = text(login(member).get(reverse("communities:home", args=[community.slug])))

    assert "Open one" in page and "Coming one" in page
    assert "Old one" not in page and "Draft one" not in page
    assert 'href="/communities/benefits/hotseats/"' in page  # the tab


def test_theme_page_section_lists_the_themes_hot_seats(member, community):
    theme = Theme.objects.create(
        community=community, title="Benefits", slug="benefits",
        starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2030, 2, 1),
    )  # fmt: skip
    make_hotseat(community, None, theme=theme, title="On theme")
    make_hotseat(community, None, title="Off theme")
    request = RequestFactory().get("/")
    request.user = member

    ((template, context),) = [
        s for s in theme_sections_for(request, theme, access_for(member, community)) if "hotseats" in s[0]
    ]

    assert [h.title for h in context["theme_hotseats"]] == ["On theme"]


def test_transcript_shows_questions_with_answers_in_order(client, member, expert, community):
    hotseat = make_hotseat(community, expert, state="closed")
    for body in ["First asked", "Second asked"]:
        question = ask(hotseat, member, body=body, answer=f"Answer to {body}", answered_by=expert)
        Question.objects.filter(pk=question.pk).update(answered_at=hotseat.closes_at)
    ask(hotseat, member, body="Never answered")

    page = text(client.get(reverse("hotseats:transcript", args=[community.slug, hotseat.pk])))

    assert page.index("First asked") < page.index("Answer to First asked") < page.index("Second asked")
    assert "Never answered" not in page
    assert "1 question was not answered." in page


def test_searching_transcripts_finds_questions_and_answers_the_viewer_may_see(
    login, member, expert, community, closed_community
):
    mine = make_hotseat(community, expert, state="closed", title="Benefits clinic")
    q = ask(
        mine,
        member,
        body="How to write a benefit profile?",
        answer="Start from the **outcome**.",
        answered_by=expert,
    )
    Question.objects.filter(pk=q.pk).update(answered_at=mine.closes_at)
    secret = make_hotseat(closed_community, expert, state="closed")
    s = ask(secret, member, body="Secret outcome question", answer="outcome", answered_by=expert)
    Question.objects.filter(pk=s.pk).update(answered_at=secret.closes_at)
    url = reverse("hotseats:list", args=[community.slug])

    by_answer = text(login(member).get(url, {"q": "OUTCOME"}))
    assert "1 answer matching “OUTCOME”" in by_answer
    assert "How to write a benefit profile?" in by_answer
    assert "Secret outcome question" not in by_answer  # other communities stay out

    nothing = text(login(member).get(url, {"q": "zebra"}))
    assert "No question or answer mentions “zebra”." in nothing


def test_search_finds_other_forms_of_a_word(login, member, expert, community):
    hotseat = make_hotseat(community, expert, state="closed")
    q = ask(hotseat, member, body="Measuring realisation", answer="Reviews help.", answered_by=expert)
    Question.objects.filter(pk=q.pk).update(answered_at=hotseat.closes_at)

    page = text(login(member).get(reverse("hotseats:list", args=[community.slug]), {"q": "measured"}))

    assert "Measuring realisation" in page


@pytest.mark.parametrize("n", [1, 6])
def test_home_panel_and_theme_section_cost_one_query_each(member, community, n, django_assert_num_queries):
    from hotseats.panels import home_panel, theme_section

    theme = Theme.objects.create(
        community=community,
        title="T",
        slug="t",
        starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 2, 1),
    )
    for _ in range(n):
        make_hotseat(community, None, theme=theme)
    access = access_for(member, community)

    with django_assert_num_queries(1):
        assert len(home_panel(None, community, access)["hotseat_panel"]) == min(n, 3)
    with django_assert_num_queries(1):
        section = theme_section(None, theme, access)
        assert [h.community.slug for h in section["theme_hotseats"]] == ["benefits"] * n
