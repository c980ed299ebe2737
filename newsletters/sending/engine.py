"""Sending a batch of ledger rows over one connection (see the guarantees in __init__.py)."""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ..models import Delivery
from . import eligibility, kinds, ledger
from .transport import PERMANENT, SENT, TEMPORARY, UNKNOWN, ConnectFailed, Transport

logger = logging.getLogger(__name__)
S = Delivery.Status


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: dict = field(default_factory=dict)  # reason -> count
    unknown: int = 0
    retry: list = field(default_factory=list)  # pks back to pending: try the batch again later
    error: BaseException | None = None  # the last temporary error, for the task's retry
    connections: int = 0

    @property
    def skipped_count(self):
        return sum(self.skipped.values())


def backoff(retries):
    """Seconds before retry number `retries` (0-based): 30 s doubling, capped, with jitter.

    Jitter (between 50% and 150% of the step) spreads the retries of a thousand batches that
    failed together, so a mail server coming back is not hit by all of them in the same second.
    """
    base = getattr(settings, "EMAIL_RETRY_BASE", 30)
    cap = getattr(settings, "EMAIL_RETRY_MAX", 1800)
    step = min(base * 2**retries, cap)
    return round(step * secrets.SystemRandom().uniform(0.5, 1.5))


def max_countdown():
    """The longest countdown a retry ever uses (the broker's visibility timeout must exceed it)."""
    return round(getattr(settings, "EMAIL_RETRY_MAX", 1800) * 1.5)


def send_batch(kind_name, rows, build=None, *, connection=None):
    """Send the pending rows of `rows` (Delivery objects with `recipient` loaded) once each.

    `build(row) -> EmailMessage` renders a row's message (default: the kind's builder); it is
    called only for claimed, eligible rows. Rows not pending are left alone, so running the
    same batch twice sends nothing twice. Returns a BatchResult; `result.retry` lists rows put
    back to pending after a temporary failure (the caller retries them with `backoff`).
    """
    kind = kinds.get(kind_name)
    build = build or kind.build
    if build is None:
        raise ValueError(f"e-mail kind {kind_name!r} has no builder")
    result = BatchResult()
    rows = [row for row in rows if row.status == S.PENDING]
    if not rows:
        return result
    chunk = kind.claim_chunk or len(rows)
    transport = Transport(connection)
    sent = []  # pks sent and not yet recorded: recorded with the next claim, or at the end
    try:
        for start in range(0, len(rows), chunk):
            if not _send_chunk(kind, rows[start : start + chunk], build, transport, result, sent):
                # No connection could be opened: the rows not yet claimed stay pending.
                result.retry += [row.pk for row in rows[start + chunk :]]
                break
    finally:
        try:
            # A crash before this line leaves these rows "sending": unknown, never resent.
            ledger.mark_sent(sent)
        finally:
            transport.close()
            result.connections = transport.connections
    return result


def _send_chunk(kind, rows, build, transport, result, sent):
    """Claim a chunk, re-check it, send it over `transport`, record the outcomes.

    Returns False when the transport could not connect (the chunk's rows are released).
    `sent` holds what the previous chunk sent: it is recorded in the same transaction as this
    chunk's claim and skips (one commit), then collects this chunk's sent rows.
    """
    with transaction.atomic():
        ledger.mark_sent(sent)
        rows = ledger.claim_many(rows)
        refused = eligibility.check(kind, rows) if rows else {}
        if refused:
            by_reason = defaultdict(list)
            for row in rows:
                if row.pk in refused:
                    by_reason[refused[row.pk]].append(row)
            ledger.mark_skipped(by_reason)
    sent.clear()
    if not rows:
        return True
    if refused:
        for reason, skipped in by_reason.items():
            result.skipped[reason] = result.skipped.get(reason, 0) + len(skipped)
        rows = [row for row in rows if row.pk not in refused]
    for index, row in enumerate(rows):
        try:
            message = build(row)
        except Exception as error:  # a message that cannot be built never will be: no loop
            logger.exception("could not build %s %s for delivery %s", kind.name, row.key, row.pk)
            ledger.mark_failed(row, f"could not build the message: {error}")
            result.failed += 1
            continue
        try:
            outcome = transport.send(message)
        except ConnectFailed as error:
            # No connection: this row and the rest of the chunk wait for the retry, no try used up.
            rest = rows[index:]
            ledger.release_many(rest, error)
            result.retry += [r.pk for r in rest]
            result.error = error
            return False
        if outcome.result == SENT:
            sent.append(row.pk)
            result.sent += 1
        elif outcome.result == UNKNOWN:
            logger.warning("fate unknown: %s %s to %s: %s", kind.name, row.key, row.email, outcome.text)
            ledger.mark_unknown(row, outcome.text)
            result.unknown += 1
        elif outcome.result == PERMANENT:
            ledger.mark_failed(row, outcome.text)
            result.failed += 1
        else:
            assert outcome.result == TEMPORARY
            result.error = outcome.error
            if ledger.release(row, outcome.text):
                result.retry.append(row.pk)
            else:
                result.failed += 1
    return True
