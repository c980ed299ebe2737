"""The ledger: one Delivery row per (recipient, kind, key), and the moves between its states.

pending -> sending -> sent | failed | unknown, and pending | sending -> skipped (with a
reason). Every move is a conditional UPDATE on the state it leaves, so two workers holding the
same row can never both send it: only pending rows are ever claimed, and only a claimed row is
ever sent.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Delivery

S = Delivery.Status


def max_attempts():
    """Tries per row before it is marked failed: a poison message never loops."""
    return getattr(settings, "EMAIL_MAX_ATTEMPTS", 5)


def unknown_after():
    """Seconds after which a row still "sending" is taken to belong to a dead worker."""
    return getattr(settings, "NEWSLETTER_UNKNOWN_AFTER", 120)


def reserve(recipient, kind, key):
    """The row for (recipient, kind, key), created pending if new."""
    row, _ = Delivery.objects.get_or_create(
        recipient=recipient, kind=kind, key=key, defaults={"email": recipient.email}
    )
    return row


def reserve_many(kind, key, recipients):
    """Bulk-create pending rows for [(user_id, email)] (existing keys untouched); returns nothing."""
    Delivery.objects.bulk_create(
        [Delivery(recipient_id=uid, email=email, kind=kind, key=key) for uid, email in recipients],
        ignore_conflicts=True,
        batch_size=1000,
    )


def reserve_addresses(kind, keyed_emails):
    """Bulk-create pending rows without a recipient for [(key, email)] (addresses without an
    account, e.g. invitations; existing rows untouched); returns nothing."""
    Delivery.objects.bulk_create(
        [Delivery(recipient=None, email=email, kind=kind, key=key) for key, email in keyed_emails],
        ignore_conflicts=True,
        batch_size=1000,
    )


def claim(row):
    """pending -> sending for one row; True if this caller won it."""
    now = timezone.now()
    won = Delivery.objects.filter(pk=row.pk, status=S.PENDING).update(
        status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if won:
        row.status, row.claimed_at, row.attempts = S.SENDING, now, row.attempts + 1
    return bool(won)


def claim_many(rows):
    """pending -> sending for a batch, skipping rows another worker holds; returns the won rows."""
    if not rows:
        return []
    by_pk = {row.pk: row for row in rows}
    now = timezone.now()
    with transaction.atomic(savepoint=False):  # part of the caller's transaction if it has one
        won = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(by_pk), status=S.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=won).update(
            status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    claimed = []
    for pk in won:
        row = by_pk[pk]
        row.status, row.claimed_at, row.attempts = S.SENDING, now, row.attempts + 1
        claimed.append(row)
    return claimed


def mark_sent(pks):
    if pks:
        Delivery.objects.filter(pk__in=list(pks), status=S.SENDING).update(
            status=S.SENT, sent_at=timezone.now(), last_error=""
        )


def mark_failed(row, error):
    Delivery.objects.filter(pk=row.pk, status__in=[S.SENDING, S.PENDING]).update(
        status=S.FAILED, last_error=str(error)[:2000]
    )


def mark_unknown(row, error):
    """The server may have accepted the message: record it, never send it again."""
    Delivery.objects.filter(pk=row.pk, status=S.SENDING).update(
        status=S.UNKNOWN, last_error=str(error)[:2000]
    )


def mark_skipped(rows_by_reason):
    """{reason: [row]} -> skipped with that reason (rows still pending or held by this sender)."""
    for reason, rows in rows_by_reason.items():
        Delivery.objects.filter(pk__in=[row.pk for row in rows], status__in=[S.PENDING, S.SENDING]).update(
            status=S.SKIPPED, reason=reason[:40]
        )


def release(row, error):
    """A temporary failure: back to pending for a later try, or failed once tries run out.

    Returns True if the row will be tried again."""
    if row.attempts >= max_attempts():
        Delivery.objects.filter(pk=row.pk, status=S.SENDING).update(
            status=S.FAILED, last_error=f"gave up after {row.attempts} tries: {error}"[:2000]
        )
        return False
    Delivery.objects.filter(pk=row.pk, status=S.SENDING).update(
        status=S.PENDING, last_error=str(error)[:2000]
    )
    return True


def release_many(rows, error):
    """Put rows this sender claimed but never tried back to pending (no try is used up)."""
    pks = [row.pk for row in rows if row.status == S.SENDING]
    if pks:
        Delivery.objects.filter(pk__in=pks, status=S.SENDING).update(
            status=S.PENDING, attempts=F("attempts") - 1, last_error=str(error)[:2000]
        )


def give_up(pks, error):
    """Retries are exhausted: rows still pending become failed (visible in the admin)."""
    return Delivery.objects.filter(pk__in=list(pks), status=S.PENDING).update(
        status=S.FAILED, last_error=str(error)[:2000]
    )


def unknown_q(now=None):
    """Rows whose fate is unknown: marked so, or left "sending" by a worker that died."""
    stale = (now or timezone.now()) - datetime.timedelta(seconds=unknown_after())
    return Q(status=S.UNKNOWN) | Q(status=S.SENDING, claimed_at__lt=stale)


def settle_stale(now=None):
    """Beat: rows left "sending" by a dead worker become "unknown" for good."""
    stale = (now or timezone.now()) - datetime.timedelta(seconds=unknown_after())
    return Delivery.objects.filter(status=S.SENDING, claimed_at__lt=stale).update(
        status=S.UNKNOWN, last_error="the worker stopped while sending; it may or may not have arrived"
    )
