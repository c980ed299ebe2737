"""The welcome e-mail through Redis and a real Celery worker process (CI: PostgreSQL + Redis)."""

import time

import pytest

from communities import services
from newsletters.models import Delivery
from tests.factories import CommunityFactory, UserFactory, member_of

pytestmark = pytest.mark.worker


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_sends_the_welcome_once(celery_worker):
    community = CommunityFactory(name="Risk Practitioners")
    member_of(community, "facilitator", display_name="Fay Facilitator")
    newcomer = UserFactory(display_name="Nia Newcomer")

    membership = services.join_community(newcomer, community)  # commits: the task goes to Redis

    assert wait_for(lambda: Delivery.objects.filter(recipient=newcomer, status="sent").exists())
    # Enqueue the same welcome again, as a retry or a duplicate event would.
    from newsletters.tasks import send_welcome

    send_welcome.delay(membership.pk)
    time.sleep(2)

    files = list(celery_worker.mail_dir.glob("*.log"))
    messages = "".join(f.read_text() for f in files)
    assert messages.count("Subject: Welcome to Risk Practitioners, Nia Newcomer") == 1
    assert "Fay Facilitator" in messages
    assert Delivery.objects.filter(recipient=newcomer, kind="welcome").count() == 1
