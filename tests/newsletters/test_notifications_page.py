"""The notifications page: grouped by day and by place, cleared by reading, sane times."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forums.services import post_reply
from newsletters.models import Notification
from tests.forums.helpers import thread as make_thread
from tests.utils import text, words

pytestmark = pytest.mark.django_db


def notify(user, text_, url="", minutes_ago=0, **fields):
    return Notification.objects.create(
        recipient=user,
        kind=fields.pop("kind", "forums.reply"),
        text=text_,
        url=url,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        **fields,
    )


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_replies_in_one_thread_fold_into_one_line_under_the_day(login, member):
    notify(member, "Ann replied in “Baselines”", "/communities/x/discussions/5/#post-2", minutes_ago=30)
    notify(member, "Bob replied in “Baselines”", "/communities/x/discussions/5/#post-3", minutes_ago=20)
    notify(
        member, "Cat replied in “Baselines”", "/communities/x/discussions/5/?page=2#post-31", minutes_ago=10
    )
    notify(member, "Dan replied in “Other”", "/communities/x/discussions/51/#post-2", minutes_ago=5)
    notify(member, "Old news", "/communities/x/", minutes_ago=60 * 24 * 10, kind="member.joined")

    page = words(login(member).get(reverse("newsletters:notifications")))

    assert page.count("replied in “Baselines”") == 1
    assert "Cat replied in “Baselines” and 2 more like it" in page
    assert "Dan replied in “Other”" in page
    assert page.index("Today") < page.index("Cat replied") < page.index("Older") < page.index("Old news")


def test_a_notification_of_a_moment_ago_says_just_now_never_zero_minutes(login, member):
    notify(member, "Fresh")

    page = text(login(member).get(reverse("newsletters:notifications")))

    assert "just now" in page
    assert "0 minutes" not in page


def test_reading_a_thread_clears_its_notifications_and_no_others(login, member, core_member, community):
    thread = make_thread(core_member, community, title="Baselines")
    other = make_thread(core_member, community, title="Other")
    reply = post_reply(core_member, thread, "Here is how we did it.")
    notify(member, "Cora replied in “Baselines”", reply.get_absolute_url())
    notify(member, "New thread “Other”", other.get_absolute_url())
    client = login(member)

    client.get(thread.get_absolute_url())

    assert list(
        Notification.objects.filter(recipient=member, read_at__isnull=True).values_list("text", flat=True)
    ) == ["New thread “Other”"]
    page = words(client.get(reverse("newsletters:notifications")))
    assert "Unread: New thread “Other”" in page and "Unread: Cora" not in page


def test_outsider_only_sees_their_own_notifications(login, member, outsider):
    notify(member, "For Mo only")
    assert "For Mo only" not in text(login(outsider).get(reverse("newsletters:notifications")))
