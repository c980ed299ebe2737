"""What every page shows one signed-in member about themselves, cached per member.

The frame of every page (header and sidebar) shows the member's unread notifications, unread
conversations, a bounce banner and their communities: two queries on every page, for values
that change far less often than members read. Such a value is kept under a key made of the
member's id and the member's **version**, so

- a value is never shared: the key names the member (and `name` says what the value is);
- `changed(user_id, ...)` makes every cached value of those members stale at once (now, and
  again when the transaction commits, so that no request caches the old state in between).
  Saves and deletes of the rows below call it by themselves (`connect()`); code that writes them
  in bulk (`bulk_create`, `QuerySet.update`) calls it with the members it touched: notifications
  (`newsletters`), conversation participants (`communities.messaging`), memberships.
- values about communities also carry the site-wide `COMMUNITIES` version, bumped by any save
  of a community (a renamed or archived community in everyone's sidebar).

Entries expire after MEMBER_STATE_SECONDS, which bounds the age of anything written without
telling (an admin bulk action).

Values are registered by the app that owns them (`register(name, compute)`, from `ready()`) and
read with `get(user, name)`: every registered value comes in the same two cache reads.

This module imports no app of ours: it sees rows only through their `user_id`-like fields.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

MEMBER_STATE_SECONDS = getattr(settings, "MEMBER_STATE_SECONDS", 120)
COMMUNITIES = "communities"

# model label -> the field naming the member whose frame it changes
MEMBER_FIELDS = {
    "newsletters.Notification": "recipient_id",
    "communities.Participant": "user_id",
    "communities.Membership": "user_id",
    "accounts.User": "id",  # a changed address may end or start the bounce banner
}


def _prefix():
    return getattr(settings, "PAGE_CACHE_PREFIX", "")


def _version_key(scope):
    return f"{_prefix()}ms:v:{scope}"


def _bump_now(scopes):
    for scope in scopes:
        try:
            cache.incr(_version_key(scope))
        except ValueError:
            pass  # no version yet: nothing of this scope was cached


def _bump(scopes):
    scopes = list(scopes)
    if not scopes:
        return
    _bump_now(scopes)
    transaction.on_commit(lambda: _bump_now(scopes))


def changed(*user_ids):
    """These members' cached state (unread counts, communities, ...) is out of date."""
    _bump({f"u{pk}" for pk in user_ids if pk is not None})


def communities_changed():
    """A community's name, visibility or status changed: every member's list of them is stale."""
    _bump([COMMUNITIES])


def version_keys(user):
    """The cache keys of the versions that date everything cached for `user` (page cache keys
    include their values)."""
    return [_version_key(f"u{user.pk}"), _version_key(COMMUNITIES)]


def _versions(keys):
    found = cache.get_many(keys)
    missing = {key: time.time_ns() for key in keys if key not in found}
    for key, value in missing.items():
        cache.add(key, value, None)
    if missing:
        found.update(cache.get_many(list(missing)))
    return found


_registry = {}


def register(name, compute, *, communities=False):
    """A value shown on every page for the signed-in member: `compute(user)`, cached until
    `changed(user.pk)` (and, with `communities=True`, until any community changes)."""
    _registry[name] = (compute, communities)


def track(label, field):
    """Saves and deletes of model `label` ("app.Model") change the frame of the member named by
    its `field` (a value registered here is computed from such rows)."""
    MEMBER_FIELDS[label] = field


def _key(user, name, versions):
    communities = _registry[name][1]
    parts = (name, versions[0], versions[1] if communities else 0)
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{_prefix()}ms:d:{user.pk}:{digest}"


def _loaded(user):
    """This request's versions and cached values for `user`: two cache round trips for every
    registered value, kept on the user object (which lives for one request)."""
    memo = user.__dict__.get("_memberstate")
    if memo is None:
        scopes = version_keys(user)
        found = _versions(scopes)
        versions = (found.get(scopes[0]), found.get(scopes[1]))
        keys = {name: _key(user, name, versions) for name in _registry}
        found = cache.get_many(list(keys.values()))
        memo = user.__dict__["_memberstate"] = {
            "versions": versions,
            "values": {name: found.get(key) for name, key in keys.items()},
        }
    return memo


def get(user, name):
    """The registered value `name` for the signed-in `user`, from the cache when it can."""
    memo = _loaded(user)
    found = memo["values"].get(name)
    if found is None:
        found = (_registry[name][0](user),)
        cache.set(_key(user, name, memo["versions"]), found, MEMBER_STATE_SECONDS)
        memo["values"][name] = found
    return found[0]


def _receiver(sender, instance, **kwargs):
    label = sender._meta.label
    if label == "communities.Community":
        communities_changed()
        return
    field = MEMBER_FIELDS.get(label)
    if field is not None:
        changed(getattr(instance, field, None))


def connect():
    post_save.connect(_receiver, dispatch_uid="memberstate-save")
    post_delete.connect(_receiver, dispatch_uid="memberstate-delete")
