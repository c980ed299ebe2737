"""Watched words: a blocking word refuses the post and keeps the text; a flagging word publishes
it and raises a flag to the facilitators. Lists are per community or site-wide."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import WatchedWord
from forums.models import Flag, Post
from forums.services import posting
from forums.services.errors import ForumError
from tests.utils import text

pytestmark = pytest.mark.django_db


def _thread(author, community):
    return posting.start_thread(author, community, title="Benefits maps", body="Where do we start?")


def test_a_blocking_word_refuses_the_reply_with_a_message_that_keeps_the_text(login, member, community):
    WatchedWord.objects.create(community=community, word="crypto giveaway", action=WatchedWord.Action.BLOCK)
    t = _thread(member, community)
    response = login(member).post(
        reverse("forums:reply", args=[community.slug, t.pk]), {"body": "Join my Crypto Giveaway today"}
    )
    page = text(response)
    assert "which is not allowed here" in page
    assert "Join my Crypto Giveaway today" in page
    assert not Post.objects.filter(body__contains="Giveaway").exists()


def test_a_site_wide_blocking_word_applies_in_every_community(member, community, closed_community):
    WatchedWord.objects.create(word="casino", action=WatchedWord.Action.BLOCK)
    for where in (community, closed_community):
        with pytest.raises(ForumError, match="casino"):
            posting.start_thread(member, where, title="Best casino", body="Hello")


def test_a_flagging_word_publishes_the_post_and_flags_it_for_the_facilitators(member, community):
    WatchedWord.objects.create(community=community, word="idiot", action=WatchedWord.Action.FLAG)
    t = _thread(member, community)
    post = posting.post_reply(member, t, "Only an idiot would say that")
    post.refresh_from_db()
    assert post.flag_count == 1
    flag = Flag.objects.get(post=post)
    assert flag.resolved_at is None and "idiot" in flag.note


def test_words_match_whole_words_only_and_other_communities_lists_do_not_apply(
    member, community, closed_community
):
    WatchedWord.objects.create(community=closed_community, word="spam", action=WatchedWord.Action.BLOCK)
    WatchedWord.objects.create(community=community, word="ass", action=WatchedWord.Action.BLOCK)
    t = _thread(member, community)
    post = posting.post_reply(member, t, "A class assessment about spam filters")
    assert post.pk and post.flag_count == 0


def test_a_facilitator_adds_a_blocking_word_and_a_member_cannot_reach_the_page(
    login, facilitator, member, community
):
    url = f"/communities/{community.slug}/watched-words/"
    assert login(member).get(url).status_code == 404
    client = login(facilitator)
    response = client.post(url, {"word": "casino", "action": "block"})
    assert response.status_code == 302
    assert "“casino” is now watched." in text(client.get(url))
    with pytest.raises(ForumError, match="casino"):
        posting.start_thread(member, community, title="Casino night", body="Hello")
    client.post(url, {"remove": WatchedWord.objects.get().pk})
    assert not WatchedWord.objects.exists()


def test_an_automatic_flag_is_from_the_platform_not_from_the_author(login, member, facilitator, community):
    WatchedWord.objects.create(community=community, word="idiot", action=WatchedWord.Action.FLAG)
    post = posting.post_reply(member, _thread(facilitator, community), "Only an idiot would say that")
    flag = Flag.objects.get(post=post)
    assert flag.user is None and flag.is_automatic and flag.words == ["idiot"]
    page = text(login(facilitator).get(reverse("forums:flags", args=[community.slug])))
    assert "Automatic: watched word «idiot»" in page
    assert "raised by the platform, not by a member" in page
    # The author may still flag other posts, and a member's own flag on this post is a second one.
    other = posting.start_thread(facilitator, community, title="Idiot-proof templates", body="Hi")
    assert Flag.objects.filter(post=other.posts.get(), user__isnull=True).count() == 1


def test_a_dismissed_automatic_flag_comes_back_when_an_edit_brings_the_word_back(
    member, facilitator, community
):
    from forums import services

    WatchedWord.objects.create(community=community, word="idiot", action=WatchedWord.Action.FLAG)
    post = posting.post_reply(member, _thread(facilitator, community), "Only an idiot would say that")
    services.dismiss_flags(facilitator, post)
    posting.edit_post(member, Post.objects.get(pk=post.pk), "Still an idiot idea")
    post.refresh_from_db()
    assert post.flag_count == 1
    assert Flag.objects.get(post=post, resolved_at__isnull=True).user is None


def test_a_blocked_edit_keeps_what_was_typed_on_the_form_and_changes_nothing(login, member, community):
    WatchedWord.objects.create(community=community, word="casino", action=WatchedWord.Action.BLOCK)
    t = _thread(member, community)
    post = t.posts.get()
    response = login(member).post(
        reverse("forums:post_edit", args=[community.slug, post.pk]),
        {"title": "Benefits maps at the casino", "body": "Meet me at the casino tonight"},
    )
    page = text(response)
    assert "“casino”, which is not allowed here" in page
    assert "Meet me at the casino tonight" in page and "Benefits maps at the casino" in page
    post.refresh_from_db()
    t.refresh_from_db()
    assert post.body == "Where do we start?" and t.title == "Benefits maps"
    assert not post.revisions.exists()


def test_a_flagging_word_added_by_an_edit_flags_the_post(member, community):
    WatchedWord.objects.create(community=community, word="idiot", action=WatchedWord.Action.FLAG)
    post = _thread(member, community).posts.get()
    posting.edit_post(member, post, "What an idiot question")
    post.refresh_from_db()
    assert post.flag_count == 1 and Flag.objects.get(post=post).is_automatic


def test_a_holding_word_added_by_an_edit_takes_the_thread_out_of_sight_until_approved(
    login, member, core_member, facilitator, community, django_capture_on_commit_callbacks
):
    from communities.models import Activity
    from forums import services
    from newsletters.models import Notification

    services.set_community_watch(core_member, community, True)
    with django_capture_on_commit_callbacks(execute=True):
        t = _thread(member, community)
    assert Notification.objects.filter(recipient=core_member).count() == 1
    WatchedWord.objects.create(community=community, word="refund", action=WatchedWord.Action.HOLD)
    post = t.posts.get()
    response = login(member).post(
        reverse("forums:post_edit", args=[community.slug, post.pk]),
        {"title": "Benefits maps", "body": "Ask me for a refund"},
        follow=True,
    )
    assert "wait for a facilitator's approval" in text(response)
    post.refresh_from_db()
    t.refresh_from_db()
    assert post.is_held and t.is_held
    rows = Activity.objects.filter(target_type="forums.thread", target_id=t.pk)
    assert rows.get().withdrawn_at is not None
    c = Client()
    c.force_login(core_member)
    assert c.get(t.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_post(facilitator, post)
    assert c.get(t.get_absolute_url()).status_code == 200
    assert rows.get().withdrawn_at is None  # the same row, back in feeds and digests
    assert Notification.objects.filter(recipient=core_member).count() == 1  # not announced twice


def test_facilitators_add_a_holding_word(login, facilitator, community):
    url = f"/communities/{community.slug}/watched-words/"
    login(facilitator).post(url, {"word": "refund", "action": "hold"})
    assert WatchedWord.objects.get().action == WatchedWord.Action.HOLD
    assert "Hold it for a facilitator's approval" in text(login(facilitator).get(url))


def test_editing_is_rate_limited_and_the_refused_text_is_kept(rate_limits_on, login, member, community):
    post = _thread(member, community).posts.get()
    client = login(member)
    url = reverse("forums:post_edit", args=[community.slug, post.pk])
    for n in range(30):
        assert client.post(url, {"title": "Benefits maps", "body": f"Edit {n}"}).status_code == 302
    response = client.post(url, {"title": "Benefits maps", "body": "One edit too many"})
    page = text(response)
    assert "You are posting very quickly" in page and "One edit too many" in page
    post.refresh_from_db()
    assert post.body == "Edit 29"
