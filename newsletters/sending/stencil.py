"""One rendering per batch, personalised per recipient by substitution.

A bulk message that reads the same for every member but for whom it is addressed to and the
member's own unsubscribe link (a newsletter issue) is rendered once per batch with markers in
those places: templates, CSS inlining, link tracking and MIME serialisation run once, and each
member's message is the stencil with their address, their token and a fresh Message-ID put in
by plain substitution.

Why it is safe:
- Each message is made from the stencil, never from another member's message, and the
  stencil holds no member's data: a member's token can only ever reach that member.
- The markers are random per stencil. A stencil whose output mentions them anywhere but as
  the whole markers, or whose template reads anything of the recipient (`recipient.name`, ...),
  is not used: every message is then rendered in full, as `build` does for one.
- The serialised bytes are reused only where substitution gives exactly the bytes a full
  serialisation would: ASCII values matching the plain forms below, bodies written verbatim
  (7bit/8bit, not quoted-printable or base64), lines within RFC 5322's limit. Otherwise the
  backend serialises the message itself.
"""

import re
import secrets
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT

from cop_platform.emails import message_domain

# What Django's sanitize_address and the MIME generator write unchanged.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\Z")
PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_:.-]+\Z")  # django.core.signing output
VERBATIM = (b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: 8bit")
CRLF = b"\r\n"
# The generator folds a header longer than 78 characters; well clear of that on both sides the
# stencil's header and the member's fold alike.
FOLD_LOW, FOLD_HIGH = 72, 84


class Personal(Exception):
    """The template read something of the recipient: one rendering cannot serve everyone."""


class Anyone:
    """Stands for the recipient while a stencil renders: reading anything of it fails."""

    def __getattr__(self, name):
        raise Personal(name)

    def __getitem__(self, key):
        raise Personal(key)

    def __str__(self):
        raise Personal("str")

    def __bool__(self):
        raise Personal("bool")


class Stencil:
    """`build(to, token, recipient) -> EmailMultiAlternatives` renders one message; `token_of(
    recipient)` is the recipient's own token (in their unsubscribe link)."""

    def __init__(self, build, token_of):
        self.build = build
        self.token_of = token_of
        self.id = secrets.token_hex(8)
        self.to_marker = f"r{self.id}@stencil.invalid"
        # As long as real tokens (80 to 100 characters), so the header holding it folds alike.
        self.token_marker = f"t{self.id}".ljust(96, "0")
        self.sample = self._render()
        self.raw = self._serialise() if self.sample is not None else None

    @property
    def shared(self):
        """True when one rendering serves every recipient (False: each is rendered in full)."""
        return self.sample is not None

    def _render(self):
        try:
            sample = self.build(self.to_marker, self.token_marker, Anyone())
        except Personal:
            return None
        if sample.attachments or sample.to != [self.to_marker]:
            return None
        texts = [sample.subject, sample.body, *(alt[0] for alt in sample.alternatives)]
        texts += [str(value) for value in sample.extra_headers.values()]
        texts += [*sample.cc, *sample.bcc, *sample.reply_to, sample.from_email]
        for text in texts:
            if not isinstance(text, str):
                return None
            markers = text.count(self.to_marker) + text.count(self.token_marker)
            if text.count(self.id) != markers:
                return None  # a marker was escaped, cut or otherwise transformed
        return sample

    def _serialise(self):
        """The sample's bytes as the SMTP backend sends them, if substitution keeps them exact."""
        raw = self.sample.message().as_bytes(linesep="\r\n")
        ident = self.id.encode()
        to_marker, token_marker = self.to_marker.encode(), self.token_marker.encode()
        self.msgid = self.sample.extra_headers.get("Message-ID", "").encode()
        if not self.msgid or raw.count(self.msgid) != 1:
            return None
        if raw.count(ident) != raw.count(to_marker) + raw.count(token_marker):
            return None
        if raw.count(to_marker) != 1:  # the To header and nowhere else
            return None
        if raw.count(b"Content-Transfer-Encoding:") != raw.count(VERBATIM[0]) + raw.count(VERBATIM[1]):
            return None
        head, _, body = raw.partition(CRLF + CRLF)
        # A header longer than a line is folded: each personal header must fold the same way
        # with the real values, so remember its unfolded length and what it holds.
        self.headers = []
        for header in re.split(rb"\r\n(?![ \t])", head):
            if ident in header or self.msgid in header:
                length = len(re.sub(rb"\r\n[ \t]+", b" ", header))
                counts = (header.count(to_marker), header.count(token_marker), header.count(self.msgid))
                self.headers.append((length, counts))
        marked = [line for line in body.split(CRLF) if ident in line] or [b""]
        self.slack = RFC5322_EMAIL_LINE_LENGTH_LIMIT - max(len(line) for line in marked)
        self.per_line = max(line.count(ident) for line in marked)
        return raw

    def message_for(self, recipient, token=None):
        """`recipient`'s message: the stencil with their address and token, or rendered in full."""
        token = token if token is not None else self.token_of(recipient)
        if self.sample is None:
            return self.build(recipient.email, token, recipient)
        to = recipient.email

        def fill(text):
            return text.replace(self.to_marker, to).replace(self.token_marker, token)

        sample = self.sample
        msgid = make_msgid(domain=message_domain())
        headers = {name: fill(str(value)) for name, value in sample.extra_headers.items()}
        if "Message-ID" in headers:
            headers["Message-ID"] = msgid
        message = Prepared(
            subject=fill(sample.subject),
            body=fill(sample.body),
            from_email=sample.from_email,
            to=[to],
            cc=list(sample.cc),
            bcc=list(sample.bcc),
            reply_to=[fill(address) for address in sample.reply_to],
            headers=headers,
            alternatives=[(fill(content), mimetype) for content, mimetype in sample.alternatives],
        )
        message.encoding = sample.encoding
        message.raw = self._raw_for(to, token, msgid)
        return message

    def _raw_for(self, to, token, msgid):
        if self.raw is None or not PLAIN_ADDRESS.match(to) or not PLAIN_TOKEN.match(token):
            return None
        if not msgid.isascii():
            return None
        grow = (
            len(to) - len(self.to_marker),
            len(token) - len(self.token_marker),
            len(msgid) - len(self.msgid),
        )
        if max(*grow[:2], 0) * self.per_line > self.slack:
            return None
        for length, counts in self.headers:
            new = length + sum(n * g for n, g in zip(counts, grow, strict=True))
            if not (length < FOLD_LOW and new < FOLD_LOW or length > FOLD_HIGH and new > FOLD_HIGH):
                return None  # near the folding width, or folded differently: serialise in full
        return (
            self.raw.replace(self.to_marker.encode(), to.encode())
            .replace(self.token_marker.encode(), token.encode())
            .replace(self.msgid, msgid.encode())
        )


class Prepared(EmailMultiAlternatives):
    """A message made from a stencil; `raw` holds its bytes already serialised, when they can be."""

    raw = None

    def message(self):
        if self.raw is None:
            return super().message()
        return Serialised(self.raw, super().message)


class Serialised:
    """What `EmailMessage.message()` returns, with the SMTP backend's serialisation done already.

    Anything else asked of it (another line ending, a header) builds the full MIME message."""

    def __init__(self, raw, full):
        self.raw = raw
        self._full = full
        self._message = None

    def as_bytes(self, unixfrom=False, linesep="\n"):
        if linesep == "\r\n" and not unixfrom:
            return self.raw
        return self.full().as_bytes(unixfrom=unixfrom, linesep=linesep)

    def full(self):
        if self._message is None:
            self._message = self._full()
        return self._message

    def __getattr__(self, name):
        return getattr(self.full(), name)
