"""The community blog: longer pieces by members, commented through a discussion thread."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from communities.models import Community
from cop_platform.markdown import SafeHTML, render_markdown_fields

from .threads import Thread


class BlogPostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def visible_to(self, user):
        """Published posts of communities the user may view (drafts never: they are the author's)."""
        return self.published().filter(community__in=Community.objects.visible_to(user))


class BlogPost(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="blog_posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="blog_posts"
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences for lists, digests and link previews."
    )
    body = models.TextField(help_text="Markdown is supported.")
    body_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(blank=True, help_text="Separate tags with commas.")
    published_at = models.DateTimeField(null=True, blank=True)
    featured_at = models.DateTimeField(null=True, blank=True)
    # Comments are the replies of this thread, opened when the post is published.
    thread = models.OneToOneField(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="blog_post"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BlogPostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["community", "-published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("body",))
        super().save(*args, **kwargs)

    body_safe = SafeHTML("body_html")

    def get_absolute_url(self):
        return reverse("forums:blog_detail", args=[self.community.slug, self.pk])

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def teaser(self):
        if self.summary:
            return self.summary
        text = " ".join(self.body.split())
        return text[:200] + ("…" if len(text) > 200 else "")
