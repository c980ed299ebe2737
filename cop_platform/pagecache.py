"""Whole-page caching of community pages, invalidated on write: shared for signed-out readers
of open communities, and each signed-in member's own for that member alone.

People read far more than they write, and they come back to the same pages (the community home
and the thread list between every thread they read). A view decorated with `@cached_page` is
answered from the cache when it can (a few cache reads, no template):

**Signed-out visitors** share one copy of a page, stored if, and only if, all of these hold:

- the visitor is not signed in, carries no flash message, and the page used no CSRF token
  (a token is tied to one browser: a page holding one is never shared);
- the view said the page may be shared by calling `allow_sharing(request, community)` for an
  open, live community (closed content never enters this cache);
- the answer is a plain 200 HTML page that sets no cookie.

**A signed-in member** gets back the page as it was rendered for them, under a key made of
their id, the community's version, their own version (`cop_platform.memberstate`: anything that
changes what they see of themselves, from a notification to their own reaction or read mark),
the site-wide communities version, the page's address, the language and the day. No other
member's request can produce that key, so a page is never served to anyone but the member it
was rendered for. Its CSRF tokens are stored as a secret placeholder and each answer carries a
fresh token of the requesting browser. Nothing is stored when the page carried a flash message.
The versions are read *before* the view runs: anything written while it renders (the read mark
it moves forward) bumps a version, so that copy is never served and the next view renders again.

Invalidation: each community has a version number in the cache, part of every key of its
pages. Any save or delete of a row with a `community_id` (posts, threads, memberships,
documents, hot seats, ...) bumps it (`cop_platform.apps` connects the receiver), so the next
reader gets a fresh page. Entries also expire after PAGE_CACHE_SECONDS, which bounds the age of
anything written without a model save (counters updated in bulk, relative times).

This module imports no app of ours: it sees communities only as (id, slug, is_open).
"""

import functools
import hashlib
import hmac
import re
import time
import zlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from . import memberstate

PAGE_CACHE_SECONDS = getattr(settings, "PAGE_CACHE_SECONDS", 120)
_SHARE = "_page_cache_community"
# Stands for the viewer's CSRF token in cached HTML: a value no member can guess, and so cannot
# plant in a post to have someone else's token written into it. (The post fragments' own
# placeholder before pages shared it: fragments cached before an upgrade stay good.)
CSRF_PLACEHOLDER = hmac.new(settings.SECRET_KEY.encode(), b"post-fragment-csrf", hashlib.sha256).hexdigest()
# What `{% csrf_token %}` renders: the only place a token appears in our pages.
_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')


def prefix():
    """Keys start with settings.PAGE_CACHE_PREFIX (tests give each test its own)."""
    return getattr(settings, "PAGE_CACHE_PREFIX", "")


def _version_key(slug):
    return f"{prefix()}pc:v:{slug}"


def _slug_key(community_id):
    return f"{prefix()}pc:slug:{community_id}"


def allow_sharing(request, community):
    """Called by a view: this page shows nothing but `community`'s public content (or nothing
    closed), so it may be served to every signed-out visitor."""
    if community.is_open and community.is_live:
        setattr(request, _SHARE, community)


def _bump_slug(slug):
    try:
        cache.incr(_version_key(slug))
    except ValueError:
        pass  # no version: nothing of it is cached (or there is no such community)


def _bump_now(community_id):
    slug = cache.get(_slug_key(community_id))
    if slug is not None:  # else nothing of this community was cached since the cache was cleared
        _bump_slug(slug)


def bump(community_id):
    """Forget every cached page and value of this community: now, and again once the transaction
    commits (so that no reader caches the old state again in between)."""
    _bump_now(community_id)
    transaction.on_commit(lambda: _bump_now(community_id))


def version_of(community):
    """The community's current cache version (made on first use)."""
    version = cache.get(_version_key(community.slug))
    if version is None:
        cache.set(_slug_key(community.pk), community.slug, None)
        cache.add(_version_key(community.slug), time.time_ns(), None)
        version = cache.get(_version_key(community.slug))
    return version


def community_cached(community, name, compute, seconds=None):
    """`compute()`, cached until anything in `community` changes (or PAGE_CACHE_SECONDS pass).

    For what every viewer of the community sees alike (counts, facilitators, the recent threads):
    `name` must include every viewer property the value depends on.
    """
    digest = hashlib.md5(repr(name).encode(), usedforsecurity=False).hexdigest()
    key = f"{prefix()}pc:d:{community.slug}:{version_of(community)}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(key, (value,), seconds or PAGE_CACHE_SECONDS)
    return value


# Rows with a community that no cached page or value shows: saving them changes nothing.
IGNORED = {"communities.Presence"}


def _receiver(sender, instance, **kwargs):
    if sender._meta.label in IGNORED:
        return
    community_id = getattr(instance, "community_id", None)
    if community_id is None and sender._meta.label == "communities.Community":
        community_id = instance.pk
    if community_id is not None:
        bump(community_id)


class WritesDatePagesMiddleware:
    """A write request dates the pages of its author and of the community it was made in.

    Saves bump versions by themselves (the receivers above), but services also write with
    `QuerySet.update()` (counters, approvals, read marks), which sends no signal: this catches
    every such write a signed-in member makes through the site, once it has committed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Refused requests (a bad CSRF token, a rate limit, no access: 4xx) wrote nothing, and
        # must not let anyone empty a community's cache at will.
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and request.user.is_authenticated
        ):
            memberstate.changed(request.user.pk)
            slug = getattr(request.resolver_match, "kwargs", {}).get("slug")
            if isinstance(slug, str):
                _bump_slug(slug)
        return response


def connect():
    post_save.connect(_receiver, dispatch_uid="pagecache-save")
    post_delete.connect(_receiver, dispatch_uid="pagecache-delete")


def _has_flash_message(request):
    # A flash message ("You have signed out") belongs to one page view of one visitor.
    return bool(len(get_messages(request)))


def _page_key(slug, version, request):
    digest = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"{prefix()}pc:p:{slug}:{version}:{digest}"


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )


def _from_cache(request, etag, content, source):
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(content)
    response["ETag"] = etag
    response["X-Page-Cache"] = source
    return response


def _etag(content):
    return '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'


def _visitor_page(view, request, slug, *args, **kwargs):
    version = cache.get(_version_key(slug))
    if version is not None:
        hit = cache.get(_page_key(slug, version, request))
        if hit is not None:
            return _from_cache(request, *hit, "hit")
    response = view(request, slug, *args, **kwargs)
    community = getattr(request, _SHARE, None)
    if (
        community is not None
        and community.slug == slug
        and _cacheable_response(response)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "csrfmiddlewaretoken" not in response.content.decode(errors="ignore")
        and not request.user.is_authenticated
    ):
        cache.set(_slug_key(community.pk), slug, None)
        if version is None:
            cache.add(_version_key(slug), time.time_ns(), None)
            version = cache.get(_version_key(slug))
        etag = _etag(response.content)
        cache.set(_page_key(slug, version, request), (etag, response.content), PAGE_CACHE_SECONDS)
        response["ETag"] = etag
        response["X-Page-Cache"] = "miss"
    return response


_standing = [None]  # no member pages are kept until the policy gives its reader


def use_standing(read):
    """`read(user, slug)`: what decides this member's access to the community (the policy's
    `viewer_standing`), read fresh for every cached answer and part of its key."""
    _standing[0] = read


def _member_page_key(request, slug):
    """The member's key for this page, or None when a version is not known yet (the page is
    rendered and not kept; rendering it makes the versions, so the next view can be)."""
    user = request.user
    scopes = [_version_key(slug), *memberstate.version_keys(user)]
    versions = cache.get_many(scopes)
    if len(versions) < len(scopes):
        return None
    shown = (
        user.pk, slug, [versions[scope] for scope in scopes], _standing[0](user, slug), request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""), request.headers.get("HX-Request", ""),
        # Relative dates ("yesterday") and the once-a-day presence mark: a new day, a new page.
        timezone.now().date().isoformat(),
    )  # fmt: skip
    digest = hashlib.md5(repr(shown).encode(), usedforsecurity=False).hexdigest()
    return f"{prefix()}pc:m:{user.pk}:{digest}"


def _member_page(view, request, slug, *args, **kwargs):
    seconds = getattr(settings, "MEMBER_PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS)
    key = _member_page_key(request, slug) if (seconds and _standing[0]) else None
    if key is not None:
        hit = cache.get(key)
        if hit is not None:
            etag, packed = hit
            content = zlib.decompress(packed).decode()
            if CSRF_PLACEHOLDER in content:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request))
            return _from_cache(request, etag, content, "member-hit")
    response = view(request, slug, *args, **kwargs)
    if key is not None and _cacheable_response(response):
        stored = _CSRF_FIELD.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode())
        etag = _etag(stored.encode())
        cache.set(key, (etag, zlib.compress(stored.encode(), 1)), seconds)
        response["ETag"] = etag
        response["X-Page-Cache"] = "member-miss"
    return response


def cached_page(view=None, *, params=()):
    """Decorate a community page view whose first URL argument is the community slug.

    `params`: the query parameters the view reads. A request with any other is answered
    without the cache, neither served nor kept: made-up parameters cannot fill the cache with
    copies of one page."""

    def decorate(view):
        known = frozenset(params)

        @functools.wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or not known.issuperset(request.GET)
                or _has_flash_message(request)
            ):
                response = view(request, slug, *args, **kwargs)
            elif request.user.is_authenticated:
                response = _member_page(view, request, slug, *args, **kwargs)
            else:
                response = _visitor_page(view, request, slug, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
