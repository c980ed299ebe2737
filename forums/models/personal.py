"""What one member keeps for themselves in the discussions: reactions, bookmarks, drafts,
and the images they put in posts."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Reaction(models.Model):
    """A small fixed set of reactions beyond "Helpful" (which keeps its own model and counts)."""

    class Kind(models.TextChoices):
        AGREE = "agree", "Agree"
        THANKS = "thanks", "Thanks"
        INSIGHTFUL = "insightful", "Insightful"
        CELEBRATE = "celebrate", "Celebrate"

    EMOJI = {"agree": "👍", "thanks": "🙏", "insightful": "💡", "celebrate": "🎉"}

    post = models.ForeignKey("forums.Post", on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_of_a_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.post_id}"


class Bookmark(models.Model):
    post = models.ForeignKey("forums.Post", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_bookmark_per_post")]

    def __str__(self):
        return f"{self.user_id} saved {self.post_id}"


class Draft(models.Model):
    """Text being typed, saved on the server as you type: restored on return, on any device.

    `key` names the box: "reply:<thread pk>" or "thread:<community pk>".
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_box")]

    def __str__(self):
        return f"{self.user_id} {self.key}"


def image_path(instance, filename):
    return f"post-images/{instance.community_id}/{instance.token}.{instance.extension}"


class PostImage(models.Model):
    """An image pasted or dropped into a post: re-encoded, resized, served after the same check
    as the community's discussions (policy), never from the static tree."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=4)
    file = models.FileField(upload_to=image_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.token
