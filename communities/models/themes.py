from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community


def running_on(today, path=""):
    """Themes running on `today` (`path`: the lookup to a theme, for a join from elsewhere)."""
    return models.Q(**{f"{path}starts_on__lte": today, f"{path}ends_on__gte": today})


class ThemeQuerySet(models.QuerySet):
    def current(self, today=None):
        return self.filter(running_on(today or timezone.localdate()))

    def past(self, today=None):
        today = today or timezone.localdate()
        return self.filter(ends_on__lt=today)

    def upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.filter(starts_on__gt=today)

    def visible_to(self, user):
        from communities.policy.querysets import restrict

        return restrict(self, user)


class Theme(models.Model):
    """A focus on one topic for a period; threads, documents, hot seats and meetings attach to it."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, help_text="Markdown is supported.")
    description_html = models.TextField(blank=True, editable=False)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="theme_slug_per_community")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("description",))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communities:theme_detail", args=[self.community.slug, self.slug])

    description_safe = SafeHTML("description_html")

    @property
    def status(self):
        """ "current", "past" or "upcoming", by the site's calendar."""
        today = timezone.localdate()
        if self.ends_on < today:
            return "past"
        if self.starts_on > today:
            return "upcoming"
        return "current"
