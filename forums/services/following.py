"""Watching threads and communities, and read markers.

Who is told of what is newsletters' job (newsletters/sources/forums/receivers.py), through communities.policy.readers_of."""

from django.db import IntegrityError, transaction

from cop_platform import memberstate

from .. import signals
from ..models import (
    CommunityWatch,
    ReadState,
    Thread,
    ThreadWatch,
)


def set_thread_watch(user, thread, watch):
    if watch:
        ThreadWatch.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadWatch.objects.filter(thread=thread, user=user).delete()


def set_community_watch(user, community, watch):
    if watch:
        CommunityWatch.objects.get_or_create(community=community, user=user)
    else:
        CommunityWatch.objects.filter(community=community, user=user).delete()


def mark_read(user, thread, number, current=None):
    """Move the member's read marker forward to post `number` (never backwards)."""
    if not user.is_authenticated or (current is not None and current >= number):
        return
    updated = ReadState.objects.filter(thread=thread, user=user, last_read__lt=number).update(
        last_read=number
    )
    if not updated and current is None:
        try:
            with transaction.atomic():
                ReadState.objects.create(thread=thread, user=user, last_read=number)
                updated = 1
        except IntegrityError:
            pass
    if updated:
        memberstate.changed(user.pk)  # an UPDATE sends no signal: the member's pages show the marks
        # Only when something new was read: the notifications about it are cleared (newsletters).
        signals.thread_read.send(sender=Thread, user=user, thread=thread, number=number)
