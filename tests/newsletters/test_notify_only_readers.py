"""Notifications reach only people who may see what they are about (readers_of), never the actor."""

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Community, Membership
from forums import services
from newsletters.models import Notification
from tests.factories import member_of
from tests.forums.helpers import thread

pytestmark = pytest.mark.django_db


def test_a_facilitators_reply_in_a_hidden_thread_does_not_reach_its_watchers(
    community, member, core_member, facilitator, on_commit
):
    t = thread(member, community)  # the asker watches it
    services.set_thread_watch(core_member, t, True)
    other_facilitator = member_of(community, Membership.Role.FACILITATOR)
    services.set_thread_watch(other_facilitator, t, True)
    t.hidden_at = timezone.now()
    t.save(update_fields=["hidden_at"])

    with on_commit:
        services.post_reply(facilitator, t, "Hiding this while we check the figures.")

    # Members would get the title and a link that answers 404: they hear nothing.
    assert not Notification.objects.filter(recipient__in=[member, core_member]).exists()
    # Another facilitator, who may see the hidden thread, is told.
    assert Notification.objects.filter(recipient=other_facilitator, kind="forums.reply").count() == 1
    assert [m.to for m in mail.outbox] == [[other_facilitator.email]]
    assert not Notification.objects.filter(recipient=facilitator).exists()  # never of one's own reply


def test_watchers_of_a_community_turned_closed_hear_nothing_unless_members(
    community, member, outsider, core_member, on_commit
):
    t = thread(member, community)
    services.set_thread_watch(outsider, t, True)
    community.visibility = Community.Visibility.CLOSED
    community.save(update_fields=["visibility"])
    with on_commit:
        services.post_reply(core_member, t, "Still here")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert Notification.objects.filter(recipient=member).count() == 1
