"""The viewer's helpful marks, reactions, bookmarks and reply draft as overlay state on the thread
page (forums/threadpage.py): the draft is an annotation on the thread query; the marks on posts
come for the whole page in one query."""

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from cop_platform import memberstate

from . import threadpage
from .models import Bookmark, CommunityWatch, Draft, Reaction

BOOKMARK = "bookmark"


def reactions_and_bookmarks(user, post_ids):
    """The viewer's reactions and bookmarks on a page of posts: one UNION ALL query."""
    rows = (
        Reaction.objects.filter(user=user, post_id__in=post_ids)
        .order_by()
        .values_list("post_id", "kind")
        .union(
            Bookmark.objects.filter(user=user, post_id__in=post_ids)
            .order_by()
            .annotate(kind=Value(BOOKMARK, output_field=CharField()))
            .values_list("post_id", "kind"),
            all=True,
        )
    )
    marks = {pk: {"bookmarked": False} for pk in post_ids}  # members see "Save"
    for post_id, kind in rows:
        marks[post_id]["bookmarked" if kind == BOOKMARK else f"reacted_{kind}"] = True
    return marks


# None for signed-out viewers (no "Save" button), True/False for members.
threadpage.register_post_marks(
    {**{f"reacted_{kind}": False for kind in Reaction.Kind.values}, "bookmarked": None},
    reactions_and_bookmarks,
)
threadpage.register_thread_state(
    "reply_draft",
    lambda user: Subquery(
        Draft.objects.filter(
            user=user, key=Concat(Value("reply:"), Cast(OuterRef("pk"), output_field=CharField()))
        ).values("body")[:1]
    ),
)


def watched_communities(user):
    """The communities the member follows (the list page's "Following" button), cached with the
    page frame (cop_platform/memberstate.py) until the member follows or unfollows one."""
    return frozenset(CommunityWatch.objects.filter(user=user).values_list("community_id", flat=True))


# A member's own marks are in the pages cached for them (cop_platform/pagecache.py): saving or
# deleting one dates those pages.
for label in (
    "forums.CommunityWatch", "forums.ThreadWatch", "forums.ReadState", "forums.Reaction",
    "forums.Bookmark", "forums.Draft", "forums.Helpful", "forums.Flag", "forums.PollVote",
    "forums.QuickPollVoter", "forums.SurveyParticipant",
):  # fmt: skip
    memberstate.track(label, "user_id")
memberstate.register("watched-communities", watched_communities)
