"""A facilitator's public thanks, on a post or a profile: facilitators of that community only, once
per facilitator and target, shown on the post and the profile, hidden with the post."""

import pytest
from django.urls import reverse

from communities.models import Membership, Thanks
from forums import services as forums
from forums.services import moderation
from newsletters.models import Notification
from tests.utils import text, words

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(community, member, core_member):
    thread = forums.start_thread(
        member, community, title="Which benefits map?", body="Looking for a template."
    )
    return forums.post_reply(core_member, thread, "The library has a good one, with a worked example.")


def thank_post(client, post, message="Thank you for the worked example."):
    return client.post(reverse("forums:thank", args=[post.community.slug, post.pk]), {"message": message})


def test_a_facilitator_thanks_a_post_it_shows_on_the_post_and_the_profile(
    reply, facilitator, core_member, login, on_commit
):
    client = login(facilitator)
    with on_commit:
        response = thank_post(client, reply)
    assert response.status_code == 302
    thanks = Thanks.objects.get()
    assert (thanks.user, thanks.thanked_by, thanks.target_type, thanks.target_id) == (
        core_member, facilitator, "forums.post", reply.pk,
    )  # fmt: skip
    thread_page = words(client.get(reply.thread.get_absolute_url()))
    assert "Thank you for the worked example." in thread_page
    assert "Thanks from Fiona Facilitator, facilitator" in thread_page
    profile = words(client.get(core_member.get_absolute_url()))
    assert "Thank you for the worked example." in profile
    note = Notification.objects.get(recipient=core_member, kind="thanks")
    assert "Fiona Facilitator thanked you" in note.text and note.url == reply.get_absolute_url()


def test_once_per_facilitator_and_post(reply, facilitator, login):
    client = login(facilitator)
    thank_post(client, reply)
    response = thank_post(client, reply, "Again!")
    assert Thanks.objects.count() == 1
    assert "already thanked" in text(client.get(response.url, follow=True))


def test_only_facilitators_of_that_community_may_thank(reply, member, staff, login, community):
    assert thank_post(login(member), reply).status_code == 404
    assert thank_post(login(staff), reply).status_code == 404
    assert Thanks.objects.count() == 0


def test_members_see_no_thank_button_and_facilitators_do(reply, member, facilitator, login):
    url = reply.thread.get_absolute_url()
    assert reverse("forums:thank", args=[reply.community.slug, reply.pk]) not in text(login(member).get(url))
    assert reverse("forums:thank", args=[reply.community.slug, reply.pk]) in text(login(facilitator).get(url))


def test_an_empty_note_is_refused_with_a_message(reply, facilitator, login):
    response = thank_post(login(facilitator), reply, "   ")
    assert Thanks.objects.count() == 0
    assert "Please write a short note" in text(login(facilitator).get(response.url))


def test_thanks_are_hidden_when_the_post_is_hidden(reply, facilitator, member, core_member, login):
    thank_post(login(facilitator), reply, "Brilliant answer.")
    moderation.hide_post(facilitator, reply)
    assert "Brilliant answer." not in text(login(member).get(reply.thread.get_absolute_url()))
    assert "Brilliant answer." not in text(login(member).get(core_member.get_absolute_url()))
    # The record counts only thanks the viewer may see.
    assert "Brilliant answer." not in text(login(core_member).get(reverse("my_record")))


def test_a_hidden_post_cannot_be_thanked(reply, facilitator, login):
    moderation.hide_post(facilitator, reply)
    thank_post(login(facilitator), reply)
    assert Thanks.objects.count() == 0


def test_profile_thanks_from_a_facilitator_of_a_shared_community(
    community, facilitator, member, login, on_commit
):
    client = login(facilitator)
    profile = text(client.get(member.get_absolute_url()))
    assert reverse("thank_member", args=[member.pk]) in profile
    with on_commit:
        client.post(
            reverse("thank_member", args=[member.pk]),
            {"community": community.pk, "message": "For running the benefits clinic."},
        )
    assert Thanks.objects.filter(user=member, target_type="accounts.user").count() == 1
    page = text(client.get(member.get_absolute_url()))
    assert "For running the benefits clinic." in page
    # Once per community: the form now offers only the other community they facilitate.
    assert f'name="community" value="{community.pk}"' not in page
    assert "As a facilitator of Assurance Reviewers" in page
    assert Notification.objects.filter(recipient=member, kind="thanks").count() == 1


def test_profile_thanks_refused_to_non_facilitators_and_keeps_the_note(community, core_member, member, login):
    client = login(core_member)
    assert reverse("thank_member", args=[member.pk]) not in text(client.get(member.get_absolute_url()))
    response = client.post(
        reverse("thank_member", args=[member.pk]), {"community": community.pk, "message": "Kept text"}
    )
    assert Thanks.objects.count() == 0
    assert "Only the facilitators" in text(client.get(response.url))


def test_profile_thanks_in_a_closed_community_are_not_shown_to_outsiders(
    closed_community, facilitator, member, outsider, login
):
    login(facilitator).post(
        reverse("thank_member", args=[member.pk]),
        {"community": closed_community.pk, "message": "Secret assurance work."},
    )
    assert Thanks.objects.count() == 1
    assert "Secret assurance work." not in text(login(outsider).get(member.get_absolute_url()))


def test_bad_community_numbers_get_a_message_not_an_error(member, facilitator, login):
    client = login(facilitator)
    for value in ("", "abc", "99999", "-1"):
        response = client.post(
            reverse("thank_member", args=[member.pk]), {"community": value, "message": "x"}
        )
        assert response.status_code in (302, 404)
    assert Thanks.objects.count() == 0


def test_an_ex_facilitator_cannot_thank(reply, facilitator, community, login):
    Membership.objects.filter(user=facilitator, community=community).update(role=Membership.Role.CORE)
    assert thank_post(login(facilitator), reply).status_code == 404


def test_thanking_needs_the_csrf_token(reply, facilitator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    assert thank_post(client, reply).status_code == 403
    assert Thanks.objects.count() == 0


def test_thanking_is_rate_limited(community, facilitator, member, login, rate_limits_on):
    from forums.models import Post, Thread

    client = login(facilitator)
    thread = Thread.objects.create(community=community, author=member, title="Many replies")
    posts = [
        Post.objects.create(thread=thread, community=community, author=member, number=n, body="Reply")
        for n in range(1, 33)
    ]
    for post in posts[:30]:
        thank_post(client, post, "Thanks!")
    assert Thanks.objects.count() == 30
    response = thank_post(client, posts[30], "One too many")
    assert Thanks.objects.count() == 30
    assert "Please try again later" in text(client.get(response.url))
