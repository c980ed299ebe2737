from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from cop_platform.markdown import SafeHTML, render_markdown_fields

DEFAULT_WELCOME = """Hello {name},

Welcome to **{community}**! I'm really glad you've joined us.

This is a place where people who do this work every day help each other: there is no such thing
as a silly question here, and reading quietly for a while is perfectly fine too.

A few ways to start:

- Say hello and tell us what you're working on at the moment.
- Browse the recent discussions and the shared documents.
- If you're stuck on something, ask. Someone here has usually been there before.

If there's anything I can do to help you get the most from the community, just reply to this e-mail.

Warm regards,
{facilitator}
"""


class CommunityQuerySet(models.QuerySet):
    def listed(self):
        """Communities that appear in the directory (open and closed alike)."""
        return self.filter(status=Community.Status.ACTIVE)

    def visible_to(self, user):
        """Communities whose pages `user` may open (the rule lives in communities.policy)."""
        from communities.policy.querysets import visible_communities

        return visible_communities(user, self)

    def with_counts(self):
        active = Q(memberships__state=Membership.State.ACTIVE)
        return self.annotate(
            # Everyone active, whatever their role: "9 members, 3 of them core" (facilitators count as core).
            member_count=Count("memberships", filter=active, distinct=True),
            core_count=Count(
                "memberships",
                filter=active & Q(memberships__role__in=Membership.CORE_ROLES),
                distinct=True,
            ),
            peripheral_count=Count(
                "memberships",
                filter=active & Q(memberships__role=Membership.Role.PERIPHERAL),
                distinct=True,
            ),
        )


class Community(models.Model):
    class Visibility(models.TextChoices):
        OPEN = "open", "Open: anyone may join"
        CLOSED = "closed", "Closed: facilitators approve requests"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        ARCHIVED = "archived", "Archived"
        REJECTED = "rejected", "Not approved"

    LIVE_STATUSES = (Status.ACTIVE, Status.DORMANT, Status.ARCHIVED)

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    purpose = models.CharField(
        max_length=300, help_text="The shared domain in one or two sentences: what this community is about."
    )
    scope = models.CharField(
        "who is it for", max_length=200, blank=True,
        help_text="For example: project managers in local government.",
    )  # fmt: skip
    description = models.TextField(blank=True, help_text="Markdown is supported.")
    description_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager("domain tags", blank=True, help_text="Separate tags with commas.")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.OPEN)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    welcome_message = models.TextField(
        default=DEFAULT_WELCOME,
        help_text="Sent to every new member. {name}, {community} and {facilitator} are filled in.",
    )

    class BlogPublishers(models.TextChoices):
        MEMBERS = "members", "Every member"
        CORE = "core", "Core members and facilitators"

    blog_publishers = models.CharField(
        "who may publish on the blog", max_length=10, choices=BlogPublishers.choices,
        default=BlogPublishers.MEMBERS,
    )  # fmt: skip
    # Pre-moderation: a member's first N posts here wait for a facilitator's approval (0: off).
    hold_first_posts = models.PositiveSmallIntegerField(
        "hold new members' first posts", default=0,
        validators=[MaxValueValidator(20)],
        help_text="How many of a new member's first posts wait for a facilitator's approval "
        "before anyone else sees them (0 turns this off).",
    )  # fmt: skip
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The participation path's stage names and criteria as tuned by facilitators; missing keys
    # fall back to communities.path.DEFAULTS, so an empty dict is a complete setting.
    path_settings = models.JSONField(default=dict, blank=True)
    # Facilitators' edited nudge message templates, by nudge kind (communities.nudges.KINDS).
    nudge_templates = models.JSONField(default=dict, blank=True)
    # Lifecycle (admin health page): when facilitators were told the community will be marked
    # dormant unless it wakes up; cleared when it is marked dormant, reopened or active again.
    dormancy_notice_at = models.DateTimeField(null=True, blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        kwargs = render_markdown_fields(self, kwargs, ("description",))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communities:home", args=[self.slug])

    @property
    def is_open(self):
        return self.visibility == self.Visibility.OPEN

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES

    description_safe = SafeHTML("description_html")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=Membership.State.ACTIVE)

    def facilitators(self):
        return self.active().filter(role=Membership.Role.FACILITATOR)

    def visible_to(self, user):
        """Memberships whose community member list `user` may see."""
        return self.filter(community__in=Community.objects.visible_to(user))


class Membership(models.Model):
    class Role(models.TextChoices):
        PERIPHERAL = "peripheral", "Member"
        CORE = "core", "Core member"
        FACILITATOR = "facilitator", "Facilitator"

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"
        BANNED = "banned", "Banned"

    CORE_ROLES = (Role.CORE, Role.FACILITATOR)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PERIPHERAL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    request_message = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    # The participation path stage a facilitator moved this member to (communities.path.Stage);
    # the shown stage is never below what the role and the member's posts earn.
    stage = models.PositiveSmallIntegerField(default=0)
    # The newcomer's first-week checklist was dismissed (communities.checklist).
    checklist_dismissed_at = models.DateTimeField(null=True, blank=True)
    # Moderation (communities.moderation): a banned member cannot rejoin or ask to join; a silenced
    # one reads but cannot post until `silenced_until`. The reason is shown to the member.
    sanction_reason = models.CharField(max_length=300, blank=True)
    silenced_until = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_membership_per_community")
        ]
        indexes = [models.Index(fields=["community", "state", "role"])]

    def __str__(self):
        return f"{self.user} in {self.community} ({self.role}, {self.state})"

    @classmethod
    def role_order(cls):
        """An order_by expression: facilitators, then core members, then everyone else."""
        return Case(
            When(role=cls.Role.FACILITATOR, then=Value(0)),
            When(role=cls.Role.CORE, then=Value(1)),
            default=Value(2),
        )

    @property
    def is_active(self):
        return self.state == self.State.ACTIVE

    @property
    def is_banned(self):
        return self.state == self.State.BANNED

    @property
    def is_silenced(self):
        return self.silenced_until is not None and self.silenced_until > timezone.now()

    @property
    def is_facilitator(self):
        return self.is_active and self.role == self.Role.FACILITATOR


class ActivityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Activity(models.Model):
    """One append-only row per thing a member did; dashboards, feeds and digests read this."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the target is hidden or deleted, so feeds and digests stop showing it; the row
    # itself stays, because the log is append-only.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["community", "-created_at"]),
            # Dashboards count contributions per member and per day over months of rows: with
            # these columns in the index PostgreSQL answers from the index alone.
            models.Index(
                fields=["community", "created_at"],
                include=["verb", "actor", "withdrawn_at"],
                name="activity_insight_idx",
            ),
            # Each member's first post (the dashboard's "contributor since", the path): one
            # probe per member instead of a scan of the community's log.
            models.Index(
                fields=["actor", "community", "created_at"],
                condition=Q(verb__in=("thread.created", "post.created"), withdrawn_at__isnull=True),
                name="activity_first_post_idx",
            ),
        ]

    def __str__(self):
        return self.summary


class Presence(models.Model):
    """A member read something in a community on a day: quiet participation counts too."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user", "day"], name="one_presence_per_day")
        ]
        indexes = [models.Index(fields=["community", "day"])]

    def __str__(self):
        return f"{self.user} in {self.community} on {self.day}"
