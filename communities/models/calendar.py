"""Calendar reminders: a member asked to be reminded of one entry (a hot seat, ...)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .community import Community


class EventFollow(models.Model):
    """ "Remind me the day before" on a calendar entry of another app, named by kind and pk.

    Meetings need no row: saying you will (or might) come is asking for the reminder.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    object_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="one_follow_per_event")
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.user_id} follows {self.kind} {self.object_id}"
