from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cop_platform import memberstate
from cop_platform.markdown import SafeHTML, render_markdown_fields


class NotificationQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # No post_save for bulk rows: the recipients' header counts are told here.
        objs = list(objs)
        rows = super().bulk_create(objs, *args, **kwargs)
        memberstate.changed(*{n.recipient_id for n in objs})
        return rows


class Notification(models.Model):
    """An in-app notice for one member, shown under the bell in the header."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # What the notice is about, as "<reply kind>:<pk>" ("thread:12", "question:7"): the sending
    # engine re-checks that the member may still see it, and the e-mail carries a signed
    # reply address for it (newsletters/inbound/replies.py). Blank for notices about nothing.
    target = models.CharField(max_length=60, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return self.text


class Preference(models.Model):
    """How one member wants to hear from one community. No row means the defaults."""

    class Digest(models.TextChoices):
        OFF = "off", "No digest"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=6, choices=Digest.choices, default=Digest.WEEKLY)
    newsletter = models.BooleanField("monthly newsletter", default=True)
    immediate = models.BooleanField("immediate e-mail for replies, mentions and answers", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_preference_per_community")
        ]

    def __str__(self):
        return f"{self.user} / {self.community}: digest {self.digest}"

    @classmethod
    def for_member(cls, user, community):
        """The saved preference, or an unsaved one holding the defaults."""
        return cls.objects.filter(user=user, community=community).first() or cls(
            user=user, community=community
        )


class Delivery(models.Model):
    """One outbound e-mail, unique per (recipient, kind, key): the same key is never sent twice.
    Mail to an address without an account (an invitation) has no recipient and is unique per
    (address, kind, key).

    The ledger of the sending engine (newsletters/sending/): a sender claims the row
    (pending -> sending) with a conditional UPDATE, re-checks eligibility, sends, then marks it
    sent, failed, skipped (with its reason) or unknown. A row left in "sending" means a worker
    died mid-send: its fate is unknown too, and neither kind of unknown is ever sent again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending (fate unknown if it stays here)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        UNKNOWN = "unknown", "Unknown (the server may have accepted it)"

    # Empty for someone without an account (an invitation): the row is then unique per address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    email = models.EmailField()
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reason = models.CharField(max_length=40, blank=True, help_text="Why a skipped row was not sent.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="one_delivery_per_key"),
            models.UniqueConstraint(
                fields=["email", "kind", "key"],
                condition=models.Q(recipient__isnull=True),
                name="one_delivery_per_address_and_key",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "key", "status"]),
            models.Index(fields=["recipient", "sent_at"], name="delivery_recipient_sent"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} to {self.email} ({self.status})"


class Suppression(models.Model):
    """An address the engine never sends to: it bounced hard, its owner complained, or staff
    put it here. The member sees a notice asking them to fix it; changing the account's
    address (or staff removing the row) lifts it."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        MANUAL = "manual", "Added by staff"

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    source = models.CharField(max_length=40, blank=True, help_text="postmark, dsn, admin, ...")
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Issues `user` may read: sent ones for the community's readers, the rest for moderators."""
        from communities.policy.querysets import restrict

        return restrict(self, user, moderators_only=~Q(status__in=[Issue.Status.SENDING, Issue.Status.SENT]))

    def published(self):
        """Issues that went out: the archive members read on the site."""
        return self.filter(status__in=[Issue.Status.SENDING, Issue.Status.SENT])


class Issue(models.Model):
    """One issue of a community's monthly newsletter, composed by a facilitator in Markdown.

    Each recipient gets a Delivery row (kind "newsletter", key "issue:<pk>"), so sending the
    same issue twice, or a worker restarting half way, never mails anyone twice.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown is supported.")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "-started_at"])]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("body",))
        super().save(*args, **kwargs)

    body_safe = SafeHTML("body_html")

    @property
    def delivery_key(self):
        return f"issue:{self.pk}"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    @property
    def is_published(self):
        return self.status in (self.Status.SENDING, self.Status.SENT)


class LinkCount(models.Model):
    """How often a link in a newsletter or digest was followed, or an issue's archive page opened.

    Aggregate only, by design: one row per (kind, source, url, day) holding a number. There is
    no recipient, no IP address, no user agent and no per-message token, so nobody can tell who
    clicked what (tests inspect the table to prove it). `NEWSLETTER_COUNT_CLICKS = False`
    (environment `NEWSLETTER_COUNT_CLICKS=0`) stops counting altogether; links still work.
    """

    class Kind(models.TextChoices):
        CLICK = "click", "Link followed"
        OPEN = "open", "Archive page opened"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    # "issue:<pk>" or "digest:daily" / "digest:weekly"
    source = models.CharField(max_length=40)
    url = models.CharField(max_length=500, blank=True)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source", "url", "day"], name="one_link_count_per_day")
        ]
        indexes = [models.Index(fields=["source", "kind"])]

    def __str__(self):
        return f"{self.source} {self.kind} {self.url} {self.day}: {self.count}"
