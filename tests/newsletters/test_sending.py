"""The sending engine's guarantees (newsletters/sending/__init__.py), each against a real SMTP
server on 127.0.0.1 that misbehaves per recipient (tests/newsletters/smtp.py)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from forums.models import Thread
from newsletters import fanout, issues, sending, tasks
from newsletters.models import Delivery, Issue, Notification, Preference, Suppression
from newsletters.services import notify

from ..factories import member_of
from ..utils import text
from .helpers import log
from .smtp import Recorder, SMTPServer


@pytest.fixture
def recorder():
    return Recorder(sleep=2.0)


@pytest.fixture
def smtp(recorder, settings):
    with SMTPServer(recorder) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        yield server


def issue_to(community, facilitator, emails):
    members = [member_of(community, email=email) for email in emails]
    issue = Issue.objects.create(community=community, author=facilitator, subject="News", body="Hello")
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, started_at=timezone.now())
    issue.refresh_from_db()
    sending.reserve_many("newsletter", issue.delivery_key, [(m.pk, m.email) for m in members])
    return issue, members


def send(issue):
    ids = Delivery.objects.filter(key=issue.delivery_key).values_list("pk", flat=True)
    return fanout.send_issue_batch(issue, ids)


def status_of(issue):
    return dict(Delivery.objects.filter(key=issue.delivery_key).values_list("email", "status"))


def test_one_connection_carries_a_whole_batch(smtp, recorder, community, facilitator):
    issue, _ = issue_to(community, facilitator, [f"r{n}@example.org" for n in range(50)])
    result = send(issue)
    assert (result.sent, result.connections, recorder.connections) == (50, 1, 1)


def test_a_connection_lost_after_data_is_unknown_and_never_resent(
    smtp, recorder, community, facilitator, login
):
    issue, _ = issue_to(community, facilitator, ["a@example.org", "dropper@example.org", "z@example.org"])
    result = send(issue)
    assert (result.sent, result.unknown, result.retry) == (2, 1, [])
    assert status_of(issue)["dropper@example.org"] == "unknown"
    send(issue)  # the same batch again, as a duplicate task would
    issues.enqueue_pending(issue)
    assert recorder.counts()["dropper@example.org"] == 1  # exactly one copy
    page = text(login(facilitator).get(reverse("newsletters:issue", args=[community.slug, issue.pk])))
    assert 'data-testid="unknown">1<' in page and "dropper@example.org" in page
    # the batch went on over a new connection after the drop
    assert recorder.connections == 2


def test_a_timeout_waiting_for_the_reply_is_unknown(smtp, recorder, community, facilitator):
    issue, _ = issue_to(community, facilitator, ["sleepy@example.org", "next@example.org"])
    result = send(issue)
    assert status_of(issue) == {"sleepy@example.org": "unknown", "next@example.org": "sent"}
    assert result.unknown == 1
    assert "timed out" in Delivery.objects.get(email="sleepy@example.org").last_error


def test_a_connection_lost_before_data_is_retried_and_sent_once(smtp, recorder, community, facilitator):
    issue, _ = issue_to(community, facilitator, ["cutrcpt@example.org", "busy@example.org", "ok@example.org"])
    result = send(issue)
    assert set(result.retry) == set(
        Delivery.objects.filter(email__in=["cutrcpt@example.org", "busy@example.org"]).values_list(
            "pk", flat=True
        )
    )
    assert status_of(issue) == {
        "cutrcpt@example.org": "pending", "busy@example.org": "pending", "ok@example.org": "sent"
    }  # fmt: skip
    send(issue)  # the retry
    assert set(status_of(issue).values()) == {"sent"}
    assert recorder.counts() == {"cutrcpt@example.org": 1, "busy@example.org": 1, "ok@example.org": 1}


def test_a_poison_message_fails_after_the_attempt_cap(smtp, recorder, community, facilitator, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    recorder.cut_times = 100
    issue, _ = issue_to(community, facilitator, ["cutrcpt@example.org"])
    for _ in range(5):
        send(issue)
    row = Delivery.objects.get(email="cutrcpt@example.org")
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error.startswith("gave up after 3 tries")


def test_the_newsletter_task_retries_with_backoff_then_gives_up(community, facilitator, monkeypatch):
    issue, _ = issue_to(community, facilitator, ["a@example.org"])
    calls = []

    def fake_retry(*, args, countdown):
        calls.append(countdown)
        raise RuntimeError("retry scheduled")

    result = sending.BatchResult(retry=[1], error=OSError("down"))
    monkeypatch.setattr(fanout, "send_issue_batch", lambda issue, ids: result)
    monkeypatch.setattr(tasks.send_issue_batch, "retry", fake_retry)
    with pytest.raises(RuntimeError):
        tasks.send_issue_batch.run(issue.pk, [1])
    assert 15 <= calls[0] <= 45  # 30 s ± 50 %


def test_backoff_is_jittered_and_capped():
    first = {sending.backoff(0) for _ in range(50)}
    assert min(first) >= 15 and max(first) <= 45 and len(first) > 5
    assert max(sending.backoff(20) for _ in range(50)) <= sending.max_countdown() == 2700


def test_the_brokers_visibility_timeout_exceeds_the_longest_countdown(settings):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > sending.max_countdown()


def test_members_no_longer_eligible_when_their_turn_comes_are_skipped_with_the_reason(
    smtp, recorder, community, facilitator
):
    emails = [
        "stays@example.org",
        "left@example.org",
        "removed@example.org",
        "off@example.org",
        "bounced@example.org",
    ]
    issue, members = issue_to(community, facilitator, emails)
    # After the issue was queued:
    Membership.objects.filter(user=members[1], community=community).update(state=Membership.State.LEFT)
    Membership.objects.filter(user=members[2], community=community).update(state=Membership.State.REMOVED)
    Preference.objects.create(user=members[3], community=community, newsletter=False)
    Suppression.objects.create(email="Bounced@Example.org", reason="bounce")
    result = send(issue)
    assert result.sent == 1 and result.skipped_count == 4
    assert list(recorder.counts()) == ["stays@example.org"]
    reasons = dict(Delivery.objects.filter(key=issue.delivery_key).values_list("email", "reason"))
    assert reasons == {
        "stays@example.org": "", "left@example.org": "no longer a member",
        "removed@example.org": "no longer a member", "off@example.org": "list switched off",
        "bounced@example.org": "address suppressed",
    }  # fmt: skip
    assert issues.stats(issue).skipped == 4


def test_a_notification_about_a_thread_hidden_meanwhile_is_not_emailed(community, member, facilitator):
    thread = Thread.objects.create(community=community, title="Budget", author=facilitator)
    notice = notify(member, "x replied", url="/t/", community=community, target=f"thread:{thread.pk}")
    Thread.objects.filter(pk=thread.pk).update(hidden_at=timezone.now())
    tasks.send_notification_email(notice.pk)
    assert mail.outbox == []
    row = Delivery.objects.get(kind="notification")
    assert (row.status, row.reason) == ("skipped", "content hidden")


def test_over_the_daily_cap_notifications_wait_for_the_digest(community, member, settings):
    settings.EMAIL_OPTIONAL_DAILY_CAP = 2
    for n in range(4):
        notice = notify(member, f"Notice {n}", url="/x/", community=community)
        tasks.send_notification_email(notice.pk)
    assert [m.subject for m in mail.outbox] == ["Notice 0", "Notice 1"]
    skipped = Delivery.objects.filter(kind="notification", status="skipped")
    assert list(skipped.values_list("reason", flat=True)) == ["daily cap", "daily cap"]
    # The next day's digest carries them.
    from newsletters import digests

    log(community, "thread.created", "A thread", when=timezone.now())
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    Preference.objects.create(user=member, community=community, digest="daily")
    mail.outbox.clear()
    fanout.send_digest_batch([member.pk], digests.period_for("daily", tomorrow))
    body = mail.outbox[0].body
    assert "NOTIFICATIONS YOU MAY HAVE MISSED" in body
    assert "Notice 2" in body and "Notice 3" in body and "Notice 0" not in body


def test_an_app_registers_a_kind_and_fans_out_in_batches(community, settings):
    readers = [member_of(community) for _ in range(3)]
    readers[2].is_active = False
    readers[2].save()
    built = []

    def build(row):
        built.append(row.recipient_id)
        return mail.EmailMessage("Survey", "Please answer", to=[row.email])

    sending.register(sending.Kind("test.survey", build=build, check=lambda rows: {rows[0].pk: "not invited"}))
    sending.fan_out("test.survey", "survey:1", [(u.pk, u.email) for u in readers])
    sending.fan_out("test.survey", "survey:1", [(u.pk, u.email) for u in readers])  # twice: no duplicates
    assert [m.to for m in mail.outbox] == [[readers[1].email]]
    assert dict(Delivery.objects.filter(kind="test.survey").values_list("recipient_id", "reason")) == {
        readers[0].pk: "not invited", readers[1].pk: "", readers[2].pk: "account inactive"
    }  # fmt: skip


def test_send_once_is_kept_for_single_messages(member):
    build = lambda: mail.EmailMessage("Hi", "Hello", to=[member.email])  # noqa: E731
    assert sending.send_once(member, "test.single", "one", build) is True
    assert sending.send_once(member, "test.single", "one", build) is False
    assert len(mail.outbox) == 1
    Notification.objects.all().delete()
