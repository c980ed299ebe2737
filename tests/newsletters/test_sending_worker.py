"""The sending engine through a real Celery worker and an SMTP server that misbehaves per
recipient (PostgreSQL + Redis only; CI runs these with WORKER_REQUIRED=1).

Locally: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \
WORKER_REQUIRED=1 .venv/bin/python -m pytest tests/newsletters/test_sending_worker.py -q
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from newsletters import issues, tasks
from newsletters.models import Delivery, Issue, Preference

from ..utils import text
from .helpers import log
from .smtp import Recorder, SMTPServer, wait_for
from .test_inbound import SECRET, bounce_payload, postmark
from .test_newsletter_worker import add_members, queues_idle

pytestmark = pytest.mark.worker


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def smtp(recorder):
    with SMTPServer(recorder) as server:
        yield server


@pytest.fixture
def worker_env(smtp):
    # Retries after 1 s (± 50 %) instead of 30 s, so the retried message arrives quickly.
    return {"EMAIL_URL": smtp.url, "EMAIL_RETRY_BASE": "1"}


def test_a_dropped_connection_gives_one_copy_and_one_unknown_and_late_leavers_and_bounces_get_nothing(
    celery_worker, smtp, recorder, community, facilitator, login, client, settings
):
    emails = [f"reader{n}@example.org" for n in range(300)]
    emails[100] = "hardbounce@example.org"
    emails[40], emails[170], emails[220], emails[290] = (
        "dropper@example.org", "unsubscribed@example.org", "removed@example.org", "cutrcpt@example.org"
    )  # fmt: skip
    users = {u.email: u for u in add_members(community, len(emails), emails=emails)}
    issue = Issue.objects.create(community=community, author=facilitator, subject="November", body="Hello")
    # An earlier message to one member bounced hard: Postmark tells us through its webhook.
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    assert postmark(client, "tracking", bounce_payload("hardbounce@example.org")).status_code == 200

    # Fan the issue out into queued batches while no worker runs; then two members change
    # their minds before their batch is picked up.
    celery_worker.stop()
    issues.send_now(issue)
    issues.start_issue(issue.pk)
    assert Delivery.objects.filter(key=issue.delivery_key, status="pending").count() == len(emails) + 1
    Preference.objects.create(user=users["unsubscribed@example.org"], community=community, newsletter=False)
    Membership.objects.filter(user=users["removed@example.org"], community=community).update(
        state=Membership.State.REMOVED
    )
    celery_worker.start()
    wait_for(lambda: Issue.objects.get(pk=issue.pk).status == "sent", 120, "the issue to be sent")

    counts = recorder.counts()
    assert counts["dropper@example.org"] == 1  # accepted once, never resent
    assert counts["cutrcpt@example.org"] == 1  # cut before DATA: retried, delivered once
    assert not {"unsubscribed@example.org", "removed@example.org", "hardbounce@example.org"} & set(counts)
    assert max(counts.values()) == 1
    rows = Delivery.objects.filter(key=issue.delivery_key)
    assert dict(rows.filter(status="skipped").values_list("email", "reason")) == {
        "unsubscribed@example.org": "list switched off",
        "removed@example.org": "no longer a member",
        "hardbounce@example.org": "address suppressed",
    }
    assert rows.get(email="dropper@example.org").status == "unknown"
    stats = issues.stats(issue)
    expected_sent = len(emails) + 1 - 4  # + the facilitator; - dropper, unsubscribed, removed, bounced
    assert (stats.sent, stats.unknown, stats.skipped, stats.remaining) == (expected_sent, 1, 3, 0)
    assert sum(counts.values()) == expected_sent + 1
    page = text(login(facilitator).get(reverse("newsletters:issue", args=[community.slug, issue.pk])))
    assert 'data-testid="unknown">1<' in page and "dropper@example.org" in page


def test_digests_follow_the_same_unknown_rule(celery_worker, smtp, recorder, community):
    emails = [f"digest{n}@example.org" for n in range(120)]
    emails[30] = "dropper@example.org"
    add_members(community, len(emails), emails=emails)
    log(community, "thread.created", "A new thread", when=timezone.now() - datetime.timedelta(days=7))
    tasks.send_digests.delay("weekly")
    wait_for(
        lambda: (
            queues_idle()
            and Delivery.objects.filter(kind="digest", status__in=["pending", "sending"]).count() == 0
        ),
        90,
        "the digests to be sent",
        interval=0.5,
    )
    counts = recorder.counts()
    assert counts["dropper@example.org"] == 1 and max(counts.values()) == 1
    assert Delivery.objects.get(kind="digest", email="dropper@example.org").status == "unknown"
    # A second run for the same week sends nobody anything.
    tasks.send_digests.delay("weekly")
    wait_for(queues_idle, 30, "the second run", interval=0.5)
    assert recorder.counts() == counts
