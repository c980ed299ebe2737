"""Expert hot seats: a time-boxed window in which members put questions to an invited expert.

Times are stored in UTC. The stored `status` records what has been announced (the beat task
moves it forward and tells people); what a page shows is `state_at(now)`, computed from the
opening and closing times, so nothing depends on the beat being punctual.
"""

import secrets

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from communities.models import Community, Theme
from communities.policy.querysets import restrict
from cop_platform.markdown import SafeHTML, render_markdown_fields


def _invite_token():
    return secrets.token_urlsafe(24)


class HotSeatQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(status=HotSeat.Status.DRAFT)

    def current_or_upcoming(self, now=None):
        """Published hot seats that have not closed yet, soonest first."""
        now = now or timezone.now()
        return (
            self.published()
            .exclude(status=HotSeat.Status.CLOSED)
            .filter(closes_at__gt=now)
            .order_by("opens_at")
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.published().filter(Q(status=HotSeat.Status.CLOSED) | Q(closes_at__lte=now))

    def visible_to(self, user):
        """Hot seats `user` may open: drafts for moderators, published ones also for their expert."""
        return restrict(self, user, moderators_only=Q(status=HotSeat.Status.DRAFT), guest="expert")

    def for_viewer(self, access):
        """Hot seats of access.community this viewer may list (drafts only for facilitators)."""
        qs = self.filter(community=access.community)
        if not access.can_run_hotseat:
            qs = qs.published()
        return qs


class HotSeat(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="hotseats")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="hotseats"
    )
    title = models.CharField(max_length=150)
    topic = models.CharField(
        max_length=200, help_text="The subject in a line, e.g. “Benefits after go-live”."
    )
    description = models.TextField(blank=True, help_text="Markdown is supported.")
    description_html = models.TextField(blank=True, editable=False)
    # What the expert knows, for the knowledge map (communities.knowledge).
    tags = TaggableManager(
        blank=True, help_text="Separate tags with commas, e.g. “benefits realisation, metrics”."
    )

    # The expert: set at once when the e-mail belongs to an account, else when the invitee
    # signs up or signs in with that address (see services.claim_invitations).
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotseats_as_expert",
    )
    expert_email = models.EmailField("expert's e-mail address")
    expert_name = models.CharField("expert's name", max_length=80)
    expert_bio = models.CharField(
        "about the expert", max_length=300, blank=True, help_text="One or two lines members will see."
    )
    invite_token = models.CharField(max_length=64, default=_invite_token, unique=True, editable=False)
    invite_sent_at = models.DateTimeField(null=True, blank=True)

    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last day the expert was e-mailed the new questions (see newsletters.hotseat_emails).
    expert_emailed_at = models.DateTimeField(null=True, blank=True)

    objects = HotSeatQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        indexes = [
            models.Index(fields=["community", "status", "opens_at"]),
            models.Index(fields=["status", "opens_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="hotseat_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("description",))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hotseats:detail", args=[self.community.slug, self.pk])

    description_safe = SafeHTML("description_html")

    def state_at(self, now=None):
        """The state people see, from the times: draft, scheduled, open or closed."""
        if self.status == self.Status.DRAFT:
            return self.Status.DRAFT
        if self.status == self.Status.CLOSED:
            return self.Status.CLOSED
        now = now or timezone.now()
        if now >= self.closes_at:
            return self.Status.CLOSED
        if now >= self.opens_at:
            return self.Status.OPEN
        return self.Status.SCHEDULED

    @property
    def state(self):
        return self.state_at()

    @property
    def state_label(self):
        return self.Status(self.state).label

    @property
    def is_open(self):
        return self.state == self.Status.OPEN

    @property
    def is_closed(self):
        return self.state == self.Status.CLOSED

    @property
    def takes_questions(self):
        return self.state in (self.Status.SCHEDULED, self.Status.OPEN)

    @property
    def expert_display_name(self):
        return self.expert.name if self.expert_id and self.expert else self.expert_name


class QuestionQuerySet(models.QuerySet):
    def shown(self):
        """Questions on the page and in the transcript: not hidden, not merged into another."""
        return self.filter(hidden_at__isnull=True, merged_into__isnull=True)

    def answered(self):
        return self.filter(answered_at__isnull=False)

    def unanswered(self):
        return self.filter(answered_at__isnull=True)

    def visible_to(self, user):
        """Questions `user` may see (site search): the audience rule of hotseats/visibility.py.

        Merged questions: nobody; hidden ones and those of drafts: moderators; the hot seat's
        expert sees the others even in a closed community."""
        return restrict(
            self, user, community="hotseat__community",
            moderators_only=Q(hidden_at__isnull=False) | Q(hotseat__status=HotSeat.Status.DRAFT),
            nobody=Q(merged_into__isnull=False), guest="hotseat__expert",
        )  # fmt: skip

    def search(self, query):
        """Questions whose text or answer matches `query`, best first.

        On PostgreSQL: English full-text search (stemmed, so "measuring" finds "measure"), ranked
        with the question above the answer, plus a substring match for names and codes that the
        stemmer does not know. Elsewhere (SQLite in development): the substring match alone.
        """
        contains = Q(body__icontains=query) | Q(answer__icontains=query)
        if connection.vendor != "postgresql":
            return self.filter(contains).order_by("-hotseat__opens_at", "created_at")
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("body", weight="A", config="english") + SearchVector(
            "answer", weight="B", config="english"
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        # Match with @@, not rank > 0: ts_rank gives non-matching rows a tiny positive rank.
        return (
            self.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(Q(document=search) | contains)
            .order_by("-rank", "-hotseat__opens_at", "created_at")
        )


class Question(models.Model):
    hotseat = models.ForeignKey(HotSeat, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept in step with Vote rows by the services (F() updates), so lists sort without a join.
    vote_count = models.PositiveIntegerField(default=0)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_questions"
    )

    answer = models.TextField(blank=True, max_length=20000)
    answer_html = models.TextField(blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_edited_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["hotseat", "created_at"])]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("body", "answer"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.hotseat.get_absolute_url()}#q{self.pk}"

    body_safe = SafeHTML("body_html")

    answer_safe = SafeHTML("answer_html")

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class Vote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="one_vote_per_question")]

    def __str__(self):
        return f"{self.user} +1 {self.question_id}"


class FollowUp(models.Model):
    """A member's follow-up under an answer, or the expert's reply to one."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("body",))
        super().save(*args, **kwargs)

    body_safe = SafeHTML("body_html")
