"""Writing and reading the activity log (see shared/DESIGN.md, "The activity log")."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from cop_platform import pagecache

from . import events
from .models import Activity, Community, Presence


def record(community, actor, verb, summary, *, url="", target=None):
    """Append one row to the log and move the community's "last activity" forward.

    `verb` must be registered (communities/events.py); an unknown one raises UnknownVerb.
    """
    events.describe(verb)
    now = timezone.now()
    activity = Activity.objects.create(
        community=community,
        actor=actor,
        verb=verb,
        summary=summary[:300],
        url=url,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        created_at=now,
    )
    Community.objects.filter(pk=community.pk).update(last_activity_at=now)
    return activity


def recent(community, limit=10):
    return Activity.objects.current().filter(community=community).select_related("actor")[:limit]


def withdraw(target):
    """Hide the log rows about `target` (hidden or deleted content) from feeds and digests."""
    Activity.objects.filter(
        target_type=target._meta.label_lower, target_id=target.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def restore(target):
    Activity.objects.filter(target_type=target._meta.label_lower, target_id=target.pk).update(
        withdrawn_at=None
    )


def note_presence(request, community):
    """Record that a signed-in member looked at a community today, at most once a day.

    The "already noted today" mark lives in the cache, not the session (which would then be
    written back to the database: three queries), and the row is one INSERT that ignores a
    duplicate, so the first page of the day costs one query and the others none."""
    user = request.user
    if not user.is_authenticated:
        return
    today = timezone.localdate(timezone=datetime.UTC)
    key = f"{pagecache.prefix()}presence:{user.pk}:{community.pk}:{today.isoformat()}"
    if not cache.add(key, 1, 26 * 3600):
        return
    # bulk_create(ignore_conflicts=True) says the same in three statements (BEGIN, INSERT, COMMIT).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Presence._meta.db_table} (community_id, user_id, day) VALUES (%s, %s, %s) "  # noqa: S608 - our table name
            "ON CONFLICT DO NOTHING",
            [community.pk, user.pk, today.isoformat()],
        )
