import re

from django.db import models
from django.db.models import Q


class WatchedWord(models.Model):
    """A word that blocks a post, holds it for a facilitator's approval or flags it; site-wide
    when `community` is empty."""

    class Action(models.TextChoices):
        BLOCK = "block", "Block the post"
        HOLD = "hold", "Hold it for a facilitator's approval"
        FLAG = "flag", "Publish it and flag it to the facilitators"

    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="watched_words"
    )
    word = models.CharField(max_length=100)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.FLAG)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "word"], name="one_watched_word")]

    def __str__(self):
        return f"{self.word} ({self.get_action_display()})"

    @classmethod
    def found_in(cls, community, *texts):
        """{action: [words]} for the watched words found as whole words in `texts`,
        case-insensitively (one query); every action is a key, with an empty list if none."""
        text = "\n".join(t or "" for t in texts)
        found = {action: [] for action in cls.Action.values}
        for word, action in cls.objects.filter(
            Q(community=community) | Q(community__isnull=True)
        ).values_list("word", "action"):
            word = word.strip()
            if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
                found.setdefault(action, []).append(word)
        return found
