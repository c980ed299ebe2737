"""With a real worker (PostgreSQL + Redis): the beat task run twice announces an opening once."""

import datetime
import time

import pytest
from django.utils import timezone

from hotseats.models import HotSeat
from hotseats.tasks import advance_hotseats
from newsletters.models import Delivery, Notification

from .conftest import make_hotseat

pytestmark = pytest.mark.worker


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_beat_task_twice_on_a_real_worker_opens_and_tells_members_once(celery_worker, member, community):
    hotseat = make_hotseat(
        community, None, state="scheduled",
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )  # fmt: skip

    advance_hotseats.delay()
    advance_hotseats.delay()

    assert wait_for(lambda: Notification.objects.filter(recipient=member, kind="hotseat.opened").exists())
    sent = Delivery.objects.filter(recipient=member, kind="notification", status=Delivery.Status.SENT)
    assert wait_for(sent.exists)
    time.sleep(1)  # give a duplicate the chance to appear
    assert Notification.objects.filter(recipient=member, kind="hotseat.opened").count() == 1
    assert HotSeat.objects.get(pk=hotseat.pk).status == "open"
