"""Send each (recipient, kind, key) at most once, whatever retries or restarts happen.

Kept for the code that sends one message at a time; everything here runs on the sending
engine (newsletters/sending/), whose guarantees apply: eligibility re-checked, unknown after
DATA, retries capped.
"""

from .models import Delivery
from .sending import ledger, reserve, send_once

__all__ = ["Unclaimed", "claim", "mark_failed", "mark_sent", "reserve", "send_once"]


class Unclaimed(Exception):
    """Another worker has the row, or it was already sent, failed or is of unknown fate."""


def claim(delivery):
    """Move pending -> sending; only one caller ever wins for a given row."""
    if not ledger.claim(delivery):
        raise Unclaimed(delivery.pk)


def mark_sent(delivery):
    ledger.mark_sent([delivery.pk])


def mark_failed(delivery, error):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=str(error)[:2000]
    )
