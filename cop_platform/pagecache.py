"""Whole-page caching for signed-out readers of open communities, invalidated on write.

People read far more than they write, and most readers of an open community are not signed in.
A view decorated with `@cache_for_visitors` answers a signed-out visitor from the cache
(two cache reads, no SQL, no template) when it can, and otherwise stores what it rendered if,
and only if, all of these hold:

- the visitor is not signed in, carries no flash message, and the page used no CSRF token
  (a token is tied to one browser: a page holding one is never shared);
- the view said the page may be shared by calling `allow_sharing(request, community)` for an
  open, live community (closed content never enters this cache);
- the answer is a plain 200 HTML page that sets no cookie.

Invalidation: each community has a version number in the cache, part of every key of its
pages. Any save or delete of a row with a `community_id` (posts, threads, memberships,
documents, hot seats, ...) bumps it (`cop_platform.apps` connects the receiver), so the next
visitor gets a fresh page. Entries also expire after PAGE_CACHE_SECONDS, which bounds the age of
anything written without a model save (counters updated in bulk, relative times).

This module imports no app of ours: it sees communities only as (id, slug, is_open).
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

PAGE_CACHE_SECONDS = getattr(settings, "PAGE_CACHE_SECONDS", 120)
_SHARE = "_page_cache_community"


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


def _bump_now(community_id):
    slug = cache.get(_slug_key(community_id))
    if slug is None:
        return  # nothing of this community was cached since the cache was last cleared
    try:
        cache.incr(_version_key(slug))
    except ValueError:
        cache.set(_version_key(slug), time.time_ns(), None)


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


def connect():
    post_save.connect(_receiver, dispatch_uid="pagecache-save")
    post_delete.connect(_receiver, dispatch_uid="pagecache-delete")


def _shareable_request(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A flash message ("You have signed out") belongs to one visitor.
    return not len(get_messages(request))


def _page_key(slug, version, request):
    digest = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"{prefix()}pc:p:{slug}:{version}:{digest}"


def cache_for_visitors(view):
    """Decorate a community page view whose first URL argument is the community slug."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not _shareable_request(request):
            return view(request, slug, *args, **kwargs)
        version = cache.get(_version_key(slug))
        if version is not None:
            hit = cache.get(_page_key(slug, version, request))
            if hit is not None:
                etag, content = hit
                if etag in request.headers.get("If-None-Match", ""):
                    return HttpResponseNotModified(headers={"ETag": etag})
                response = HttpResponse(content)
                response["ETag"] = etag
                response["X-Page-Cache"] = "hit"
                patch_vary_headers(response, ["Cookie"])
                return response
        response = view(request, slug, *args, **kwargs)
        community = getattr(request, _SHARE, None)
        if (
            community is not None
            and community.slug == slug
            and response.status_code == 200
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "csrfmiddlewaretoken" not in response.content.decode(errors="ignore")
            and not request.user.is_authenticated
        ):
            cache.set(_slug_key(community.pk), slug, None)
            if version is None:
                cache.add(_version_key(slug), time.time_ns(), None)
                version = cache.get(_version_key(slug))
            etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
            cache.set(_page_key(slug, version, request), (etag, response.content), PAGE_CACHE_SECONDS)
            response["ETag"] = etag
            response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
