"""Telling people runs in the worker, in batches: the request costs the same with 1 or 1,000
watchers, and each batch task costs the same few queries whatever its size."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Membership
from forums import services
from forums.models import ThreadWatch
from hotseats import services as hotseat_services
from newsletters import notifying, tasks
from newsletters.models import Notification, Preference
from newsletters.sources.forums.receivers import POST
from tests.factories import member_of
from tests.forums.helpers import thread
from tests.hotseats.conftest import make_hotseat

pytestmark = pytest.mark.django_db


def bulk_watchers(t, n, prefix="watcher"):
    """n accounts watching thread t, built in two INSERTs."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{i}@example.org", display_name=f"Watcher {i}", password="!") for i in range(n)
    )
    ThreadWatch.objects.bulk_create(ThreadWatch(thread=t, user=u) for u in users)
    return users


@pytest.mark.parametrize("n_watchers", [1, 1000])
def test_posting_a_reply_costs_the_same_queries_with_one_or_a_thousand_watchers(
    login, member, core_member, community, django_assert_num_queries, n_watchers
):
    t = thread(member, community)
    bulk_watchers(t, n_watchers)
    client = login(core_member)
    url = reverse("forums:reply", args=[community.slug, t.pk])
    client.get(reverse("forums:thread_detail", args=[community.slug, t.pk]))  # warm the session
    # The request saves the reply and enqueues one task on commit; nobody is told in it.
    # 1 session, 2 user, 3 community + membership, 4 thread, 5 membership (the service's own
    # policy check), 6 savepoint, 7 thread locked, 8 first post here?, 9 insert post, 10 update
    # thread, 11-14 watch (get_or_create), 15-18 read marker, 19 activity, 20 community's last
    # activity, 21 release savepoint, 22 the reply box's saved draft is discarded, 23 watched words
    with django_assert_num_queries(23):
        response = client.post(url, {"body": "Try a benefits map"})
    assert response.status_code == 302


def test_many_watchers_are_each_told_once_in_batches_of_a_hundred(member, core_member, community, on_commit):
    t = thread(member, community)
    watchers = bulk_watchers(t, 250)
    with mock.patch.object(tasks.notify_batch, "delay", wraps=tasks.notify_batch.delay) as batches:
        with on_commit:
            post = services.post_reply(core_member, t, "Try a benefits map")
    assert batches.call_count == 3  # the asker + 250 watchers, 100 a batch
    told = Notification.objects.filter(kind="forums.reply", url=post.get_absolute_url())
    assert told.count() == 251
    assert not told.filter(recipient=core_member).exists()
    assert len(mail.outbox) == 251
    assert {w.pk for w in watchers} <= set(told.values_list("recipient_id", flat=True))


@pytest.mark.parametrize("size", [3, 100])
def test_a_notification_batch_costs_four_queries_whatever_its_size(
    member, facilitator, closed_community, outsider, django_assert_num_queries, size
):
    t = thread(member, closed_community)
    people = [member_of(closed_community) for _ in range(size)]
    Preference.objects.create(user=people[0], community=closed_community, immediate=False)
    post = services.post_reply(facilitator, t, "Try a benefits map")
    ids = [p.pk for p in people] + [outsider.pk]  # the outsider may not read it
    with mock.patch.object(tasks.send_notification_emails, "delay_on_commit") as emails:
        # 1 the reply (+ thread, community, author), 2 readers_of(reply) among the batch,
        # 3 who switched immediate e-mail off, 4 the notifications in one INSERT
        with django_assert_num_queries(4):
            rows = notifying.tell_batch(POST.name, post.pk, "forums.reply", ids, {"watchers": True})
    assert len(rows) == size
    (emailed,), _ = emails.call_args
    assert len(emailed) == size - 1  # one switched immediate e-mail off


def test_the_fan_out_task_costs_the_same_queries_with_ten_or_a_thousand_watchers(
    member, core_member, community, django_assert_num_queries
):
    counts = []
    for n in (10, 1000):
        t = thread(member, community, title=f"Thread {n}")
        bulk_watchers(t, n, prefix=f"t{n}")
        post = services.post_reply(core_member, t, "Try a benefits map")
        with (
            mock.patch.object(tasks.notify_batch, "delay") as batches,
            CaptureQueriesContext(connection) as ctx,
        ):
            notifying.fan_out(POST.name, post.pk, core_member.pk, {"watchers": True, "mentioned": []})
        counts.append(len(ctx.captured_queries))
        assert sum(len(call.args[3]) for call in batches.call_args_list) == n + 1
    # 1 the reply, 2 the thread's watchers
    assert counts == [2, 2]


def test_a_facilitator_who_schedules_a_hot_seat_is_not_told_of_it(community, facilitator, member, on_commit):
    hotseat = make_hotseat(community, None, state="draft")
    with on_commit:
        hotseat_services.schedule_hotseat(facilitator, hotseat)
    assert Notification.objects.filter(recipient=member, kind="hotseat.scheduled").count() == 1
    assert not Notification.objects.filter(recipient=facilitator).exists()


def test_removed_members_are_not_told_of_a_hot_seat(closed_community, facilitator, on_commit):
    removed = member_of(closed_community, state=Membership.State.REMOVED)
    stays = member_of(closed_community)
    hotseat = make_hotseat(closed_community, None, state="draft")
    with on_commit:
        hotseat_services.schedule_hotseat(facilitator, hotseat)
    told = set(Notification.objects.filter(kind="hotseat.scheduled").values_list("recipient_id", flat=True))
    assert told == {stays.pk}
    assert removed.pk not in told
