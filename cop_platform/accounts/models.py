import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person on the platform; e-mail is the identity, the profile lives here too."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(max_length=80, help_text="How other members see you.")
    organisation = models.CharField(max_length=120, blank=True)
    job_title = models.CharField("role or job title", max_length=120, blank=True)
    bio = models.TextField(max_length=1000, blank=True, help_text="A few lines about your work.")
    # Validated against the installed zone database by the profile form, not by `choices`,
    # so that a tzdata update never needs a migration.
    timezone = models.CharField("time zone", max_length=64, default="Europe/London")
    expertise = TaggableManager(
        "expertise", blank=True, help_text="Topics you know well, separated by commas."
    )
    # Site-wide suspension by staff (communities.moderation.suspend_user): the member can sign in
    # and read what they may see, but cannot post anywhere; they see the reason.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)

    class ProfileVisibility(models.TextChoices):
        MEMBERS = "members", "Members of my communities"
        EVERYONE = "everyone", "Everyone signed in"

    profile_visibility = models.CharField(
        "who may see my profile", max_length=10, choices=ProfileVisibility.choices,
        default=ProfileVisibility.EVERYONE,
        help_text="Either way, people who are not signed in never see it.",
    )  # fmt: skip
    # The profile photo's stored name ("<sha256>.webp" under MEDIA_ROOT/avatars/), empty for
    # initials. On the user row so lists that show people need no extra query.
    avatar = models.CharField(max_length=80, blank=True, editable=False)
    show_last_active = models.BooleanField(
        "show when I was last active", default=True, help_text="On your profile, for those who may see it."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name or self.email

    def get_absolute_url(self):
        return reverse("profile", args=[self.pk])

    @property
    def avatar_url(self):
        """The photo's address (it carries the content hash, so it can be cached for ever)."""
        return reverse("avatar", args=[self.pk, self.avatar]) if self.avatar else ""

    @property
    def name(self):
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    @property
    def initials(self):
        parts = self.name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The security log is append-only: events are never changed.")

    def delete(self):
        raise TypeError("The security log is append-only: only purge_older_than() removes events.")

    def purge_older_than(self, cutoff):
        """Remove events older than `cutoff` (the retention period); returns how many."""
        old = self.model.objects.filter(created_at__lt=cutoff)
        count = old.count()
        models.QuerySet.delete(old)
        return count


class SecurityEvent(models.Model):
    """One security-relevant event, appended and never edited (cop_platform/audit.py records them).

    No tokens, passwords or codes are ever stored: `detail` holds what an investigator needs
    (which community, which role, which list), nothing that would let someone act as the user.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "signed in"
        LOGIN_FAILED = "login_failed", "failed sign-in"
        LOCKED_OUT = "locked_out", "locked out after failed sign-ins"
        LOGOUT = "logout", "signed out"
        PASSWORD_RESET = "password_reset", "reset their password"
        PASSWORD_CHANGED = "password_changed", "changed their password"
        EMAIL_CHANGED = "email_changed", "changed their e-mail address"
        MFA_ADDED = "mfa_added", "turned on two-factor authentication"
        MFA_REMOVED = "mfa_removed", "removed a two-factor method"
        MFA_CODES_RESET = "mfa_codes_reset", "made new recovery codes"
        SESSIONS_ENDED = "sessions_ended", "signed out other sessions"
        ROLE_CHANGED = "role_changed", "role changed"
        MEMBER_REMOVED = "member_removed", "removed from a community"
        BANNED = "banned", "banned from a community"
        UNBANNED = "unbanned", "ban lifted"
        SILENCED = "silenced", "silenced"
        SUSPENDED = "suspended", "suspended from the site"
        UNSUSPENDED = "unsuspended", "suspension lifted"
        DATA_EXPORTED = "data_exported", "downloaded their data"
        ACCOUNT_DELETED = "account_deleted", "deleted their account"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Whom the event is about (kept empty if the account is deleted).",
    )  # fmt: skip
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who did it, when not the user themselves (a facilitator, staff).",
    )  # fmt: skip
    identifier = models.CharField(
        max_length=254,
        blank=True,
        help_text="The e-mail address typed, for failed sign-ins of unknown accounts.",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_time")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The security log is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The security log is append-only: only purge_older_than() removes events.")
