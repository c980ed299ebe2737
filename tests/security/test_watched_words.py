"""Watched words: a blocking word refuses the post and keeps the text; a flagging word publishes
it and raises a flag to the facilitators. Lists are per community or site-wide."""

import pytest
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
