"""Article of the month: one article from the wider field, featured by a facilitator."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community
from .links import web_url
from .repository import Document


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user):
        from communities.policy.querysets import restrict

        return restrict(self, user)

    def current(self, today=None):
        return self.filter(featured_in(today or timezone.localdate()))


def featured_in(today, path=""):
    """The article(s) of `today`'s month (`path`: the lookup to an article, for a join)."""
    return models.Q(**{f"{path}month": today.replace(day=1)})


class Article(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="articles")
    # The first day of the month it is featured in.
    month = models.DateField()
    title = models.CharField(max_length=200)
    url = models.URLField("web address", max_length=500, blank=True, validators=[web_url])
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Or a document from the library.",
    )  # fmt: skip
    introduction = models.TextField(help_text="Why members should read it. Markdown is supported.")
    introduction_html = models.TextField(blank=True, editable=False)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="one_article_per_community_month")
        ]

    def __str__(self):
        return f"{self.title} ({self.month:%B %Y})"

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("introduction",))
        super().save(*args, **kwargs)

    introduction_safe = SafeHTML("introduction_html")
