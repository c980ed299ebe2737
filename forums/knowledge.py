"""What discussions tell the knowledge map (communities.knowledge): accepted answers, helpful
marks received, and which tags' questions get answered, by whom.

Only what every reader of the community sees counts: threads not hidden, posts neither hidden
nor deleted. Registered in ForumsConfig.ready().
"""

from django.db.models import F, Q

from .models import Helpful, Post, Thread

_SHOWN_POST = Q(deleted_at__isnull=True, hidden_at__isnull=True)


def accepted_answers(communities, person=None):
    """(community, answerer, question tag, reply time) per accepted answer to someone else. One query."""
    rows = (
        Thread.objects.filter(
            community__in=communities,
            hidden_at__isnull=True,
            accepted_post__isnull=False,
            accepted_post__deleted_at__isnull=True,
            accepted_post__hidden_at__isnull=True,
            accepted_post__author__isnull=False,
        )
        # Accepting one's own reply ("solved it myself") is not someone else recognising expertise.
        .exclude(accepted_post__author=F("author"))
    )
    if person is not None:
        rows = rows.filter(accepted_post__author=person)
    return rows.values_list(
        "community_id", "accepted_post__author_id", "tags__name", "accepted_post__created_at"
    )


def helpful_marks(communities, person=None):
    """(community, author of the post, thread tag, time of the mark) per helpful mark. One query."""
    rows = Helpful.objects.filter(
        post__community__in=communities,
        post__deleted_at__isnull=True,
        post__hidden_at__isnull=True,
        post__thread__hidden_at__isnull=True,
        post__author__isnull=False,
    )
    if person is not None:
        rows = rows.filter(post__author=person)
    return rows.values_list("post__community_id", "post__author_id", "post__thread__tags__name", "created_at")


def questions_and_answerers(communities, since):
    """Questions asked since `since` by tag, and who answered questions by tag since then. Two queries."""
    asked = Thread.objects.filter(
        community__in=communities, kind=Thread.Kind.QUESTION, hidden_at__isnull=True, created_at__gte=since
    ).values_list("community_id", "pk", "tags__name")
    answered = (
        Post.objects.filter(
            _SHOWN_POST,
            community__in=communities,
            number__gt=1,
            created_at__gte=since,
            author__isnull=False,
            thread__kind=Thread.Kind.QUESTION,
            thread__hidden_at__isnull=True,
        )
        .exclude(thread__author=F("author"))
        .values_list("community_id", "thread__tags__name", "author_id")
        .distinct()
    )
    return list(asked), list(answered)
