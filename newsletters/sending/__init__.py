"""The sending engine: every e-mail the platform sends goes through here.

    ledger.py       one Delivery row per (recipient, kind, key) and its states
    engine.py       send_batch(): eligibility, claims, one connection, outcomes
    transport.py    the backend connection and what an SMTP error means
    eligibility.py  the checks made just before sending
    kinds.py        the registry of e-mail kinds (welcome, notification, digest, newsletter, ...)
    stencil.py      one rendering per batch, personalised per recipient by substitution

Guarantees (each has a test in tests/newsletters/test_sending.py):

(a) Eligibility is re-checked for every row just before it is sent, for the whole batch at
    once: the account is active, the address is not suppressed (hard bounce, complaint), the
    daily cap is not reached, and the kind's own rule holds (membership still active, list
    still on, content still visible to that member). A row that fails is marked `skipped`
    with its reason and never sent.
(b) Any error after which the server may have accepted the message (the connection lost or a
    timeout once DATA was under way) marks the row `unknown`: never pending, never resent
    automatically; the issue page and the admin show it. Rows left "sending" by a worker that
    died are unknown too (after NEWSLETTER_UNKNOWN_AFTER seconds).
(c) One SMTP connection per batch: the backend's connection is opened once and every message
    of the batch goes over it (it is reopened only after an error that broke it).
(d) A temporary failure (4xx, connection lost before DATA) puts the row back to pending and
    the batch task retries with jittered exponential backoff (`engine.backoff`); each claim
    counts a try and after EMAIL_MAX_ATTEMPTS (5) the row is `failed`, so a poison message
    never loops. A message that cannot even be built is failed at once.
(e) The broker's visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS in settings) exceeds the
    longest countdown a retry uses (`engine.max_countdown()`, 45 min), so Redis never hands a
    waiting retry to a second worker; a test holds the two numbers together.
(f) Optional e-mail (digests, immediate notifications) is capped per member and UTC day
    (EMAIL_OPTIONAL_DAILY_CAP, 10). Over the cap a notification is skipped ("daily cap") and
    appears in the member's next digest ("Notifications you may have missed") instead.

Only pending rows are ever claimed and only claimed rows are ever sent, each move a
conditional UPDATE: duplicate tasks, retries and restarted workers never send a key twice.

The batch API for other apps (docs/architecture.md, "Sending e-mail"):

    sending.register(sending.Kind("survey.invitation", build=build, check=check))
    sending.fan_out("survey.invitation", f"survey:{survey.pk}", [(user.pk, user.email), ...])

`fan_out` creates the rows in bulk and enqueues one task per BATCH_SIZE rows (call it from a
task or on commit, never inside a request's transaction). A task that already holds
one batch of members: `sending.send_now(kind, key, users, build)`. One message at a time:
`newsletters.delivery.send_once(recipient, kind, key, build)`.
"""

from .engine import BatchResult, backoff, max_countdown, send_batch
from .kinds import Kind, get, register, registered
from .ledger import reserve, reserve_addresses, reserve_many

BATCH_SIZE = 50

__all__ = [
    "BATCH_SIZE",
    "BatchResult",
    "Kind",
    "backoff",
    "enqueue",
    "fan_out",
    "get",
    "max_countdown",
    "register",
    "registered",
    "reserve",
    "reserve_many",
    "send_batch",
    "send_now",
    "send_once",
    "send_to_addresses",
]


class TemporaryFailure(Exception):
    """The message could not be sent now; the row is pending again and the caller may retry."""


def send_once(recipient, kind, key, build_message, *, connection=None):
    """Reserve, check, claim, build and send one message. Returns True if this call sent it.

    `build_message()` returns an EmailMessage; it is only called once the row is claimed and
    eligible, so a duplicate call costs a few queries and renders nothing. A temporary SMTP
    failure puts the row back to pending and re-raises the error, so the calling task retries
    (autoretry_for); after EMAIL_MAX_ATTEMPTS tries the row is failed and nothing is raised.
    Unknown, failed and skipped rows return False and are never sent again.
    """
    row = reserve(recipient, kind, key)
    if row.status != row.Status.PENDING:
        return False
    row.recipient = recipient
    result = send_batch(kind, [row], lambda _row: build_message(), connection=connection)
    if result.retry:
        raise result.error
    return result.sent == 1


def send_now(kind, key, users, build=None, *, connection=None):
    """Reserve the rows of (kind, key) for `users` and send the pending ones now: one batch,
    one connection, eligibility re-checked for all of them at once (call it from a task).

    Returns the BatchResult; `result.retry` lists rows put back to pending by a temporary
    failure: the task retries with `backoff` and the rows count their tries.
    """
    from ..models import Delivery

    by_pk = {user.pk: user for user in users}
    if not by_pk:
        return BatchResult()
    reserve_many(kind, key, [(user.pk, user.email) for user in by_pk.values()])
    rows = list(
        Delivery.objects.filter(
            kind=kind, key=key, recipient_id__in=list(by_pk), status=Delivery.Status.PENDING
        ).order_by("pk")
    )
    for row in rows:
        row.recipient = by_pk[row.recipient_id]  # loaded by the caller: no query per row
    return send_batch(kind, rows, build, connection=connection)


def send_to_addresses(kind, keyed_emails, build=None, *, connection=None):
    """`send_now` for addresses that may have no account (invitations): reserve a row without a
    recipient for each (key, email), unique per address, kind and key, and send the pending
    ones as one batch. Returns the BatchResult (`retry` as for `send_now`)."""
    from ..models import Delivery

    if not keyed_emails:
        return BatchResult()
    reserve_addresses(kind, keyed_emails)
    rows = Delivery.objects.filter(
        kind=kind,
        key__in=[key for key, _ in keyed_emails],
        recipient__isnull=True,
        status=Delivery.Status.PENDING,
    )
    return send_batch(kind, list(rows.order_by("pk")), build, connection=connection)


def enqueue(kind, delivery_ids):
    """One batch task per BATCH_SIZE rows (the task claims each row itself)."""
    from .. import tasks

    ids = list(delivery_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        tasks.send_deliveries.delay(kind, ids[start : start + BATCH_SIZE])
    return (len(ids) + BATCH_SIZE - 1) // BATCH_SIZE


def fan_out(kind, key, recipients):
    """Create the rows of (kind, key) for [(user_id, email)] and enqueue their batches.

    Safe to call twice: existing rows are kept, and only pending ones are enqueued.
    """
    from ..models import Delivery

    reserve_many(kind, key, recipients)
    pending = (
        Delivery.objects.filter(kind=kind, key=key, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return enqueue(kind, pending)
