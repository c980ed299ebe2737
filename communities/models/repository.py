"""The document repository: toolkits, templates and presentations, each with every version kept."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from cop_platform.markdown import SafeHTML, render_markdown_fields

from .community import Community
from .themes import Theme


def version_upload_to(version, filename):
    # The stored name is random: the original name is kept in the row and only used in the
    # Content-Disposition of downloads, so nothing a user typed ever becomes a path.
    return f"repository/{version.document.community_id}/{uuid.uuid4().hex}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents `user` may see: the same rule as the community's pages."""
        from communities.policy.querysets import restrict

        return restrict(self, user)

    def for_list(self):
        """Everything a list row shows, in a constant number of queries."""
        return self.select_related(
            "current_version", "current_version__uploaded_by", "theme"
        ).prefetch_related("tags")


class Document(models.Model):
    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", "Toolkit"
        TEMPLATE = "template", "Template"
        PRESENTATION = "presentation", "Presentation"
        GUIDE = "guide", "Guide or lessons learned"
        OTHER = "other", "Other document"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="What is it, and when is it useful? Markdown is supported."
    )
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOOLKIT)
    tags = TaggableManager(blank=True, help_text="Separate tags with commas.")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The newest version, kept on the row so that lists need no query per document.
    current_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    # Downloads of all versions; updated with F() so concurrent downloads are all counted.
    download_count = models.PositiveIntegerField(default=0)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "-updated_at"]),
            models.Index(fields=["community", "-download_count"]),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("description",))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communities:document_detail", args=[self.community.slug, self.pk])

    description_safe = SafeHTML("description_html")


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    # Decided from the file's content at upload (communities.filetypes), never from the browser.
    content_type = models.CharField(max_length=120)
    type_label = models.CharField(max_length=40)
    note = models.CharField("what changed", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    download_count = models.PositiveIntegerField(default=0)
    # Words inside PDF and Word files, for search; filled by a background task after upload.
    text = models.TextField(blank=True, editable=False)

    class TextStatus(models.TextChoices):
        NONE = "", "no text to index"
        PENDING = "pending", "waiting to be indexed"
        INDEXING = "indexing", "being indexed"
        INDEXED = "indexed", "indexed"
        FAILED = "failed", "text not indexed"

    # One attempt only: a file that crashes, hangs or exhausts the extractor is marked FAILED and
    # never retried (see communities.repertoire.services.store_extracted_text).
    text_status = models.CharField(max_length=10, choices=TextStatus.choices, blank=True, default="")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_document_version")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    @property
    def badge(self):
        """A short file-type mark for lists: PDF, DOCX, CSV..."""
        return PurePath(self.original_name).suffix[1:5].upper() or "FILE"

    def get_download_url(self):
        return reverse(
            "communities:document_download",
            args=[self.document.community.slug, self.document_id, self.number],
        )
