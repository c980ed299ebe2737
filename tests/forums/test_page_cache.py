"""Cached pages and post fragments never serve one member's view to anyone else."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community
from forums import services
from forums.services.personal import toggle_bookmark
from tests.utils import text

from .helpers import thread as make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(community, member):
    t = make_thread(member, community, title="Baselines that hold")
    services.post_reply(member, t, "Start from the business case.")
    return t


def _pages(community, discussion):
    return [
        discussion.get_absolute_url(),
        reverse("forums:thread_list", args=[community.slug]),
        reverse("communities:home", args=[community.slug]),
    ]


def test_a_signed_out_visitor_gets_the_second_view_from_the_cache_without_queries(
    community, discussion, django_assert_num_queries
):
    for url in _pages(community, discussion):
        first = Client().get(url)
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content


def test_a_signed_out_page_never_shows_a_signed_in_members_name(login, community, discussion, member):
    for url in _pages(community, discussion):
        assert member.name in text(login(member).get(url))  # the member sees themselves in the menu
        assert "Mo Member" not in text(Client().get(url)).split("<main")[0]
        signed_out = Client().get(url)
        assert "Sign in" in text(signed_out)
        assert "Sign out" not in text(signed_out)
        assert "csrfmiddlewaretoken" not in text(signed_out)


def test_a_signed_in_member_never_gets_the_signed_out_page(login, community, discussion, member):
    url = discussion.get_absolute_url()
    Client().get(url)
    page = login(member).get(url)
    assert "X-Page-Cache" not in page
    assert "Sign out" in text(page)
    assert "Post reply" in text(page)


def test_closed_content_never_enters_the_signed_out_cache(
    login, closed_community, member, django_assert_num_queries
):
    t = make_thread(member, closed_community, title="Confidential review findings")
    url = t.get_absolute_url()
    assert "Confidential review findings" in text(login(member).get(url))
    Client().logout()
    for page in (url, reverse("forums:thread_list", args=[closed_community.slug])):
        response = Client().get(page)
        assert response.status_code == 404
        assert "X-Page-Cache" not in response


def test_closing_a_community_takes_its_pages_out_of_the_cache(community, discussion):
    url = discussion.get_absolute_url()
    assert Client().get(url).status_code == 200
    assert Client().get(url)["X-Page-Cache"] == "hit"
    community.visibility = Community.Visibility.CLOSED
    community.save()
    assert Client().get(url).status_code == 404


def test_a_new_reply_shows_at_once_to_signed_out_visitors(community, discussion, member):
    url = discussion.get_absolute_url()
    Client().get(url)
    services.post_reply(member, discussion, "Measure the baseline before the change starts.")
    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Measure the baseline before the change starts." in text(response)


def test_a_flash_message_is_never_cached(client, community, discussion, member):
    url = discussion.get_absolute_url()
    client.force_login(member)
    client.post(reverse("account_logout"))  # "You have signed out." waits for the next page
    response = client.get(url)
    assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"
    assert "signed out" not in text(Client().get(url)).lower()


def test_an_unchanged_cached_page_answers_304_to_a_conditional_get(community, discussion):
    url = discussion.get_absolute_url()
    etag = Client().get(url)["ETag"]
    assert Client().get(url, headers={"If-None-Match": etag}).status_code == 304


def test_post_fragments_keep_each_viewers_own_buttons(
    login, client, community, discussion, member, facilitator
):
    url = discussion.get_absolute_url()
    own = text(login(member).get(url))
    assert "Edit" in own and "Hide" not in own
    moderator = Client()
    moderator.force_login(facilitator)
    theirs = text(moderator.get(url))
    assert "Hide thread" in theirs and ">Edit<" not in theirs
    assert "Hide thread" not in text(login(member).get(url))


def test_post_fragments_carry_the_viewers_own_csrf_token(login, community, discussion, facilitator):
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(facilitator)
    page = moderator.get(discussion.get_absolute_url()).content.decode()
    from forums.threadpage import CSRF_PLACEHOLDER

    assert CSRF_PLACEHOLDER not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[2].split('"')[0]
    post = discussion.posts.get(number=2)
    response = moderator.post(
        reverse("forums:hide", args=[community.slug, post.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_an_edited_post_shows_its_new_text(login, community, discussion, member):
    url = discussion.get_absolute_url()
    client = login(member)
    client.get(url)
    post = discussion.posts.get(number=2)
    services.edit_post(member, post, "Start from the signed business case.")
    assert "signed business case" in text(client.get(url))


# A signed-in member's own page cache (cop_platform/pagecache.py)


def _member_client(user):
    client = Client()
    client.force_login(user)
    return client


def _twice(client, url):
    """Views `url` until it is kept (the first view of a community makes its versions)."""
    client.get(url)
    client.get(url)
    return client.get(url)


def test_a_members_repeated_view_comes_from_their_own_cache_with_only_the_sign_in_queries(
    community, discussion, member, django_assert_max_num_queries
):
    client = _member_client(member)
    for url in _pages(community, discussion):
        first = _twice(client, url)
        # the session, the member, and their standing in the community (read fresh each time)
        with django_assert_max_num_queries(3):
            again = client.get(url)
        assert again["X-Page-Cache"] == "member-hit"
        assert first["X-Page-Cache"] in {"member-miss", "member-hit"}
        assert member.name in text(again)
        assert "Sign out" in text(again)


def test_a_members_cached_page_is_never_served_to_another_member(community, discussion, member, facilitator):
    mine, theirs = _member_client(member), _member_client(facilitator)
    for url in _pages(community, discussion):
        assert _twice(mine, url)["X-Page-Cache"] == "member-hit"
        page = theirs.get(url)
        assert page.get("X-Page-Cache") != "member-hit"
        assert "Fiona Facilitator" in text(page).split("<main")[0]
        assert "Mo Member" not in text(page).split("<main")[0]
        assert "Fiona Facilitator" not in text(mine.get(url)).split("<main")[0]


def test_a_cached_page_carries_the_csrf_token_of_the_browser_asking(community, discussion, member):
    url = discussion.get_absolute_url()
    _twice(_member_client(member), url)
    other_browser = Client(enforce_csrf_checks=True)
    other_browser.force_login(member)  # signing in is a change (last_login): one view renders
    other_browser.get(url)
    page = other_browser.get(url)
    assert page["X-Page-Cache"] == "member-hit"
    body = page.content.decode()
    from cop_platform.pagecache import CSRF_PLACEHOLDER

    assert CSRF_PLACEHOLDER not in body
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = other_browser.post(
        reverse("forums:reply", args=[community.slug, discussion.pk]),
        {"csrfmiddlewaretoken": token, "body": "Posted from a page that came from the cache."},
    )
    assert response.status_code == 302
    assert discussion.posts.filter(body="Posted from a page that came from the cache.").exists()


def test_new_replies_are_marked_new_once_and_not_again_from_the_cache(
    community, discussion, member, facilitator
):
    client = _member_client(member)
    url = discussion.get_absolute_url()
    _twice(client, url)
    services.post_reply(facilitator, discussion, "A reply the member has not read yet.")
    first = client.get(url)
    assert first["X-Page-Cache"] == "member-miss"
    assert "A reply the member has not read yet." in text(first)
    assert "post--new" in text(first)
    # The view moved the read mark while rendering: that copy is never served again.
    second = client.get(url)
    assert "post--new" not in text(second)
    assert "post--new" not in text(client.get(url))


def test_a_members_own_marks_show_at_once(community, discussion, member):
    client = _member_client(member)
    url = discussion.get_absolute_url()
    _twice(client, url)
    post = discussion.posts.get(number=1)
    toggle_bookmark(member, post)  # no request: the saved row dates the member's pages
    page = client.get(url)
    assert page["X-Page-Cache"] == "member-miss"
    assert "Saved" in text(page)


def test_a_write_through_the_site_shows_at_once_to_other_members(community, discussion, member, core_member):
    """Helpful marks are counted with an UPDATE (no signal): the request itself dates the pages."""
    reader = _member_client(member)
    url = discussion.get_absolute_url()
    _twice(reader, url)
    post = discussion.posts.get(number=2)
    marker = _member_client(core_member)
    assert marker.post(reverse("forums:helpful", args=[community.slug, post.pk])).status_code == 302
    post.refresh_from_db()
    assert post.helpful_count == 1
    page = reader.get(url)
    assert page["X-Page-Cache"] == "member-miss"


def test_a_member_removed_midway_loses_the_closed_page_at_once(closed_community, member):
    t = make_thread(member, closed_community, title="Confidential review findings")
    client = _member_client(member)
    assert _twice(client, t.get_absolute_url())["X-Page-Cache"] == "member-hit"
    closed_community.memberships.filter(user=member).delete()
    response = client.get(t.get_absolute_url())
    assert response.status_code == 404
    assert "Confidential review findings" not in text(response)


def test_a_members_page_with_a_flash_message_is_neither_served_nor_kept(community, discussion, member):
    client = _member_client(member)
    url = discussion.get_absolute_url()
    _twice(client, url)
    post = discussion.posts.get(number=1)
    client.post(reverse("forums:bookmark", args=[community.slug, post.pk]))
    flashed = client.get(url)
    assert "X-Page-Cache" not in flashed
    assert "Saved for later" in text(flashed)
    assert "Saved for later" not in text(client.get(url))
    assert "Saved for later" not in text(client.get(url))


def test_a_members_new_name_shows_at_once_on_other_members_cached_pages(
    community, discussion, member, core_member
):
    reader = _member_client(core_member)
    url = discussion.get_absolute_url()
    _twice(reader, url)
    member.display_name = "Morgan Renamed"
    member.save()
    assert "Morgan Renamed" in text(reader.get(url))


def test_made_up_parameters_never_fill_the_cache(community, discussion, member):
    url = discussion.get_absolute_url()
    for client in (Client(), _member_client(member)):
        for n in range(3):
            response = client.get(url, {"utm_campaign": f"junk-{n}"})
            assert response.status_code == 200
            assert "X-Page-Cache" not in response
        # The parameters the page reads are cached as before.
        client.get(url, {"page": 1})
        client.get(url, {"page": 1})
        assert client.get(url, {"page": 1})["X-Page-Cache"] in {"hit", "member-hit"}


def test_refused_writes_do_not_empty_the_cache(community, discussion, member):
    """A POST refused for its CSRF token (or by anyone signed out) wrote nothing: the pages
    stay cached, so nobody can empty a community's cache at will."""
    url = discussion.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    attacker = Client(enforce_csrf_checks=True)
    attacker.force_login(member)
    for _ in range(3):
        refused = attacker.post(reverse("forums:reply", args=[community.slug, discussion.pk]), {"body": "x"})
        assert refused.status_code == 403
        assert Client().post(
            reverse("forums:reply", args=[community.slug, discussion.pk]), {"body": "x"}
        ).status_code in {302, 403}
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_a_post_swapped_in_after_an_action_shows_the_new_counts(community, discussion, member, core_member):
    """The rows of a page of posts are cached per community version; the post an htmx action
    swaps in is read fresh, in the same request as the write (before any cache is dated)."""
    reader = _member_client(member)
    _twice(reader, discussion.get_absolute_url())  # the page's rows are now cached
    post = discussion.posts.get(number=1)
    actor = _member_client(core_member)
    swapped = actor.post(
        reverse("forums:react", args=[community.slug, post.pk]),
        {"kind": "insightful"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200
    assert "</span> 1<" in swapped.content.decode()
    again = actor.post(
        reverse("forums:react", args=[community.slug, post.pk]),
        {"kind": "insightful"},
        headers={"HX-Request": "true"},
    )
    assert "</span> 1<" not in again.content.decode()  # taken back: the count is gone
    helpful = actor.post(
        reverse("forums:helpful", args=[community.slug, post.pk]), headers={"HX-Request": "true"}
    )
    assert helpful.status_code == 200
    assert "1 found this helpful" in helpful.content.decode(), helpful.content.decode()
