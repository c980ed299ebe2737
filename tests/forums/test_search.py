"""Searching discussions: words not substrings, each thread once, matches highlighted and escaped
once, filters, and an index that follows every edit. Runs on SQLite (FTS5) and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import Post, Thread
from tests.factories import member_of
from tests.utils import words

from .helpers import age
from .helpers import thread as make_thread

pytestmark = pytest.mark.django_db
# PostgreSQL: one more query per discussion search (SET LOCAL: no parallel plans)
SERIAL_PLANS = int(connection.vendor == "postgresql")


def search(client, community, **params):
    return client.get(reverse("forums:search", args=[community.slug]), params)


def test_it_finds_words_not_pieces_of_words(login, member, community):
    make_thread(member, community, title="Filing the category pages", body="Which category is right?")
    client = login(member)
    assert "Filing the category pages" not in words(search(client, community, q="cat"))
    assert "Filing the category pages" in words(search(client, community, q="categories"))


def test_each_thread_appears_once_however_many_posts_match(login, member, core_member, community):
    t = make_thread(member, community, title="Benefits maps", body="How do you draw benefits maps?")
    for n in range(4):
        services.post_reply(core_member, t, f"Our benefits map number {n} linked outcomes to benefits.")
    page = search(login(member), community, q="benefits")
    assert words(page).count("Benefits maps") == 1
    assert page.context["results"].count == 1


def test_a_match_in_the_title_ranks_above_one_in_a_reply(login, member, core_member, community):
    other = make_thread(member, community, title="Other question", body="Unrelated opening words.")
    services.post_reply(core_member, other, "Someone mentioned stakeholder mapping once.")
    make_thread(member, community, title="Stakeholder mapping templates", body="Looking for examples.")
    html = search(login(member), community, q="stakeholder mapping").content.decode()
    assert html.index("templates") < html.index("Other question")


def test_matched_words_are_highlighted_and_text_is_escaped_once(login, member, core_member, community):
    t = make_thread(
        member, community, title="R&D budgets", body="Our R&D benefits <script>alert(1)</script> plan."
    )
    services.post_reply(core_member, t, "Nothing to see.")
    html = search(login(member), community, q="benefits").content.decode()
    assert "<mark>benefits</mark>" in html
    assert "R&amp;D" in html
    assert "&amp;amp;" not in html
    assert "<script>alert(1)</script>" not in html


def test_snippets_show_a_links_words_not_its_markdown_or_address(login, member, core_member, community):
    t = make_thread(
        member, community, title="Handover notes",
        body="See **our** [benefits map](/communities/benefits-realisation/blog/3/) from last year.",
    )  # fmt: skip
    services.post_reply(core_member, t, "Nothing to see.")
    html = search(login(member), community, q="benefits").content.decode()
    assert "<mark>benefits</mark> map" in html
    assert "](" not in html and "/blog/3/" not in html and "**" not in html


def test_the_index_follows_edits_and_hidden_posts(login, member, core_member, facilitator, community):
    age(member)
    t = make_thread(member, community, title="Gateway reviews", body="Opening words.")
    reply = services.post_reply(core_member, t, "We used a readiness checklist.")
    client = login(member)
    assert search(client, community, q="readiness").context["results"].count == 1
    services.edit_post(core_member, reply, "We used a maturity grid.")
    assert search(client, community, q="readiness").context["results"].count == 0
    assert search(client, community, q="maturity").context["results"].count == 1
    services.hide_post(facilitator, Post.objects.get(pk=reply.pk))
    assert search(client, community, q="maturity").context["results"].count == 0


def test_filters_by_kind_author_date_and_solved(login, member, core_member, community):
    question = make_thread(member, community, title="Appetite statements", body="Risk appetite wording?")
    services.accept_answer(
        member, question, services.post_reply(core_member, question, "Appetite per category.")
    )
    make_thread(
        core_member, community, title="Appetite for agile", body="A discussion", kind=Thread.Kind.DISCUSSION
    )
    client = login(member)

    def titles(**params):
        return {
            hit.thread.title
            for hit in search(client, community, q="appetite", **params).context["results"].hits
        }

    assert titles() == {"Appetite statements", "Appetite for agile"}
    assert titles(kind="discussion") == {"Appetite for agile"}
    assert titles(solved="yes") == {"Appetite statements"}
    assert titles(author=core_member.pk) == {"Appetite statements", "Appetite for agile"}
    assert titles(author=member.pk) == {"Appetite statements"}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert titles(since=tomorrow) == set()
    assert titles(until=tomorrow) == {"Appetite statements", "Appetite for agile"}
    assert search(client, community, q="appetite", since="not a date").status_code == 200


def test_closed_discussions_are_never_found_by_outsiders(login, member, outsider, closed_community):
    make_thread(member, closed_community, title="Confidential appetite review", body="Private.")
    page = login(outsider).get(reverse("forums:search_all"), {"q": "appetite"})
    assert "Confidential appetite review" not in words(page)
    assert "Confidential appetite review" in words(
        login(member).get(reverse("forums:search_all"), {"q": "appetite"})
    )


def test_search_costs_the_same_queries_for_few_and_many_matches(
    login, member, community, django_assert_num_queries
):
    client = login(member)
    make_thread(member, community, title="Baselining one", body="Baselining words.")
    url = reverse("forums:search", args=[community.slug])
    client.get(url, {"q": "baselining"})
    # 1 session, 2 user, 3 community (+ my membership), 4 the communities I may read and
    # moderate (read once, not a subquery in each search query), 5 matching posts, 6 matching
    # titles, 7 the page's posts with snippets; PostgreSQL: + SET LOCAL (the layout's sidebar
    # and counts are cached per member)
    with django_assert_num_queries(7 + SERIAL_PLANS):
        client.get(url, {"q": "baselining"})
    other = member_of(community)
    for i in range(25):
        t = make_thread(other, community, title=f"Baselining {i}", body="More baselining.")
        services.post_reply(member, t, "Baselining again.")
    client.get(url, {"q": "baselining"})  # replying changed the member's frame (watching the threads)
    with django_assert_num_queries(7 + SERIAL_PLANS):
        page = client.get(url, {"q": "baselining"})
    assert len(page.context["results"].hits) == 20
