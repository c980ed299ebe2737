"""Guests at events: people who are not members, let into one meeting by an invitation."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .meetings import Meeting


class MeetingGuest(models.Model):
    """A non-member invited to one meeting: they may read its page and notes and say if they
    come, and nothing else of the community (see communities/guests.py)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invitation = models.ForeignKey(
        "communities.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_guest_row_per_meeting")]

    def __str__(self):
        return f"{self.user_id} is a guest at {self.meeting_id}"
