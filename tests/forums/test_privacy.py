"""Closed-community discussions never reach non-members: pages, search, feeds, notifications,
counts, similar threads, the activity feed."""

import pytest
from django.urls import resolve, reverse

from communities.models import Activity, Membership
from forums import services
from forums.models import Thread
from newsletters.models import Notification
from tests.factories import CommunityFactory, member_of
from tests.utils import text

from .helpers import thread

pytestmark = pytest.mark.django_db

SECRET = "Confidential gateway review findings"


@pytest.fixture
def secret_thread(member, closed_community):
    t = thread(member, closed_community, title=SECRET, body="Only for reviewers: the SECRETWORD results.")
    services.post_reply(member, t, "More SECRETWORD details")
    return t


@pytest.mark.parametrize("persona", ["anon", "outsider", "pending"])
def test_closed_thread_pages_answer_404_to_non_members(
    client, login, outsider, pending, secret_thread, closed_community, persona
):
    c = client if persona == "anon" else login({"outsider": outsider, "pending": pending}[persona])
    post = secret_thread.posts.get(number=2)
    slug, pk = closed_community.slug, secret_thread.pk
    for url in [
        reverse("forums:thread_list", args=[slug]),
        reverse("forums:thread_detail", args=[slug, pk]),
        reverse("forums:thread_create", args=[slug]),
        reverse("forums:similar", args=[slug]) + "?title=gateway+review",
        reverse("forums:search", args=[slug]) + "?q=SECRETWORD",
        reverse("forums:feed", args=[slug]),
        reverse("forums:flags", args=[slug]),
        reverse("forums:moderation_log", args=[slug]),
        reverse("forums:thread_move", args=[slug, pk]),
        reverse("forums:post_edit", args=[slug, post.pk]),
        reverse("forums:post_history", args=[slug, post.pk]),
        reverse("forums:flag", args=[slug, post.pk]),
    ]:
        response = c.get(url)
        assert response.status_code in (404, 302), url  # 302: anonymous users are sent to sign in
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        assert SECRET not in text(response)
    for url in [
        reverse("forums:reply", args=[slug, pk]),
        reverse("forums:watch_thread", args=[slug, pk]),
        reverse("forums:helpful", args=[slug, post.pk]),
        reverse("forums:accept", args=[slug, post.pk]),
        reverse("forums:hide", args=[slug, post.pk]),
        reverse("forums:thread_moderate", args=[slug, pk]),
        reverse("forums:poll_vote", args=[slug, pk]),
        reverse("forums:watch_community", args=[slug]),
    ]:
        assert c.post(url, {"body": "hi", "action": "lock"}).status_code in (404, 302), url
    secret_thread.refresh_from_db()
    assert secret_thread.post_count == 2 and not secret_thread.is_locked


def test_cross_community_search_never_shows_closed_content_to_outsiders(
    login, outsider, member, secret_thread, community
):
    thread(member, community, title="Open gateway question", body="Public SECRETWORD mention")
    page = text(login(outsider).get(reverse("forums:search_all") + "?q=SECRETWORD"))
    assert "Open gateway question" in page
    assert SECRET not in page
    assert "1 discussion for" in page
    # Asking for the closed community by name does not help.
    page = text(login(outsider).get(reverse("forums:search_all") + "?q=SECRETWORD&community=assurance"))
    assert SECRET not in page
    # Members find it.
    page = text(login(member).get(reverse("forums:search_all") + "?q=SECRETWORD"))
    assert SECRET in page


def test_similar_threads_only_come_from_the_same_community(login, member, secret_thread, community):
    page = text(
        login(member).get(reverse("forums:similar", args=[community.slug]) + "?title=gateway+review+findings")
    )
    assert SECRET not in page


def test_my_questions_and_home_feed_do_not_leak(login, outsider, secret_thread, community):
    client = login(outsider)
    assert SECRET not in text(client.get(reverse("forums:my_questions")))
    assert SECRET not in text(client.get(reverse("home")))
    assert SECRET not in text(client.get(reverse("communities:home", args=[community.slug])))


def test_closed_community_has_no_feed_but_open_one_does(
    client, member, secret_thread, community, closed_community
):
    thread(member, community, title="Open question for the feed")
    assert client.get(reverse("forums:feed", args=[closed_community.slug])).status_code == 404
    response = client.get(reverse("forums:feed", args=[community.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Open question for the feed" in response.content.decode()
    assert SECRET not in response.content.decode()


def test_mentions_never_notify_non_members_of_a_closed_community(
    member, closed_community, community, on_commit
):
    outsider_in_open = member_of(community, display_name="Otto Open")  # member of the open one only
    with on_commit:
        t = thread(member, closed_community, title=SECRET, body="Hey @Otto Open, look at this")
    assert not Notification.objects.filter(recipient=outsider_in_open).exists()
    assert "Otto Open" in t.posts.get().body  # the text stays, but it is not a link to anyone


def test_watchers_who_leave_a_closed_community_stop_hearing_from_it(
    login, member, facilitator, secret_thread, on_commit
):
    services.set_thread_watch(facilitator, secret_thread, True)
    Membership.objects.filter(user=member, community=secret_thread.community).update(
        state=Membership.State.LEFT
    )
    with on_commit:
        services.post_reply(facilitator, secret_thread, "Anyone still here?")
    assert not Notification.objects.filter(recipient=member, kind="forums.reply").exists()


def test_moving_to_a_closed_community_takes_its_log_rows_along(
    login, member, facilitator, community, closed_community
):
    t = thread(member, community, title="Moving to the closed room")
    services.post_reply(facilitator, t, "I'll move this")
    services.move_thread(facilitator, t, closed_community)
    assert not Activity.objects.filter(
        community=community, summary__contains="Moving to the closed room"
    ).exists()
    assert (
        Activity.objects.filter(
            community=closed_community, summary__contains="Moving to the closed room"
        ).count()
        == 2
    )


def test_cross_community_urls_cannot_be_taken_by_a_community_slug(login, member):
    CommunityFactory(slug="discussions", name="Discussions about discussions")
    assert resolve("/communities/discussions/search/").view_name == "forums:search_all"
    assert resolve("/communities/discussions/questions/").view_name == "forums:my_questions"
    # The community called "discussions" keeps its own pages.
    assert resolve("/communities/discussions/").view_name == "communities:home"
    assert resolve("/communities/discussions/discussions/").view_name == "forums:thread_list"
    assert login(member).get("/communities/discussions/discussions/").status_code == 200


def test_thread_counts_do_not_reveal_closed_threads(login, outsider, secret_thread, closed_community):
    # The only closed page outsiders may open is the request page; it shows no discussion counts.
    page = text(login(outsider).get(reverse("communities:request", args=[closed_community.slug])))
    assert SECRET not in page
    assert Thread.objects.visible_to(outsider).count() == 0
