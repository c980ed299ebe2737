"""Discussions: threads of posts, accepted answers, helpful marks, polls, flags and moderation.

The opening post of a thread is a Post with number 1, so editing, flagging, hiding and
"helpful" work the same on a question as on its replies. Posts are numbered in their thread
(never renumbered: deleted posts keep a placeholder), which makes "first unread post" and page
arithmetic cheap.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from communities.models import Community
from communities.policy.querysets import restrict
from cop_platform.markdown import SafeHTML, render_markdown

POSTS_PER_PAGE = 25
THREADS_PER_PAGE = 20


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Threads `user` may see: in a community they may view, and not hidden (unless they
        moderate that community). The audience rule of communities.policy (forums/visibility.py)."""
        return restrict(self, user, moderators_only=Q(hidden_at__isnull=False))

    def for_list(self):
        return self.select_related("author", "last_post_author", "community").prefetch_related("tags")

    def questions(self):
        return self.filter(kind=Thread.Kind.QUESTION)

    def unanswered(self):
        return self.filter(reply_count=0).exclude(kind=Thread.Kind.ANNOUNCEMENT)

    def unsolved(self):
        return self.questions().filter(accepted_post__isnull=True)


class Thread(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        DISCUSSION = "discussion", "Discussion"
        ANNOUNCEMENT = "announcement", "Announcement"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    theme = models.ForeignKey(
        "communities.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    tags = TaggableManager(blank=True, help_text="Separate tags with commas.")
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised so that lists sort and show counts without touching posts.
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post_count = models.PositiveIntegerField(default=0)  # highest post number; includes the opening post
    reply_count = models.PositiveIntegerField(default=0)  # visible replies (not deleted or hidden)
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    # Set when the opening post is hidden by a moderator: the whole thread disappears for members.
    hidden_at = models.DateTimeField(null=True, blank=True)
    # The opening post was the author's first post in this community (facilitators are shown it).
    is_first_post = models.BooleanField(default=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "-is_pinned", "-last_post_at"]),
            models.Index(fields=["community", "-created_at"]),
            models.Index(fields=["community", "reply_count"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:thread_detail", args=[self.community.slug, self.pk])

    @property
    def is_question(self):
        return self.kind == self.Kind.QUESTION

    @property
    def is_solved(self):
        return self.accepted_post_id is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Posts `user` may read: deleted ones nobody, hidden ones (or in a hidden thread) moderators."""
        hidden = Q(hidden_at__isnull=False) | Q(thread__hidden_at__isnull=False)
        return restrict(self, user, moderators_only=hidden, nobody=Q(deleted_at__isnull=False))

    def shown(self):
        """Posts whose text members may read (deleted and hidden ones are placeholders)."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    # Denormalised from the thread so that search and counts filter by community in one join.
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    number = models.PositiveIntegerField()
    body = models.TextField()
    body_html = models.TextField(editable=False)
    quoted = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful_count = models.PositiveIntegerField(default=0)
    # {"agree": 3, "thanks": 1}: kept by forums.services.personal.toggle_reaction, shown with the post.
    reaction_counts = models.JSONField(default=dict, blank=True)
    flag_count = models.PositiveIntegerField(default=0)  # open flags, one per member
    is_first_post = models.BooleanField(default=False)  # the author's first post in the community

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["thread", "number"], name="post_number_per_thread")]
        indexes = [models.Index(fields=["community", "-created_at"]), models.Index(fields=["author"])]

    def __str__(self):
        return f"#{self.number} in {self.thread_id}"

    def save(self, *args, **kwargs):
        if not self.body_html:
            self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        page = (self.number - 1) // POSTS_PER_PAGE + 1
        url = reverse("forums:thread_detail", args=[self.community.slug, self.thread_id])
        query = f"?page={page}" if page > 1 else ""
        return f"{url}{query}#post-{self.number}"

    body_safe = SafeHTML("body_html")

    @property
    def is_opening(self):
        return self.number == 1

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class PostRevision(models.Model):
    """The text of a post before an edit; facilitators can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Helpful(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_helpful_per_member")]

    def __str__(self):
        return f"{self.user_id} found {self.post_id} helpful"


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        RUDE = "rude", "Rude or disrespectful"
        OFF_TOPIC = "off_topic", "Off topic"
        CONFIDENTIAL = "confidential", "Shares confidential information"
        OTHER = "other", "Something else"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_flag_per_member")]

    def __str__(self):
        return f"{self.get_reason_display()} on {self.post_id}"


class ThreadWatch(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_watch_per_thread")]

    def __str__(self):
        return f"{self.user_id} watches thread {self.thread_id}"


class CommunityWatch(models.Model):
    """Watching a whole community: told about every new thread."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_watch_per_community")]

    def __str__(self):
        return f"{self.user_id} watches community {self.community_id}"


class ReadState(models.Model):
    """The highest post number a member has seen in a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_state")]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} to {self.last_read}"


class Poll(models.Model):
    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(max_length=200)
    multiple = models.BooleanField("allow several choices", default=False)
    closes_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.question

    @property
    def is_closed(self):
        return self.closes_at is not None and self.closes_at <= timezone.now()


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["option", "user"], name="one_vote_per_option")]

    def __str__(self):
        return f"{self.user_id} voted {self.option_id}"


class ModerationAction(models.Model):
    """Who did what to which thread or post, and when: the community's moderation log."""

    class Action(models.TextChoices):
        PIN = "pin", "Pinned"
        UNPIN = "unpin", "Unpinned"
        LOCK = "lock", "Locked"
        UNLOCK = "unlock", "Unlocked"
        MOVE = "move", "Moved"
        HIDE = "hide", "Hid a post"
        RESTORE = "restore", "Restored a post"
        DISMISS = "dismiss", "Dismissed flags"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_id}"
