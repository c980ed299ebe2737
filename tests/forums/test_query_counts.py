"""Pages cost the same number of queries whatever the size of the thread or the community."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from communities.policy import access_for
from cop_platform import pagecache

from .helpers import bulk_thread_with_posts, bulk_threads

# What rendering costs: each view renders (the member page cache would hide it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("render_every_view")]
# PostgreSQL: one more query per discussion search (SET LOCAL: no parallel plans)
SERIAL_PLANS = int(connection.vendor == "postgresql")


def _get(client, url):
    # Warm the session (presence is noted once a day per session) so both runs do the same work.
    client.get(url)
    return url


@pytest.mark.parametrize("n_posts", [50, 1000])
def test_thread_page_query_count_does_not_grow_with_posts(
    login, member, community, django_assert_num_queries, n_posts
):
    t = bulk_thread_with_posts(community, member, n_posts)
    client = login(member)
    url = _get(client, reverse("forums:thread_detail", args=[community.slug, t.pk]) + "?page=2")
    # 1 session, 2 user, 3 thread (+ community, author, poll, theme, the viewer's membership and
    # overlay: read mark, watching), 4 my helpful marks, reactions and bookmarks on the page's
    # posts (one UNION ALL), 5 their thanks; the page's posts and tags come from the community's
    # cache, the sidebar communities and unread counts from the member's (memberstate)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert "Post 26" in response.content.decode()
    # After any change in the community the page's posts are read again (by number range, + the
    # accepted answer on page 1, authors, quoted authors) and the thread's tags: two queries,
    # with 50 posts or 1,000.
    pagecache.bump(community.pk)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert "Post 26" in response.content.decode()


@pytest.mark.parametrize("n_threads", [20, 5000])
def test_thread_list_query_count_does_not_grow_with_threads(
    login, member, community, django_assert_num_queries, n_threads
):
    bulk_threads(community, member, n_threads)
    client = login(member)
    url = _get(client, reverse("forums:thread_list", args=[community.slug]))
    # 1 session, 2 user, 3 community (+ my membership), 4 read states for the page; the page of
    # threads (count, threads with authors and community, their tags) comes from the
    # community's cache; the sidebar, unread counts and followed communities from the member's.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="thread-row') == 20
    # After any change in the community: 3 more (count, page of threads, their tags).
    pagecache.bump(community.pk)
    with django_assert_num_queries(4 + 3):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n_threads", [20, 5000])
def test_facilitator_thread_list_query_count_is_constant(
    login, facilitator, community, django_assert_num_queries, n_threads
):
    bulk_threads(community, facilitator, n_threads)
    client = login(facilitator)
    url = _get(client, reverse("forums:thread_list", args=[community.slug]))
    # as above (warm), plus 5 first posts awaiting a reply
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n_threads", [3, 300])
def test_community_home_panel_costs_one_query(login, member, community, django_assert_num_queries, n_threads):
    bulk_threads(community, member, n_threads)
    client = login(member)
    url = _get(client, reverse("communities:home", args=[community.slug]))
    # The discussions panel alone: recent threads and threads waiting for a reply, in one query.
    from forums import views as forums_views

    request = RequestFactory().get(url)
    request.user = member
    access = access_for(member, community)
    with django_assert_num_queries(1):
        context = forums_views.home_panel(request, community, access)
    assert len(context["recent_threads"]) == min(n_threads, 5)
    assert client.get(url).status_code == 200


def _flagged(community, facilitator, n):
    from forums import services
    from tests.factories import member_of

    from .helpers import thread as make_thread

    flagger = member_of(community)
    t = make_thread(facilitator, community)
    services.set_pinned(facilitator, t, True)
    for i in range(n):
        post = services.post_reply(facilitator, t, f"Reply {i}")
        services.flag_post(flagger, post, "spam")
        if i % 2:
            services.hide_post(facilitator, post)


@pytest.mark.parametrize("n", [1, 12])
def test_flag_queue_and_moderation_log_query_counts(
    login, facilitator, community, django_assert_num_queries, n
):
    _flagged(community, facilitator, n)
    client = login(facilitator)
    url = _get(client, reverse("forums:flags", args=[community.slug]))
    # 1 session, 2 user, 3 community (+ my membership), 4 count, 5 flagged posts (+ thread,
    # author), 6 their flags, 7 flaggers (the layout's sidebar and counts: cached per member)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    url = _get(client, reverse("forums:moderation_log", args=[community.slug]))
    # 1 session, 2 user, 3 community (+ my membership), 4 count, 5 actions (+ actor, thread, post)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n_threads", [2, 60])
def test_my_questions_and_search_query_counts(login, member, community, django_assert_num_queries, n_threads):
    bulk_threads(community, member, n_threads)
    from forums.models import Post, Thread

    Post.objects.bulk_create(
        Post(
            thread=t,
            community=community,
            author=member,
            number=1,
            body="Searchable text",
            body_html="<p>Searchable text</p>",
        )
        for t in Thread.objects.all()
    )
    client = login(member)
    url = _get(client, reverse("forums:my_questions"))
    # 1 session, 2 user, 3 count, 4 threads (+ authors, community), 5 tags, 6 read states
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    url = _get(client, reverse("forums:search_all") + "?q=searchable")
    # 1 session, 2 user, 3 the communities I may read and moderate (read once), 4 matching
    # posts, 5 matching titles, 6 the threads' best posts (+ thread, community, author,
    # snippet), 7 communities for the filter (sidebar and counts are cached per member);
    # PostgreSQL: + SET LOCAL (no parallel plans)
    with django_assert_num_queries(7 + SERIAL_PLANS):
        assert client.get(url).status_code == 200
