"""Sending many messages: digest batches and newsletter batches.

Guarantees (shared/DESIGN.md, "Outbound messages"):
- every message has a Delivery row unique per (recipient, kind, key), created before sending;
- a sender claims a row with a conditional UPDATE (pending -> sending) and sends only if it won;
- a row is marked sent after the SMTP server accepted it; a permanent refusal (5xx) marks it
  failed; a temporary problem (connection lost, 4xx) puts it back to pending and the task
  retries with backoff; when retries run out the rest of the batch is marked failed;
- a worker that dies between claiming and marking leaves the row in "sending": its fate is
  unknown, it is reported as such on the issue's page and never sent again automatically.

Digest batches claim all their rows with one UPDATE and mark them sent with one UPDATE, so a
batch costs a constant number of queries. Newsletter batches claim one row at a time just
before sending it, so that a crash leaves at most one message per worker process of unknown
fate: facilitators see exact numbers.
"""

import smtplib

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import delivery, digests, mail
from .models import Delivery


class TemporaryFailure(Exception):
    """The SMTP server could not take the message now; the caller retries later."""


def is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- digests ----------------------------------------------------------------------------------


def send_digest_batch(user_ids, period, *, connection=None):
    """Compose and send one digest per member of `user_ids` who has something new.

    Returns {"composed", "sent", "failed"}. Idempotent per (member, period key): members whose
    row is already sent, failed or being sent are skipped. Raises TemporaryFailure after
    putting unsent rows back to pending, so the task can retry the batch.
    """
    batch = digests.Batch(user_ids, period)
    composed = batch.compose()
    stats = {"composed": len(composed), "sent": 0, "failed": 0}
    if not composed:
        return stats
    users = batch.users
    Delivery.objects.bulk_create(
        [
            Delivery(recipient_id=uid, email=users[uid].email, kind="digest", key=period.key)
            for uid in composed
        ],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        claimable = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(kind="digest", key=period.key, recipient_id__in=list(composed), status="pending")
            .order_by("recipient_id")
            .values_list("pk", "recipient_id")
        )
        Delivery.objects.filter(pk__in=[pk for pk, _ in claimable]).update(
            status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    if not claimable:
        return stats

    connection = connection or get_connection()
    sent, failed, untried = [], [], []
    temporary = None
    try:
        for pk, uid in claimable:
            if temporary is not None:
                untried.append(pk)
                continue
            try:
                message = mail.digest_email(users[uid], composed[uid], batch)
                message.connection = connection
                message.send()
            except Exception as error:
                if is_permanent(error):
                    failed.append((pk, error))
                    continue
                temporary = error
                untried.append(pk)
                continue
            sent.append(pk)
    finally:
        connection.close()
        now = timezone.now()
        if sent:
            Delivery.objects.filter(pk__in=sent).update(status=Delivery.Status.SENT, sent_at=now)
        for pk, error in failed:
            Delivery.objects.filter(pk=pk).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])
        if untried:
            Delivery.objects.filter(pk__in=untried, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.PENDING, last_error=str(temporary)[:2000]
            )
    stats.update(sent=len(sent), failed=len(failed))
    if temporary is not None:
        raise TemporaryFailure(str(temporary)) from temporary
    return stats


def give_up_digest_batch(user_ids, period, error):
    """Retries are exhausted: record the batch's unsent rows as failed (visible in the admin)."""
    Delivery.objects.filter(
        kind="digest", key=period.key, recipient_id__in=list(user_ids), status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])


# --- newsletter issues ------------------------------------------------------------------------


def send_issue_batch(issue, delivery_ids, *, connection=None):
    """Send `issue` to the recipients of these pending Delivery rows, claiming each just before sending.

    Returns the number sent. Rows already claimed elsewhere are skipped, so running the same
    batch twice (a duplicate task, a re-enqueued batch after a crash) sends nothing twice.
    """
    rows = list(
        Delivery.objects.filter(
            pk__in=list(delivery_ids),
            kind="newsletter",
            key=issue.delivery_key,
            status=Delivery.Status.PENDING,
        )
        .select_related("recipient")
        .order_by("pk")
    )
    if not rows:
        return 0
    connection = connection or get_connection()
    sent = 0
    try:
        for row in rows:
            try:
                delivery.claim(row)
            except delivery.Unclaimed:
                continue
            try:
                message = mail.newsletter_email(issue, row.recipient)
                message.connection = connection
                message.send()
            except Exception as error:
                if is_permanent(error):
                    delivery.mark_failed(row, error)
                    continue
                delivery.release_for_retry(row, error)
                raise TemporaryFailure(str(error)) from error
            delivery.mark_sent(row)
            sent += 1
    finally:
        connection.close()
    return sent


def give_up_issue_batch(issue, delivery_ids, error):
    Delivery.objects.filter(
        pk__in=list(delivery_ids), kind="newsletter", key=issue.delivery_key, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])
