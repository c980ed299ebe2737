"""Inbound mail: bounces, complaints and replies, through one entry point.

Two doors lead here, and both call `receive(message)`:
- `manage.py receive_email` reads one RFC 5322 message on stdin (a Postfix pipe, for a
  self-hosted mail server: bounces to the envelope sender and replies to reply+...@ addresses);
- django-anymail's Postmark webhooks (/anymail/postmark/tracking/ and /anymail/postmark/inbound/,
  authenticated with ANYMAIL_WEBHOOK_SECRET): tracking events for bounces and complaints go to
  `suppress(...)` directly; inbound messages to `receive(...)`.

What happens:
- a delivery status notification (DSN) is parsed with flufl.bounce; permanent failures put the
  address on the suppression list (transient ones are ignored: the engine retries);
- an abuse report (ARF, RFC 5965) suppresses the complaining address;
- a reply to a signed reply address (inbound/addresses.py) is handled by inbound/replies.py.
The member whose address is suppressed sees a notice on every page asking them to fix it.
"""

import email
import email.policy
import email.utils
import logging

from flufl.bounce import all_failures

from ..models import Suppression
from . import replies
from .addresses import BadAddress, read_address

logger = logging.getLogger(__name__)


def suppress(address, reason, *, source, detail=""):
    """Put `address` on the suppression list (idempotent); returns the Suppression row."""
    address = email.utils.parseaddr(str(address or ""))[1].strip().lower()
    if not address or "@" not in address:
        return None
    row, created = Suppression.objects.get_or_create(
        email=address, defaults={"reason": reason, "source": source, "detail": detail[:2000]}
    )
    if not created and reason == Suppression.Reason.COMPLAINT and row.reason != reason:
        row.reason, row.detail = reason, detail[:2000]
        row.save(update_fields=["reason", "detail"])
    logger.info("suppressed %s (%s, %s)", address, reason, source)
    return row


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _report_type(message):
    if message.get_content_type() != "multipart/report":
        return ""
    return (message.get_param("report-type") or "").lower()


def _complainant(message):
    """The address an ARF abuse report is about (our recipient who clicked "spam")."""
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [part]
            for block in blocks:
                for header in ("Original-Rcpt-To", "Original-Mail-From"):
                    value = block.get(header) if hasattr(block, "get") else None
                    if value and header == "Original-Rcpt-To":
                        return str(value)
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if hasattr(inner, "get") and inner.get("To"):
                return email.utils.parseaddr(str(inner.get("To")))[1]
    return ""


def recipients_of(message, envelope_recipient=None):
    """Every address the message was delivered to, the envelope's first."""
    found = [envelope_recipient] if envelope_recipient else []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for value in message.get_all(header, []):
            found += [address for _, address in email.utils.getaddresses([str(value)])]
    return [address for address in found if address]


def receive(message, *, envelope_recipient=None, source="pipe"):
    """Handle one inbound message; returns what it was ("bounce", "complaint", "reply", "ignored")."""
    report = _report_type(message)
    if report == "feedback-report":
        address = _complainant(message)
        if address:
            suppress(address, Suppression.Reason.COMPLAINT, source=source, detail="abuse report (ARF)")
            return "complaint"
        return "ignored"
    temporary, permanent = all_failures(message)
    if permanent or temporary or report == "delivery-status":
        for address in permanent:
            suppress(
                address.decode(errors="replace"),
                Suppression.Reason.BOUNCE,
                source=source,
                detail="DSN: permanent failure",
            )
        return "bounce"
    for address in recipients_of(message, envelope_recipient):
        try:
            ref = read_address(address)
        except BadAddress:
            continue
        replies.handle(ref, message)
        return "reply"
    return "ignored"
