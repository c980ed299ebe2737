import pytest
from django.urls import reverse

from communities.models import Activity, Membership
from forums import services
from forums.models import Flag, ModerationAction, Post, Thread
from tests.factories import CommunityFactory, MembershipFactory
from tests.utils import text

from .helpers import thread

pytestmark = pytest.mark.django_db


def test_locked_thread_refuses_replies_from_members(login, member, core_member, facilitator, community):
    t = thread(member, community)
    login(facilitator).post(
        reverse("forums:thread_moderate", args=[community.slug, t.pk]), {"action": "lock"}
    )
    t.refresh_from_db()
    assert t.is_locked

    client = login(core_member)
    response = client.post(reverse("forums:reply", args=[community.slug, t.pk]), {"body": "Late reply"})
    assert response.status_code == 400
    assert "This thread is locked" in text(response)
    assert "Late reply" in text(response)  # kept
    assert t.posts.count() == 1
    page = text(client.get(t.get_absolute_url()))
    assert "no new replies can be added" in page
    with pytest.raises(services.ForumError):
        services.post_reply(core_member, t, "Through the service")
    # Facilitators may still add a closing note.
    services.post_reply(facilitator, t, "Closing note")
    assert ModerationAction.objects.filter(action="lock", thread=t, actor=facilitator).exists()


def test_hidden_post_vanishes_for_members_and_stays_for_facilitators(
    login, member, core_member, facilitator, community
):
    t = thread(member, community)
    rude = services.post_reply(core_member, t, "Something RUDE")
    client = login(facilitator)
    client.post(reverse("forums:hide", args=[community.slug, rude.pk]))
    rude.refresh_from_db()
    assert rude.is_hidden
    assert Activity.objects.get(verb="post.created", target_id=rude.pk).withdrawn_at

    member_page = text(login(member).get(t.get_absolute_url()))
    assert "RUDE" not in member_page
    assert "This post was hidden by a facilitator." in member_page
    facilitator_page = text(login(facilitator).get(t.get_absolute_url()))
    assert "RUDE" in facilitator_page
    assert "Only facilitators see it." in facilitator_page
    t.refresh_from_db()
    assert t.reply_count == 0

    login(facilitator).post(reverse("forums:hide", args=[community.slug, rude.pk]), {"restore": "1"})
    assert "RUDE" in text(login(member).get(t.get_absolute_url()))
    assert Activity.objects.get(verb="post.created", target_id=rude.pk).withdrawn_at is None
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["restore", "hide"]


def test_hiding_the_opening_post_hides_the_thread_from_members(login, member, facilitator, community):
    t = thread(member, community, title="Spammy thread")
    services.hide_post(facilitator, t.posts.get(number=1))
    assert login(member).get(t.get_absolute_url()).status_code == 404
    assert "Spammy thread" not in text(
        login(member).get(reverse("forums:thread_list", args=[community.slug]))
    )
    assert "Spammy thread" in text(
        login(facilitator).get(reverse("forums:thread_list", args=[community.slug]))
    )
    assert not Activity.objects.current().filter(verb="thread.created").exists()


def test_flagging_twice_counts_once_and_shows_in_the_queue(
    login, member, core_member, facilitator, community
):
    t = thread(member, community)
    post = t.posts.get()
    client = login(core_member)
    url = reverse("forums:flag", args=[community.slug, post.pk])
    assert "Why should a facilitator look at this post?" in text(client.get(url))
    client.post(url, {"reason": "spam", "note": "Selling something"})
    response = client.post(url, {"reason": "rude"}, follow=True)
    assert "already flagged this post" in text(response)
    post.refresh_from_db()
    assert post.flag_count == 1
    assert Flag.objects.filter(post=post).count() == 1

    queue = text(login(facilitator).get(reverse("forums:flags", args=[community.slug])))
    assert "1 flag" in queue and "Selling something" in queue
    assert login(member).get(reverse("forums:flags", args=[community.slug])).status_code == 404

    login(facilitator).post(reverse("forums:dismiss", args=[community.slug, post.pk]))
    post.refresh_from_db()
    assert post.flag_count == 0
    assert "No flagged posts" in text(login(facilitator).get(reverse("forums:flags", args=[community.slug])))


def test_moving_to_a_community_you_do_not_facilitate_is_refused(login, member, facilitator, community):
    elsewhere = CommunityFactory(name="Elsewhere")
    MembershipFactory(user=facilitator, community=elsewhere, role=Membership.Role.PERIPHERAL)
    t = thread(member, community)
    client = login(facilitator)
    page = text(client.get(reverse("forums:thread_move", args=[community.slug, t.pk])))
    options = page.split('name="target"', 1)[1].split("</select>", 1)[0]
    assert "Assurance Reviewers" in options and "Elsewhere" not in options
    response = client.post(
        reverse("forums:thread_move", args=[community.slug, t.pk]), {"target": elsewhere.pk}
    )
    assert "only move threads to communities you facilitate" in text(response)
    t.refresh_from_db()
    assert t.community == community
    # Members cannot move at all.
    assert login(member).get(reverse("forums:thread_move", args=[community.slug, t.pk])).status_code == 404


def test_moving_a_thread_takes_its_posts_and_old_links_follow(
    login, member, facilitator, community, closed_community
):
    t = thread(member, community)
    services.post_reply(facilitator, t, "Moving this")
    client = login(facilitator)
    response = client.post(
        reverse("forums:thread_move", args=[community.slug, t.pk]),
        {"target": closed_community.pk},
        follow=True,
    )
    assert "Moved to Assurance Reviewers." in text(response)
    assert set(Post.objects.values_list("community", flat=True)) == {closed_community.pk}
    old_url = reverse("forums:thread_detail", args=[community.slug, t.pk])
    assert login(member).get(old_url)["Location"] == reverse(
        "forums:thread_detail", args=[closed_community.slug, t.pk]
    )
    assert ModerationAction.objects.filter(action="move", community=community).exists()


def test_staff_can_moderate_everywhere(login, member, staff, community):
    t = thread(member, community)
    login(staff).post(reverse("forums:thread_moderate", args=[community.slug, t.pk]), {"action": "pin"})
    t.refresh_from_db()
    assert t.is_pinned
    log = text(login(staff).get(reverse("forums:moderation_log", args=[community.slug])))
    assert "Pinned" in log and "Sasha Staff" in log


def test_pinned_threads_come_first(login, member, facilitator, community):
    old = thread(member, community, title="Old but pinned")
    thread(member, community, title="Fresh one")
    services.set_pinned(facilitator, old, True)
    page = text(login(member).get(reverse("forums:thread_list", args=[community.slug])))
    assert page.index("Old but pinned") < page.index("Fresh one")


def test_first_posts_awaiting_a_reply_are_shown_to_facilitators(
    login, outsider, member, facilitator, community
):
    from communities.services import join_community

    join_community(outsider, community)
    thread(outsider, community, title="My very first question")
    page = text(login(facilitator).get(reverse("forums:thread_list", args=[community.slug])))
    section = page.split("First posts awaiting a reply", 1)[1]
    assert "My very first question" in section
    assert "First posts awaiting a reply" not in text(
        login(member).get(reverse("forums:thread_list", args=[community.slug]))
    )
    services.post_reply(facilitator, Thread.objects.get(), "Welcome! Here's what we do.")
    page = text(login(facilitator).get(reverse("forums:thread_list", args=[community.slug])))
    assert "Every newcomer has had a reply" in page
