"""Send each (recipient, kind, key) at most once, whatever retries or restarts happen."""

from django.db.models import F
from django.utils import timezone

from .models import Delivery


class Unclaimed(Exception):
    """Another worker has the row, or it was already sent, failed or is of unknown fate."""


def reserve(recipient, kind, key):
    """Create the delivery row if it is new; return it (a no-op for a key seen before)."""
    delivery, _ = Delivery.objects.get_or_create(
        recipient=recipient, kind=kind, key=key, defaults={"email": recipient.email}
    )
    return delivery


def claim(delivery):
    """Move pending -> sending; only one caller ever wins for a given row."""
    won = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not won:
        raise Unclaimed(delivery.pk)


def mark_sent(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def release_for_retry(delivery, error):
    """The SMTP server refused before accepting the message: it is safe to try again."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, last_error=str(error)[:2000]
    )


def mark_failed(delivery, error):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=str(error)[:2000]
    )


def send_once(recipient, kind, key, build_message):
    """Reserve, claim, build and send one message. Returns True if this call sent it.

    `build_message()` returns an EmailMessage; it is only called once the row is claimed, so
    a duplicate call costs two queries and renders nothing. SMTP errors release the row and
    propagate, so the calling task can retry with backoff.
    """
    delivery = reserve(recipient, kind, key)
    try:
        claim(delivery)
    except Unclaimed:
        return False
    try:
        build_message().send()
    except Exception as error:
        release_for_retry(delivery, error)
        raise
    mark_sent(delivery)
    return True
