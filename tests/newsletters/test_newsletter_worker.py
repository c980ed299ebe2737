"""A newsletter through a real Celery worker and a real SMTP server (PostgreSQL + Redis only).

CI runs these with WORKER_REQUIRED=1; locally:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsletters REDIS_URL=redis://127.0.0.1:6379/5 \
WORKER_REQUIRED=1 .venv/bin/python -m pytest tests/newsletters -q
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from cop_platform.accounts.models import User
from cop_platform.celery import app as celery_app
from newsletters import issues, tasks
from newsletters.models import Delivery, Issue

from ..utils import text
from .smtp import Recorder, SMTPServer, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def recorder(request):
    return Recorder(hold=getattr(request, "param", None))


@pytest.fixture
def smtp(recorder):
    with SMTPServer(recorder) as server:
        yield server


@pytest.fixture
def worker_env(smtp):
    return {"EMAIL_URL": smtp.url}


def add_members(community, count, *, emails=None):
    """Bulk-create `count` active members (factories would take a minute for 2,000)."""
    emails = emails or [f"reader{n}@example.org" for n in range(count)]
    users = User.objects.bulk_create(
        [User(email=email, display_name=f"Reader {n}") for n, email in enumerate(emails)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, community=community, state=Membership.State.ACTIVE, joined_at=timezone.now())
            for u in users
        ]
    )
    return users


def status_counts(issue):
    return issues.stats(issue, now=timezone.now())


def queues_idle():
    inspect = celery_app.control.inspect(timeout=1)
    busy = [inspect.active() or {}, inspect.reserved() or {}]
    with celery_app.connection_for_write() as conn:
        waiting = sum(conn.default_channel.client.llen(q) for q in ("email", "default"))
    return waiting == 0 and all(not tasks for state in busy for tasks in state.values())


def test_two_thousand_members_get_exactly_one_newsletter_each(
    celery_worker, smtp, recorder, community, facilitator
):
    add_members(community, 1998)  # + facilitator + ... see below
    issue = Issue.objects.create(
        community=community, author=facilitator, subject="November", body="Hello **all**"
    )
    expected = set(
        Membership.objects.active().filter(community=community).values_list("user__email", flat=True)
    )
    assert len(expected) == 1999
    add_members(community, 1, emails=["last@example.org"])
    expected.add("last@example.org")

    issues.send_now(issue)
    wait_for(lambda: Issue.objects.get(pk=issue.pk).status == "sent", 90, "the issue to be sent")

    counts = recorder.counts()
    assert sum(counts.values()) == 2000
    assert set(counts) == expected
    assert Delivery.objects.filter(kind="newsletter", key=issue.delivery_key, status="sent").count() == 2000

    # Sending the same issue again delivers nothing: the page refuses, and even a forced
    # fan-out plus every batch enqueued again find no row left to claim.
    with pytest.raises(issues.IssueError):
        issues.send_now(issue)
    tasks.start_issue.delay(issue.pk)
    ids = list(Delivery.objects.filter(key=issue.delivery_key).values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        tasks.send_issue_batch.delay(issue.pk, ids[start : start + 500])
    wait_for(queues_idle, 30, "the worker to finish the duplicate tasks", interval=0.5)
    assert sum(recorder.counts().values()) == 2000


@pytest.mark.parametrize("recorder", ["held@example.org"], indirect=True)
def test_a_killed_worker_never_sends_twice_and_the_page_tells_what_happened(
    celery_worker, smtp, recorder, community, facilitator, login, settings
):
    settings.NEWSLETTER_UNKNOWN_AFTER = 3  # seconds; production waits minutes
    emails = [f"reader{n}@example.org" for n in range(400)]
    emails[60] = "held@example.org"
    for n in (10, 150, 390):
        emails[n] = f"bounce{n}@example.org"
    add_members(community, len(emails), emails=emails)
    issue = Issue.objects.create(community=community, author=facilitator, subject="November", body="Hello")

    issues.send_now(issue)
    # The worker hands "held" to the SMTP server, which keeps it waiting: kill the worker then.
    wait_for(recorder.holding.is_set, 60, "the held message to be in flight")
    wait_for(lambda: status_counts(issue).sent >= 100, 60, "some progress")
    celery_worker.kill()
    recorder.release.set()
    stopped_at = status_counts(issue)
    assert stopped_at.remaining > 0, "the worker was killed too late to test anything"

    celery_worker.start()
    client = login(facilitator)
    page_url = reverse("newsletters:issue", args=[community.slug, issue.pk])
    # The new worker sends what was still queued; the batches the dead one held stay waiting.
    wait_for(
        lambda: queues_idle() and status_counts(issue).in_flight == 0,
        30,
        "the new worker to go idle",
        interval=0.5,
    )
    assert status_counts(issue).remaining > 0
    assert "Resume sending" in text(client.get(page_url))
    client.post(reverse("newsletters:issue_resume", args=[community.slug, issue.pk]))
    wait_for(
        lambda: (lambda st: st.remaining == 0 and st.in_flight == 0)(status_counts(issue)),
        90,
        "the rest to be sent",
    )
    # The dead worker's claimed rows keep the issue "sending" for NEWSLETTER_UNKNOWN_AFTER in the
    # worker (120 s there); beat's resume then closes it, as this call does.
    issues.finish_if_done(issue.pk)
    assert Issue.objects.get(pk=issue.pk).status == "sent"

    counts = recorder.counts()
    assert max(counts.values()) == 1, "somebody received the newsletter twice"
    rows = dict(Delivery.objects.filter(key=issue.delivery_key).values_list("email", "status"))
    assert rows["held@example.org"] == "sending"  # fate unknown, never resent
    assert "held@example.org" not in counts
    bounces = {f"bounce{n}@example.org" for n in (10, 150, 390)}
    failed = {e for e, s in rows.items() if s == "failed"}
    sent = {e for e, s in rows.items() if s == "sent"}
    unknown = {e for e, s in rows.items() if s == "sending"}
    # A refused address is "failed", unless the kill caught it in a batch the dead worker had
    # already claimed (two batches run at once): then its fate is "unknown" like the held one.
    assert failed <= bounces <= failed | unknown
    assert failed, "no refused address was ever tried"
    assert sent <= set(counts) <= sent | unknown

    final = status_counts(issue)
    assert (final.sent, final.failed, final.remaining) == (len(sent), len(failed), 0)
    assert final.unknown == len(unknown) >= 1
    page = text(client.get(page_url))
    assert f'data-testid="sent">{final.sent}<' in page
    assert f'data-testid="failed">{final.failed}<' in page
    assert f'data-testid="unknown">{final.unknown}<' in page
    assert "held@example.org" in page
    assert all(address in page for address in failed)
    # the message to the held address stays unknown: a later resume does not send it
    issues.enqueue_pending(Issue.objects.get(pk=issue.pk))
    assert Delivery.objects.get(email="held@example.org").status == "sending"
