"""The viewer's reactions, bookmarks and reply draft as overlay state on the thread page
(forums/threadpage.py): annotations on queries the page makes anyway, so they cost no query."""

from django.db.models import CharField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from cop_platform import memberstate

from . import threadpage
from .models import Bookmark, CommunityWatch, Draft, Reaction

for _kind in Reaction.Kind.values:
    threadpage.register_post_state(
        f"reacted_{_kind}",
        lambda user, kind=_kind: Exists(Reaction.objects.filter(post=OuterRef("pk"), user=user, kind=kind)),
        default=False,
    )
# None for signed-out viewers (no "Save" button), True/False for members.
threadpage.register_post_state(
    "bookmarked", lambda user: Exists(Bookmark.objects.filter(post=OuterRef("pk"), user=user)), default=None
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


memberstate.track("forums.CommunityWatch", "user_id")
memberstate.register("watched-communities", watched_communities)
