"""Eligibility, re-checked for a batch just before it is sent (a constant number of queries).

Common to every kind: the account is still active and its address is not suppressed. For
optional kinds: the member's daily cap. Then the kind's own `check(rows)`. Each refusal is
the reason stored on the skipped row.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from ..models import Delivery, Suppression
from . import kinds

INACTIVE = "account inactive"
SUPPRESSED = "address suppressed"
DAILY_CAP = "daily cap"


def daily_cap():
    """Optional e-mails (digests, immediate notifications) one member gets in a UTC day."""
    return getattr(settings, "EMAIL_OPTIONAL_DAILY_CAP", 10)


def suppressed(emails):
    """The subset of `emails` (any case) on the suppression list: one query."""
    lowered = {email.strip().lower() for email in emails if email}
    if not lowered:
        return set()
    return set(Suppression.objects.filter(email__in=lowered).values_list("email", flat=True))


def sent_today(user_ids, now=None):
    """{user_id: optional e-mails sent to them since midnight UTC}: one query."""
    now = now or timezone.now()
    midnight = datetime.datetime.combine(
        now.astimezone(datetime.UTC).date(), datetime.time(), tzinfo=datetime.UTC
    )
    rows = (
        Delivery.objects.filter(
            recipient_id__in=list(user_ids),
            kind__in=kinds.optional_names(),
            status=Delivery.Status.SENT,
            sent_at__gte=midnight,
        )
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("recipient_id", "n")
    )
    return dict(rows)


def check(kind, rows, now=None):
    """{row.pk: reason} for the rows of `rows` that must not be sent now.

    Rows need `recipient` loaded (select_related) or the row's own `email`.
    """
    refused = {}
    for row in rows:
        user = row.recipient  # None: an address without an account (an invitation)
        if user is not None and not user.is_active:
            refused[row.pk] = INACTIVE
    live = [row for row in rows if row.pk not in refused]
    blocked = suppressed(row.email for row in live)
    for row in live:
        if row.email.strip().lower() in blocked:
            refused[row.pk] = SUPPRESSED
    live = [row for row in live if row.pk not in refused]
    if kind.folds and live:
        counts = Counter(sent_today({row.recipient_id for row in live}, now))
        cap = daily_cap()
        for row in live:
            if counts[row.recipient_id] >= cap:
                refused[row.pk] = DAILY_CAP
            else:
                counts[row.recipient_id] += 1
        live = [row for row in live if row.pk not in refused]
    if kind.check and live:
        refused.update({pk: reason for pk, reason in kind.check(live).items() if reason})
    return refused
