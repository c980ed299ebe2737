"""One backend connection per batch, and what an error means for the message in hand.

`Transport` opens the e-mail backend's connection once and sends every message of a batch
over it (one TLS and login handshake per batch, not per message). It watches the SMTP
conversation: once the DATA command has been issued, a lost connection or a timeout may come
after the server accepted the message, so the outcome is UNKNOWN (never retried). Before
DATA, a lost connection is TEMPORARY (safe to retry); a reply from the server decides by its
code: 5xx PERMANENT, 4xx TEMPORARY. The connection is reopened after any error that may have
broken it.
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

logger = logging.getLogger(__name__)

SENT = "sent"
PERMANENT = "permanent"
TEMPORARY = "temporary"
UNKNOWN = "unknown"


@dataclass
class Outcome:
    result: str
    error: BaseException | None = None

    @property
    def text(self):
        return f"{type(self.error).__name__}: {self.error}"[:2000] if self.error else ""


def classify(error, in_data):
    """What `error` means for the message: PERMANENT, TEMPORARY or UNKNOWN."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return PERMANENT if codes and all(code >= 500 for code in codes) else TEMPORARY
    if isinstance(error, smtplib.SMTPResponseException):
        # The server answered (also to DATA or to the final "."): it did not take the message.
        return PERMANENT if error.smtp_code >= 500 else TEMPORARY
    if in_data:
        # Lost connection, timeout or anything else once DATA was under way: the server may
        # have queued the message before we heard its reply.
        return UNKNOWN
    return TEMPORARY


class ConnectFailed(OSError):
    """The backend could not open a connection: nothing of the batch can be sent now."""


class Transport:
    """Send a batch's messages over one backend connection; counts the connections it opened."""

    def __init__(self, backend=None):
        self.backend = backend or get_connection()
        self.connections = 0
        self.in_data = False
        self._open = False
        self._senders = {}

    def _watch(self, smtp):
        transport = self
        original = smtp.data

        def data(msg):
            transport.in_data = True
            return original(msg)

        smtp.data = data  # smtplib.SMTP.sendmail calls self.data(): the instance attribute wins

    def open(self):
        if self._open:
            return
        try:
            if hasattr(self.backend, "open"):
                self.backend.open()
        except Exception as error:
            self._reset()
            raise ConnectFailed(str(error)) from error
        self._open = True
        self.connections += 1
        smtp = getattr(self.backend, "connection", None)
        if isinstance(smtp, smtplib.SMTP):
            self._watch(smtp)

    def send(self, message) -> Outcome:
        """Send one message; ConnectFailed if no connection could be opened."""
        self.open()
        self.in_data = False
        message.connection = self.backend
        try:
            self._deliver(message)
        except Exception as error:
            result = classify(error, self.in_data)
            if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused) or (
                isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421
            ):
                self._reset()  # the conversation may be broken: the next message reconnects
            return Outcome(result, error)
        return Outcome(SENT)

    def _deliver(self, message):
        """Hand one message to the backend, or straight to its SMTP connection when the message
        already holds its bytes (made from a stencil, for one plain address): what Django's
        SMTP backend would send, without parsing both addresses again for every message."""
        raw = getattr(message, "raw", None)
        smtp = getattr(self.backend, "connection", None)
        recipients = message.recipients()
        if (
            raw is None
            or len(recipients) != 1
            or not isinstance(smtp, smtplib.SMTP)
            or getattr(type(self.backend), "_send", None) is not SMTPBackend._send  # plain Django SMTP only
        ):
            self.backend.send_messages([message])
            return
        sender = self._senders.get(message.from_email)
        if sender is None:
            encoding = message.encoding or settings.DEFAULT_CHARSET
            sender = self._senders[message.from_email] = sanitize_address(message.from_email, encoding)
        smtp.sendmail(sender, recipients, raw)

    def _reset(self):
        try:
            self.backend.close()
        except Exception:  # noqa: S110 - closing a connection that is already gone
            pass
        if hasattr(self.backend, "connection"):
            self.backend.connection = None
        self._open = False

    def close(self):
        if self._open:
            self._reset()
