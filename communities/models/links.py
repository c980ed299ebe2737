"""A curated set of key websites and resources."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from taggit.managers import TaggableManager

from .community import Community

# Only web addresses: javascript:, data: and the like are refused wherever a URL is stored.
web_url = URLValidator(
    schemes=["http", "https"],
    message="Please enter a web address starting with http:// or https:// (other kinds of links are not allowed).",
)


class LinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        from communities.policy.querysets import restrict

        return restrict(self, user)


class Link(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField("web address", max_length=500, validators=[web_url])
    description = models.CharField(
        "why it is useful", max_length=500, blank=True, help_text="One or two sentences for other members."
    )
    tags = TaggableManager(blank=True, help_text="Separate tags with commas.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["community", "title"])]

    def __str__(self):
        return self.title
