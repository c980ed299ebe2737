import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
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

    class ProfileVisibility(models.TextChoices):
        MEMBERS = "members", "Members of my communities"
        EVERYONE = "everyone", "Everyone signed in"

    profile_visibility = models.CharField(
        "who may see my profile", max_length=10, choices=ProfileVisibility.choices,
        default=ProfileVisibility.EVERYONE,
        help_text="Either way, people who are not signed in never see it.",
    )  # fmt: skip
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
    def name(self):
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def initials(self):
        parts = self.name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"
