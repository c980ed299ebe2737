"""Sponsors, badges and thanks: the recognition side of a community."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .community import Community


class Sponsorship(models.Model):
    """A senior person who backs a community: reads its dashboard figures, never its content."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="sponsorships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsorships")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_sponsorship_per_user")]

    def __str__(self):
        return f"{self.user} sponsors {self.community}"


class Badge(models.Model):
    """Recognition awarded by the beat task; one of each kind per member and community."""

    class Kind(models.TextChoices):
        FIRST_POST = "first_post", "First post"
        FIRST_ACCEPTED = "first_accepted", "First accepted answer"
        TEN_HELPFUL = "ten_helpful", "Ten helpful marks"
        HOTSEAT_EXPERT = "hotseat_expert", "Hot seat expert"
        WELCOMER = "welcomer", "Welcomed ten newcomers"
        CURATOR = "curator", "Library curator"
        FACILITATOR_YEAR = "facilitator_year", "A year of facilitating"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="badges")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    awarded_at = models.DateTimeField(default=timezone.now)
    # The award run that inserted the row (communities.recognition.award_badges): two workers
    # may try the same award at once; the unique constraint lets one row in, and each run then
    # tells only the members whose rows carry its own run id.
    run = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "community", "kind"], name="one_badge_of_a_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.user} in {self.community})"


class Thanks(models.Model):
    """A facilitator's public thanks to a member, on a post (target) or on their profile."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    thanked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thanks")
    message = models.CharField(max_length=300)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "thanks"
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # A profile's thanks names the member as its target, so this covers both kinds.
            models.UniqueConstraint(
                fields=["community", "thanked_by", "target_type", "target_id"],
                name="one_thanks_per_facilitator_and_target",
            )
        ]

    def __str__(self):
        return f"{self.thanked_by} thanked {self.user}"
