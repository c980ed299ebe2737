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
    # session, user, communities for the filter, the communities I may read and moderate (read
    # once for all five sources), matching posts, matching titles, the threads' best posts with
    # snippets, documents, links, meetings, hot seat questions (the layout's
    # sidebar and counts are cached per member: cop_platform/memberstate.py)
    with django_assert_num_queries(11 + SERIAL_PLANS):
        client.get(url, {"q": "baselining"})
    for i in range(8):
        thread(member, community, title=f"Baselining {i}")
    client.get(url, {"q": "baselining"})  # starting threads changed the member's frame (watching them)
    with django_assert_num_queries(11 + SERIAL_PLANS):
        client.get(url, {"q": "baselining"})


def test_who_may_see_what_is_read_once_and_still_follows_the_one_rule(
    login, community, member, facilitator, content
):
    """The site search reads the viewer's communities once for its five sources: hidden posts
    are found by the community's facilitators only, and a member who leaves a closed community
    stops finding its content at the next search."""
    from forums.models import Post
    from forums.services import hide_post, post_reply

    t = thread(member, community, title="Gateway reviews", body="Opening words.")
    reply = post_reply(member, t, "A quarrelsome baselining aside.")
    hide_post(facilitator, Post.objects.get(pk=reply.pk))
    assert "Gateway reviews" in search(login(facilitator), q="quarrelsome")
    assert "Gateway reviews" not in search(login(member), q="quarrelsome")

    assert "Secret gateway baselining notes" in search(login(member))
    member.memberships.filter(community__slug="assurance").update(state="left")
    assert "Secret gateway baselining notes" not in search(login(member))
