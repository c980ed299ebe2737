"""Surveys and quick polls: members' views, as feedback that sets the facilitators' priorities.

Anonymity is a property of the tables, not of the pages. In an anonymous survey:

- `SurveyResponse` rows have no respondent, no timestamp and a random (UUID) key, so neither a
  column nor the order of keys ties a response to the person or the moment;
- "has answered" is a separate `SurveyParticipant` row (survey, user) with no timestamp and no
  link to the response, used only to stop a second answer and to remind those who have not;
- nothing is written to the activity log when someone answers.

Quick polls keep only counts (`QuickPoll.counts`) and a `QuickPollVoter` marker per member:
votes are never linked to members, whatever the poll.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Theme
from cop_platform.markdown import SafeHTML, render_markdown_fields


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def open_at(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def for_viewer(self, access):
        """Surveys of access.community this viewer may list (drafts only for facilitators)."""
        qs = self.filter(community=access.community)
        if not access.can_run_surveys:
            qs = qs.published()
        return qs


class Survey(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(
        blank=True, help_text="Why you ask and what you will do with it. Markdown."
    )
    introduction_html = models.TextField(blank=True, editable=False)
    anonymous = models.BooleanField(
        "anonymous answers",
        default=True,
        help_text="No one, facilitators and site staff included, can see who gave which answer.",
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    response_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["community", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("introduction",))
        super().save(*args, **kwargs)

    introduction_safe = SafeHTML("introduction_html")

    def get_absolute_url(self):
        return reverse("forums:survey_detail", args=[self.community.slug, self.pk])

    def state_at(self, now=None):
        """ "draft", "scheduled", "open" or "closed", from the dates."""
        now = now or timezone.now()
        if self.published_at is None:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if now < self.closes_at:
            return "open"
        return "closed"

    @property
    def state(self):
        return self.state_at()

    @property
    def is_open(self):
        return self.state == "open"


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "One choice"
        MULTIPLE = "multiple", "Several choices"
        SCALE = "scale", "A scale from 1 to 5"
        RANKING = "ranking", "Put in order"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField("question", max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    # The choices of single, multiple and ranking questions; scale labels (low, high) of a scale.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def has_options(self):
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.RANKING)


class SurveyResponse(models.Model):
    """One member's set of answers. Anonymous surveys: no respondent, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="one_named_response_per_member",
            )
        ]

    def __str__(self):
        return f"Response to {self.survey_id}"


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    # single: [index]; multiple: [indexes]; ranking: [indexes, first choice first]; scale: [1-5].
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    def __str__(self):
        return f"Answer to {self.question_id}"


class SurveyParticipant(models.Model):
    """ "Has answered": stops a second answer and steers the reminder. Never linked to answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_answer_per_member")]

    def __str__(self):
        return f"{self.user_id} answered {self.survey_id}"


class SurveyTheme(models.Model):
    """A theme a facilitator started from a survey result (so the result page can link to it)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="themes_started")
    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="+")
    option = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"{self.theme} from {self.survey}"


class QuickPoll(models.Model):
    """A one-question poll on the community home. Stores counts only, never who chose what."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="quick_polls")
    question = models.CharField(max_length=200)
    options = models.JSONField(default=list)
    counts = models.JSONField(default=list)
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "closes_at"])]

    def __str__(self):
        return self.question

    @property
    def is_open(self):
        return self.closes_at > timezone.now()

    @property
    def total(self):
        return sum(self.counts)

    def rows(self):
        """[(option, count, percent)] for the result bars."""
        total = self.total or 1
        return [(o, c, round(100 * c / total)) for o, c in zip(self.options, self.counts, strict=False)]


class QuickPollVoter(models.Model):
    poll = models.ForeignKey(QuickPoll, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="one_quick_vote_per_member")]

    def __str__(self):
        return f"{self.user_id} voted in {self.poll_id}"
