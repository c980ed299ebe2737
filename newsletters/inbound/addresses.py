"""Signed reply addresses: reply+<kind>-<pk>-<user>-<mac>@<REPLY_EMAIL_DOMAIN>.

The address names what the e-mail is about (a target kind and pk, see newsletters/targets.py)
and the member it was sent to; the MAC (HMAC-SHA256 of those, keyed by SECRET_KEY and salted
for this purpose only) proves we minted it. Only lower-case letters, digits and hyphens, so
mail servers that lower-case local parts do not break it. Without REPLY_EMAIL_DOMAIN, e-mails
carry no reply address.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "newsletters.reply-address.v1"
MAC_LENGTH = 24  # hex characters: 96 bits


@dataclass(frozen=True)
class ReplyRef:
    kind: str
    pk: int
    user_id: int

    @property
    def target(self):
        return f"{self.kind}:{self.pk}"


class BadAddress(Exception):
    pass


def _mac(kind, pk, user_id):
    return salted_hmac(SALT, f"{kind}:{pk}:{user_id}", algorithm="sha256").hexdigest()[:MAC_LENGTH]


def domain():
    return getattr(settings, "REPLY_EMAIL_DOMAIN", "")


def prefix():
    return getattr(settings, "REPLY_EMAIL_PREFIX", "reply")


def make_address(target, user_id):
    """The reply address for a notification about `target` ("thread:12") sent to `user_id`."""
    kind, _, pk = target.partition(":")
    if not domain() or not kind.isalpha() or not pk.isdigit():
        return None
    return f"{prefix()}+{kind}-{pk}-{user_id}-{_mac(kind, int(pk), user_id)}@{domain()}"


_PATTERN = re.compile(r"^(?P<kind>[a-z]+)-(?P<pk>\d+)-(?P<user>\d+)-(?P<mac>[0-9a-f]+)$")


def read_address(address) -> ReplyRef:
    """The ReplyRef an address carries; BadAddress if it is not one of ours or was tampered with."""
    local, _, host = (address or "").strip().strip("<>").lower().rpartition("@")
    if not domain() or host != domain().lower():
        raise BadAddress("not our reply domain")
    tag_prefix = prefix().lower() + "+"
    if not local.startswith(tag_prefix):
        raise BadAddress("not a reply address")
    match = _PATTERN.match(local[len(tag_prefix) :])
    if not match:
        raise BadAddress("malformed reply address")
    kind, pk, user_id = match["kind"], int(match["pk"]), int(match["user"])
    if not constant_time_compare(match["mac"], _mac(kind, pk, user_id)):
        raise BadAddress("bad signature")
    return ReplyRef(kind, pk, user_id)
