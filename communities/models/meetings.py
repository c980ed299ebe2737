"""Face-to-face and online meetings: agenda, who is coming, and the notes afterwards."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community
from .links import web_url
from .themes import Theme


def not_over(now, path=""):
    """Meetings still to come or under way (`path`: the lookup to a meeting, for a join)."""
    return models.Q(**{f"{path}ends_at__gte": now})


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from communities.policy.querysets import restrict

        return restrict(self, user)

    def upcoming(self, now=None):
        return self.filter(not_over(now or timezone.now())).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class Meeting(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True, help_text="An address, for a face-to-face meeting.")
    online_url = models.URLField("online meeting link", max_length=500, blank=True, validators=[web_url])
    agenda = models.TextField(blank=True, help_text="Markdown is supported.")
    agenda_html = models.TextField(blank=True, editable=False)
    notes = models.TextField(blank=True, help_text="Markdown is supported.")
    notes_html = models.TextField(blank=True, editable=False)
    notes_posted_at = models.DateTimeField(null=True, blank=True)
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("agenda", "notes"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communities:meeting_detail", args=[self.community.slug, self.pk])

    agenda_safe = SafeHTML("agenda_html")

    notes_safe = SafeHTML("notes_html")

    @property
    def is_past(self):
        return self.ends_at < timezone.now()


class Rsvp(models.Model):
    class Response(models.TextChoices):
        GOING = "going", "Going"
        MAYBE = "maybe", "Maybe"
        NOT_GOING = "not_going", "Not going"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=10, choices=Response.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_rsvp_per_member")]

    def __str__(self):
        return f"{self.user} {self.response} {self.meeting}"
