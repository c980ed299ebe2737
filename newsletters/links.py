"""Links in newsletters and digests, counted in aggregate on the way through.

`tracked(url, source)` wraps an absolute link in a signed redirect (`/email/link/<token>/`), so
only links this site wrote can be followed through it (no open redirect). Following one adds 1
to a LinkCount row for (source, url, day): the token names no recipient and the view stores
nothing about the person, so counts can never be traced back to anyone. No tracking pixels.
"""

import datetime
import functools
import re

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cop_platform.emails import absolute_url

from .models import LinkCount

SALT = "newsletters.links"
HREF = re.compile(r'href="(https?://[^"]+)"')
TEXT_URL = re.compile(r"(?<![\w/\"])(https?://[^\s<>\")\]]+)")


def tracked(url, source):
    return absolute_url(_link_pattern().replace("TOKEN", _token(url, source)))


@functools.lru_cache(maxsize=4096)
def _token(url, source):
    # Cached: every batch of an issue wraps the same links, and the tokens never expire.
    return signing.dumps({"u": url, "s": source}, salt=SALT, compress=True)


@functools.cache
def _link_pattern():
    return reverse("newsletters:link", args=["TOKEN"])


def read(token):
    """(url, source) from a token, or None if it was not made here."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    url, source = data.get("u"), data.get("s")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or not isinstance(source, str):
        return None
    return url, source


def track_html(html, source):
    """Every absolute link in `html` (already sanitised) goes through the counter."""
    return HREF.sub(lambda m: f'href="{tracked(_unescape(m.group(1)), source)}"', html)


def track_text(text, source):
    return TEXT_URL.sub(lambda m: tracked(m.group(1), source), text)


def _unescape(url):
    return url.replace("&amp;", "&")


def count(kind, source, url=""):
    """Add one to today's aggregate row; does nothing when counting is switched off."""
    if not settings.NEWSLETTER_COUNT_CLICKS:
        return
    day = timezone.localdate(timezone=datetime.UTC)
    updated = LinkCount.objects.filter(kind=kind, source=source, url=url[:500], day=day).update(
        count=F("count") + 1
    )
    if updated:
        return
    try:
        with transaction.atomic():
            LinkCount.objects.create(kind=kind, source=source, url=url[:500], day=day, count=1)
    except IntegrityError:  # another request created it first
        LinkCount.objects.filter(kind=kind, source=source, url=url[:500], day=day).update(
            count=F("count") + 1
        )
