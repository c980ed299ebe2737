"""Job adverts targeted at the community's field; they disappear after their closing date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community
from .links import web_url


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Adverts `user` may open: hidden and closed ones only for facilitators (policy rule)."""
        from communities.policy.querysets import restrict

        closed = Q(hidden_at__isnull=False) | Q(closing_on__lt=timezone.localdate())
        return restrict(self, user, moderators_only=closed)

    def open(self, today=None):
        """Adverts still taking applications and not hidden by a facilitator (no cron needed)."""
        today = today or timezone.localdate()
        return self.filter(closing_on__gte=today, hidden_at__isnull=True)


class Job(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    location = models.CharField(max_length=200, help_text="A place, or “Remote”.")
    closing_on = models.DateField("closing date")
    description = models.TextField(blank=True, help_text="Markdown is supported.")
    description_html = models.TextField(blank=True, editable=False)
    url = models.URLField(
        "link to the advert", max_length=500, blank=True, validators=[web_url],
        help_text="Where to read more and apply (optional if the description says it all).",
    )  # fmt: skip
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["closing_on", "pk"]
        indexes = [models.Index(fields=["community", "closing_on"])]

    def __str__(self):
        return f"{self.title}, {self.organisation}"

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("description",))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communities:job_detail", args=[self.community.slug, self.pk])

    description_safe = SafeHTML("description_html")
