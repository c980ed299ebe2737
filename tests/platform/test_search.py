"""The site-wide search: discussions, the library and hot seats, filtered by the one policy."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.communities.repertoire_utils import media_root, text_file, upload  # noqa: F401
from tests.factories import UserFactory
from tests.forums.helpers import age, thread
from tests.hotseats.conftest import ask, make_hotseat
from tests.utils import words

pytestmark = pytest.mark.django_db
# PostgreSQL: one more query per discussion search (SET LOCAL: no parallel plans)
SERIAL_PLANS = int(connection.vendor == "postgresql")


@pytest.fixture
def content(community, closed_community, member, facilitator):
    age(member)
    thread(member, community, title="Baselining benefits in housing", body="How do you baseline?")
    thread(member, closed_community, title="Secret gateway baselining notes", body="Only for reviewers.")
    upload(member, community, title="Baselining toolkit", file=text_file(lines=["A toolkit"]))
    upload(member, closed_community, title="Closed baselining checklist", file=text_file(lines=["Private"]))
    ask(make_hotseat(community, state="closed"), member, body="What baselining mistakes do you see most?")
    ask(make_hotseat(closed_community, state="closed"), member, body="Confidential baselining question")


def search(client, q="baselining"):
    return words(client.get(reverse("search"), {"q": q}))


def test_a_member_finds_threads_documents_and_hot_seat_questions(login, member, content):
    page = search(login(member))

    for expected in (
        "Baselining benefits in housing",
        "Secret gateway baselining notes",
        "Baselining toolkit",
        "Closed baselining checklist",
        "What baselining mistakes do you see most?",
        "Confidential baselining question",
    ):
        assert expected in page, expected


@pytest.mark.parametrize("who", ["anon", "outsider"])
def test_closed_community_content_never_appears_to_non_members(client, content, who):
    if who == "outsider":
        client.force_login(UserFactory())
    page = search(client)

    assert "Baselining benefits in housing" in page
    assert "Baselining toolkit" in page
    assert "What baselining mistakes do you see most?" in page
    for secret in ("Secret gateway", "Closed baselining checklist", "Confidential baselining question"):
        assert secret not in page


def test_an_empty_search_shows_the_box_and_no_results(client):
    page = search(client, q="   ")
    assert "Search discussions, documents" in page
    assert "result" not in page


def test_a_search_that_matches_nothing_says_so(client, content):
    assert "Nothing found." in search(client, q="zebra crossings")


def test_search_costs_the_same_queries_for_few_and_many_matches(
    login, member, community, django_assert_num_queries
):
    age(member)
    client = login(member)
    thread(member, community, title="Baselining one")
    url = reverse("search")
    client.get(url, {"q": "baselining"})
    # session, user, communities for the filter, matching posts, matching titles, the threads'
    # best posts with snippets, documents, links, meetings, hot seat questions (the layout's
    # sidebar and counts are cached per member: cop_platform/memberstate.py)
    with django_assert_num_queries(10 + SERIAL_PLANS):
        client.get(url, {"q": "baselining"})
    for i in range(8):
        thread(member, community, title=f"Baselining {i}")
    with django_assert_num_queries(10 + SERIAL_PLANS):
        client.get(url, {"q": "baselining"})
