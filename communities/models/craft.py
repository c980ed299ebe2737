"""The facilitator's background work: nudges on a daily worklist, and invitations by e-mail."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .community import Community


class NudgeQuerySet(models.QuerySet):
    def for_queue(self, facilitator, now=None):
        """Open items of `facilitator`'s worklist (snoozed ones reappear when the snooze ends)."""
        now = now or timezone.now()
        return self.filter(facilitator=facilitator, status=Nudge.Status.OPEN).exclude(snoozed_until__gt=now)


class Nudge(models.Model):
    """One item of a facilitator's worklist, built by beat (communities.nudges.build_queues)."""

    class Kind(models.TextChoices):
        FIRST_POST = "first_post", "First post without a reply"
        NEWCOMER = "newcomer", "Newcomer who has not posted"
        WAITING_QUESTION = "waiting_question", "Waiting question"
        QUIET_CORE = "quiet_core", "Core member gone quiet"
        JOIN_REQUEST = "join_request", "Join request waiting"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        SENT = "sent", "Message sent"
        DONE = "done", "Done"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the item is about, unique per facilitator so a rebuilt queue never repeats an item.
    key = models.CharField(max_length=120)
    # The member to write to (None when there is nobody to nudge, e.g. a question no one matches).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # Other members who could help (waiting questions): [{"id": 1, "name": "Ann", "why": "expertise: x"}].
    suggestions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    # The member who was sent the message, and the outcome: did they post within seven days?
    messaged = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_due_at = models.DateTimeField(null=True, blank=True)
    converted = models.BooleanField(null=True, blank=True)

    objects = NudgeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["facilitator", "key"], name="one_nudge_per_key")]
        indexes = [models.Index(fields=["facilitator", "status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


def new_token():
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation by e-mail to join a community, or (purpose + target) to something in it.

    Kept general on purpose: other features (event guests) create invitations with their own
    `purpose` and `target_type`/`target_id`, and register what accepting does
    (communities.invitations.register_acceptor).
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    purpose = models.CharField(max_length=30, default="community")
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    email = models.EmailField()
    note = models.TextField(max_length=2000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    # How many times it was sent (resend adds one); the e-mail task claims each number once.
    send_count = models.PositiveSmallIntegerField(default=0)
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "purpose", "email"])]

    def __str__(self):
        return f"Invitation of {self.email} to {self.community}"

    def get_absolute_url(self):
        return reverse("invitation", args=[self.token])

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None
