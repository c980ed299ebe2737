"""Private messages: one-to-one and small-group conversations between members.

A conversation carries no community content of its own: it may name the community that gave a
facilitator the right to write (`community`), and that name is shown to a participant only if
they may see the community (communities.messaging.context_for).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cop_platform import memberstate
from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community

MAX_PARTICIPANTS = 8


class Conversation(models.Model):
    subject = models.CharField(max_length=150, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The community whose facilitator started it (the right to write came from there), if any.
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_message_at", "-pk"]

    def __str__(self):
        return self.subject or f"Conversation {self.pk}"

    def get_absolute_url(self):
        return reverse("messaging:conversation", args=[self.pk])


class ParticipantQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_at__isnull=True)

    def unread(self):
        return self.current().filter(unread_count__gt=0)

    def bulk_create(self, objs, *args, **kwargs):
        # No post_save for bulk rows: the participants' header counts are told here.
        objs = list(objs)
        rows = super().bulk_create(objs, *args, **kwargs)
        memberstate.changed(*{p.user_id for p in objs})
        return rows


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Messages from others since this participant last opened the conversation; the header's
    # unread count is the number of conversations where this is above zero.
    unread_count = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_participant_row")]
        indexes = [models.Index(fields=["user", "left_at", "unread_count"])]

    def __str__(self):
        return f"{self.user} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # "web" or "email" (a reply by e-mail through the inbound mail endpoint).
    via = models.CharField(max_length=10, default="web")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self):
        return f"Message {self.pk} in {self.conversation_id}"

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("body",))
        super().save(*args, **kwargs)

    body_safe = SafeHTML("body_html")


class MessagingSettings(models.Model):
    """Who may start a conversation with this member. No row means the default."""

    class WhoMayWrite(models.TextChoices):
        MEMBERS = "members", "Members of my communities"
        FACILITATORS = "facilitators", "Facilitators of my communities only"
        NOBODY = "nobody", "Nobody"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging")
    who_may_write = models.CharField(max_length=12, choices=WhoMayWrite.choices, default=WhoMayWrite.MEMBERS)

    def __str__(self):
        return f"{self.user}: {self.who_may_write}"


class Block(models.Model):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self):
        return f"{self.blocker} blocks {self.blocked}"

    @classmethod
    def between(cls, a, b):
        return cls.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a))


class MessageReport(models.Model):
    """A participant reported a conversation; staff read it (with the whole conversation) in the admin."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Report {self.pk} on conversation {self.conversation_id}"
