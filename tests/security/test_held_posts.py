"""Hold for approval: a watched word's third action, and a community's pre-moderation of new
members' first posts. Held content is seen by its author and the facilitators only; approving
publishes it (log row, notifications, once); refusing shows the author the reason."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Activity, Membership, WatchedWord
from forums import services
from forums.models import ModerationAction, Post, Thread
from forums.services.errors import ForumError
from newsletters.models import Notification
from tests.factories import member_of
from tests.forums.helpers import thread
from tests.utils import text

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _hold(community, word="refund"):
    return WatchedWord.objects.create(community=community, word=word, action=WatchedWord.Action.HOLD)


def _log_rows(obj):
    return Activity.objects.filter(target_type=obj._meta.label_lower, target_id=obj.pk)


def test_a_holding_word_keeps_a_new_thread_from_everyone_but_its_author_and_the_facilitators(
    community, member, core_member, facilitator, on_commit
):
    _hold(community)
    services.set_community_watch(core_member, community, True)
    with on_commit:
        response = _client(member).post(
            reverse("forums:thread_create", args=[community.slug]),
            {"title": "Refund of fees", "body": "Who asks for a refund?", "kind": "question"},
            follow=True,
        )
    page = text(response)
    assert "waiting for a facilitator's approval" in page
    assert "Who asks for a refund?" in page
    t = Thread.objects.get(title="Refund of fees")
    assert t.is_held and t.posts.get().held_reason == "watched word «refund»"
    # Nobody else may open it, find it in the list, or hear of it.
    assert _client(core_member).get(t.get_absolute_url()).status_code == 404
    assert "Refund of fees" not in text(
        _client(core_member).get(reverse("forums:thread_list", args=[community.slug]))
    )
    assert not _log_rows(t).exists()
    # Only the facilitators hear of it: it waits in their queue.
    notice = Notification.objects.get()
    assert notice.recipient == facilitator and notice.kind == "forums.held"
    assert notice.url == reverse("forums:queue", args=[community.slug])
    assert "waits for your approval" in notice.text
    queue = text(_client(facilitator).get(reverse("forums:queue", args=[community.slug])))
    assert "Refund of fees" in queue and "watched word «refund»" in queue


def test_approving_publishes_the_thread_and_tells_people_once(
    community, member, core_member, facilitator, on_commit
):
    _hold(community)
    services.set_community_watch(core_member, community, True)
    t = thread(member, community, title="Refund of fees", body="Who asks for a refund?")
    post = t.posts.get()
    client = _client(facilitator)
    with on_commit:
        client.post(reverse("forums:approve", args=[community.slug, post.pk]))
        response = client.post(reverse("forums:approve", args=[community.slug, post.pk]), follow=True)
    assert "no longer waiting for approval" in text(response)
    t.refresh_from_db()
    assert not t.is_held and not t.is_hidden
    assert _client(core_member).get(t.get_absolute_url()).status_code == 200
    assert _log_rows(t).filter(verb="thread.created").count() == 1
    assert Notification.objects.filter(recipient=core_member, kind="forums.thread").count() == 1
    assert ModerationAction.objects.filter(action="approve", post=post).count() == 1
    assert "Nothing is waiting for approval." in text(
        client.get(reverse("forums:queue", args=[community.slug]))
    )


def test_a_held_reply_is_not_even_a_placeholder_and_moves_no_counts(
    community, member, core_member, on_commit
):
    t = thread(core_member, community)
    _hold(community)
    with on_commit:
        reply = services.post_reply(member, t, "I can get you a refund cheaply")
    t.refresh_from_db()
    assert reply.is_held and t.reply_count == 0 and t.last_post_author_id == core_member.pk
    assert not Notification.objects.filter(recipient=core_member).exists()
    others = text(_client(core_member).get(t.get_absolute_url()))
    assert "refund" not in others and "hidden by a facilitator" not in others
    mine = text(_client(member).get(t.get_absolute_url()))
    assert "I can get you a refund cheaply" in mine and "Waiting for a facilitator's approval" in mine


def test_a_facilitator_approves_or_refuses_from_the_thread_page_and_cannot_restore_it_unseen(
    community, member, core_member, facilitator
):
    t = thread(core_member, community)
    _hold(community)
    reply = services.post_reply(member, t, "A refund is possible")
    page = _client(facilitator).get(t.get_absolute_url()).content.decode()
    assert reverse("forums:approve", args=[community.slug, reply.pk]) in page
    assert reverse("forums:reject", args=[community.slug, reply.pk]) in page
    assert 'name="restore"' not in page
    with pytest.raises(ForumError, match="approval queue"):
        services.restore_post(facilitator, reply)


def test_approving_a_reply_tells_the_watchers_and_counts_it(
    community, member, core_member, facilitator, on_commit
):
    t = thread(core_member, community)
    _hold(community)
    reply = services.post_reply(member, t, "A refund is possible")
    with on_commit:
        services.approve_post(facilitator, reply)
    t.refresh_from_db()
    assert t.reply_count == 1 and t.last_post_author_id == member.pk
    assert Notification.objects.filter(recipient=core_member, kind="forums.reply").count() == 1
    assert _log_rows(reply).filter(verb="post.created").count() == 1
    notice = Notification.objects.get(recipient=member, kind="forums.review")
    assert "approved your post" in notice.text
    with pytest.raises(ForumError):
        services.approve_post(facilitator, reply)


def test_refusing_needs_a_reason_and_the_author_reads_it(
    community, member, core_member, facilitator, on_commit
):
    _hold(community)
    t = thread(member, community, title="Refund of fees", body="Who asks for a refund?")
    post = t.posts.get()
    client = _client(facilitator)
    url = reverse("forums:reject", args=[community.slug, post.pk])
    response = client.post(url, {"reason": "   "})
    assert "Please give a reason: the author will see it." in text(response)
    long = "x" * 301
    response = client.post(url, {"reason": long})
    assert long in response.content.decode()  # what was typed is kept
    with on_commit:
        response = client.post(url, {"reason": "Please ask finance directly."}, follow=True)
    assert "Not approved" in text(response)
    notice = Notification.objects.get(recipient=member, kind="forums.review")
    assert "did not approve" in notice.text and "Please ask finance directly." in notice.text
    mine = text(_client(member).get(t.get_absolute_url()))
    assert "Not approved by a facilitator" in mine and "Please ask finance directly." in mine
    assert "Who asks for a refund?" in mine  # the author keeps their text
    assert _client(core_member).get(t.get_absolute_url()).status_code == 404
    assert not _log_rows(t).exists()
    with pytest.raises(ForumError):
        services.approve_post(facilitator, Post.objects.get(pk=post.pk))


def test_nobody_replies_to_a_held_thread(community, member, facilitator):
    _hold(community)
    t = thread(member, community, title="Refund", body="A refund?")
    for who in (member, facilitator):
        with pytest.raises(ForumError, match="waiting for a facilitator's approval"):
            services.post_reply(who, t, "Replying")


def test_facilitators_are_never_held(community, facilitator):
    _hold(community)
    community.hold_first_posts = 3
    community.save(update_fields=["hold_first_posts"])
    t = thread(facilitator, community, title="Refund policy", body="The refund policy")
    assert not t.is_held


def test_pre_moderation_holds_a_new_members_first_posts_only(community, facilitator, core_member):
    community.hold_first_posts = 2
    community.save(update_fields=["hold_first_posts"])
    newcomer = member_of(community, display_name="Nia Newcomer")
    t = thread(core_member, community)  # core_member counts too, but this is their first: held
    assert t.is_held
    services.approve_post(facilitator, t.posts.get())
    t.refresh_from_db()
    first = services.post_reply(newcomer, t, "Hello all")
    second = services.post_reply(newcomer, t, "And again")
    assert first.is_held and second.is_held
    assert first.held_reason == "new member: one of their first 2 posts here"
    services.approve_post(facilitator, first)
    third = services.post_reply(newcomer, t, "Third time")
    assert third.is_held  # only one post published so far
    services.approve_post(facilitator, second)
    assert not services.post_reply(newcomer, t, "Now I am trusted").is_held


def test_a_facilitator_sets_pre_moderation_in_the_settings_and_a_bad_value_keeps_the_form(
    community, facilitator, member
):
    client = _client(facilitator)
    url = reverse("communities:edit", args=[community.slug])
    data = {
        "name": community.name, "purpose": "Our purpose, kept", "scope": community.scope,
        "description": "", "tags": "", "welcome_message": community.welcome_message,
        "blog_publishers": community.blog_publishers,
    }  # fmt: skip
    response = client.post(url, {**data, "hold_first_posts": "99"})
    assert response.status_code == 200
    page = text(response)
    assert "from 0 (off) to 20" in page and "Our purpose, kept" in page
    client.post(url, {**data, "hold_first_posts": "2"})
    community.refresh_from_db()
    assert community.hold_first_posts == 2
    assert thread(member, community).is_held
    assert _client(member).get(url).status_code == 404


def test_the_queue_and_its_actions_are_for_facilitators_only_and_need_csrf(community, member, facilitator):
    _hold(community)
    post = thread(member, community, title="Refund", body="A refund?").posts.get()
    assert _client(member).get(reverse("forums:queue", args=[community.slug])).status_code == 404
    assert _client(member).post(reverse("forums:approve", args=[community.slug, post.pk])).status_code == 404
    assert _client(member).get(reverse("forums:reject", args=[community.slug, post.pk])).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(facilitator)
    assert strict.post(reverse("forums:approve", args=[community.slug, post.pk])).status_code == 403
    assert Post.objects.get(pk=post.pk).is_held


def test_the_queue_costs_the_same_with_one_or_many_held_posts(
    community, member, facilitator, django_assert_num_queries
):
    _hold(community)
    t = thread(facilitator, community)
    client = _client(facilitator)
    url = reverse("forums:queue", args=[community.slug])
    services.post_reply(member, t, "One refund")
    client.get(url)  # warm the header's caches
    # session, user, community + membership, the queue's count, its page (posts with threads and
    # authors); the header's unread counts and communities menu are cached per member.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for n in range(8):
        services.post_reply(member_of(community, display_name=f"Writer {n}"), t, f"Refund number {n}")
    with django_assert_num_queries(5):
        page = text(client.get(url))
    assert "Refund number 7" in page and "Writer 7" in page


def test_a_reply_by_e_mail_is_held_like_one_from_the_web(settings, community, member, core_member, on_commit):
    from tests.newsletters.test_inbound import notification_email_for, receive, reply_to

    settings.REPLY_EMAIL_DOMAIN = "cop.example.org"
    t = thread(core_member, community)
    _hold(community)
    message = notification_email_for(member, t)
    with on_commit:
        assert receive(reply_to(message, member.email, "Refund please")) == "reply"
    post = Post.objects.get(thread=t, number=2)
    assert post.is_held and post.body == "Refund please"
    assert not Notification.objects.filter(recipient=core_member).exists()


def test_held_content_is_kept_from_search_feeds_and_lists_for_members(
    community, member, core_member, facilitator
):
    _hold(community)
    t = thread(member, community, title="Zebrafund refund", body="Zebrafund question")
    assert Thread.objects.visible_to(core_member).filter(pk=t.pk).count() == 0
    assert Thread.objects.visible_to(member).filter(pk=t.pk).count() == 1
    assert Thread.objects.visible_to(facilitator).filter(pk=t.pk).count() == 1
    assert "Zebrafund" not in text(_client(core_member).get(reverse("search"), {"q": "zebrafund"}))
    assert "Zebrafund" not in Client().get(reverse("forums:feed", args=[community.slug])).content.decode()
    assert Membership.objects.filter(user=member, community=community).exists()
