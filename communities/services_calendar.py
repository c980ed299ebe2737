"""Writes of the calendar: "remind me the day before" on an entry."""

from django.db import IntegrityError, transaction

from .models import EventFollow
from .services import CommunityError


def follow_event(access, kind, object_id):
    """Ask for a reminder of one entry (kind, pk) of access.community; idempotent."""
    if not access.can_follow_events:
        raise CommunityError("Only members can ask for reminders.")
    try:
        with transaction.atomic():
            EventFollow.objects.get_or_create(
                user=access.user, kind=kind, object_id=object_id, defaults={"community": access.community}
            )
    except IntegrityError:
        pass  # the same click twice at once: the first one is enough


def unfollow_event(user, community, kind, object_id):
    EventFollow.objects.filter(user=user, community=community, kind=kind, object_id=object_id).delete()
