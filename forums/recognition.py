"""What discussions add to recognition (communities.recognition): three badge rules, thanks on
posts, and the discussion columns of the contribution record. Registered in ForumsConfig.ready().

Only posts members can read count: not deleted, not hidden, not in a hidden thread.
"""

from django.db.models import Count, F, Q, Sum

from communities.models import Thanks
from communities.recognition import (
    BadgeRule,
    Kind,
    RecordSource,
    ThanksRefused,
    ThanksTarget,
    give_thanks,
    not_awarded,
    register_badge_rule,
    register_record_source,
    register_thanks_target,
)

from .models import Post, Thread

HELPFUL_THRESHOLD = 10
WELCOMES_THRESHOLD = 10


def _readable_posts():
    return Post.objects.shown().filter(thread__hidden_at__isnull=True, author__isnull=False)


def _welcome_replies():
    """Replies to a newcomer's first discussion (Thread.is_first_post), by someone else."""
    return (
        _readable_posts().filter(number__gt=1, thread__is_first_post=True).exclude(author=F("thread__author"))
    )


def first_accepted(now):
    return (
        Thread.objects.filter(
            hidden_at__isnull=True,
            accepted_post__deleted_at__isnull=True,
            accepted_post__hidden_at__isnull=True,
            accepted_post__author__is_active=True,
        )
        .exclude(accepted_post__author=F("author"))
        .filter(not_awarded(Kind.FIRST_ACCEPTED, user="accepted_post__author_id"))
        .values_list("accepted_post__author_id", "community_id")
        .distinct()
    )


def ten_helpful(now):
    return (
        _readable_posts()
        .filter(author__is_active=True, helpful_count__gt=0)
        .filter(not_awarded(Kind.TEN_HELPFUL, user="author_id"))
        .values_list("author_id", "community_id")
        .annotate(n=Sum("helpful_count"))
        .filter(n__gte=HELPFUL_THRESHOLD)
        .values_list("author_id", "community_id")
    )


def welcomers(now):
    return (
        _welcome_replies()
        .filter(author__is_active=True)
        .filter(not_awarded(Kind.WELCOMER, user="author_id"))
        .values_list("author_id", "community_id")
        .annotate(n=Count("thread__author", distinct=True))
        .filter(n__gte=WELCOMES_THRESHOLD)
        .values_list("author_id", "community_id")
    )


def _visible_posts(viewer, ids):
    return Post.objects.visible_to(viewer).filter(pk__in=list(ids)).values_list("pk", flat=True)


def _posts(person, viewer, community_ids):
    """Posts, answers accepted (to someone else's question) and helpful marks received, and
    newcomers welcomed: two queries."""
    rows = (
        Post.objects.visible_to(viewer)
        .filter(author=person, community_id__in=community_ids)
        .values_list("community_id")
        .annotate(
            posts=Count("pk"),
            accepted=Count("pk", filter=Q(thread__accepted_post=F("pk")) & ~Q(thread__author=person)),
            helpful=Sum("helpful_count"),
        )
        .values_list("community_id", "posts", "accepted", "helpful")
    )
    out = {c: {"posts": p, "accepted": a, "helpful": h or 0} for c, p, a, h in rows}
    welcomes = (
        _welcome_replies()
        .filter(author=person, community_id__in=community_ids, thread__in=Thread.objects.visible_to(viewer))
        .values_list("community_id")
        .annotate(n=Count("thread__author", distinct=True))
        .values_list("community_id", "n")
    )
    for c, n in welcomes:
        out.setdefault(c, {})["welcomes"] = n
    return out


def thank_post(facilitator, post, message):
    """A facilitator's public thanks to the author of `post` (communities.recognition.give_thanks).
    Only a post members can read: thanks on a hidden post would be hidden with it."""
    if post.is_deleted or post.is_hidden or post.thread.is_hidden:
        raise ThanksRefused("This post is not visible to members, so it cannot be thanked publicly.")
    if post.author is None:
        raise ThanksRefused("The author of this post has left, so there is nobody to thank.")
    return give_thanks(
        facilitator, post.community, post.author, message, target=post, url=post.get_absolute_url()
    )


def thanks_on_posts(user, post_ids):
    """A page's thanks, for the post (the latest note and its author, how many in all, whether
    the viewer has thanked): one query. The fragment's cache key holds these values, so a new
    thanks renders a new fragment."""
    rows = (
        Thanks.objects.filter(target_type="forums.post", target_id__in=post_ids)
        .order_by("-created_at", "-pk")
        .values_list("target_id", "message", "thanked_by__display_name", "thanked_by_id")
    )
    marks = {}
    for post_id, message, by, by_id in rows:
        mark = marks.setdefault(post_id, {"thanks_note": message, "thanks_by": by or "", "thanks_count": 0})
        mark["thanks_count"] += 1
        if by_id == user.pk:
            mark["thanked_by_me"] = True
    return marks


def _register_post_states():
    from . import threadpage

    threadpage.register_post_marks(
        {"thanks_note": "", "thanks_by": "", "thanks_count": 0, "thanked_by_me": False}, thanks_on_posts
    )


def register():
    _register_post_states()
    register_badge_rule(
        BadgeRule(
            Kind.FIRST_ACCEPTED,
            "Have one of your replies accepted as the answer to someone else's question.",
            first_accepted,
            order=20,
        )
    )
    register_badge_rule(
        BadgeRule(
            Kind.TEN_HELPFUL,
            f"Receive {HELPFUL_THRESHOLD} “Helpful” marks on your posts in one community.",
            ten_helpful,
            order=30,
        )
    )
    register_badge_rule(
        BadgeRule(
            Kind.WELCOMER,
            f"Reply to the first discussion of {WELCOMES_THRESHOLD} different newcomers.",
            welcomers,
            stewardship=True,
            order=50,
        )
    )
    register_thanks_target(ThanksTarget("forums.post", _visible_posts))
    register_record_source(
        RecordSource(
            "discussions",
            (
                ("posts", "Posts"),
                ("accepted", "Answers accepted"),
                ("helpful", "Helpful marks received"),
                ("welcomes", "Newcomers welcomed"),
            ),
            _posts,
            order=10,
        )
    )
