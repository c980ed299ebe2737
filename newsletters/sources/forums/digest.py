"""Digest sections from the discussions: unanswered questions that match a member's expertise, and
blog posts and surveys (from the activity log).

Members list their expertise as tags on their profile; questions carry tags. A question with no
reply yet, in one of the member's communities, sharing a tag with their expertise, is one they
could answer: putting it in front of the right person is how a community gets fast replies.
Two queries per batch, whatever its size and whoever is in it.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import TaggedItem

from cop_platform.accounts.models import User
from cop_platform.emails import absolute_url
from forums.models import Thread

from ... import digests

LOOK_BACK = datetime.timedelta(days=30)
MAX_ROWS_PER_BATCH = 1000


def unanswered_for_expertise(batch):
    if not batch.community_ids:
        return {}
    expertise = {}
    for user_id, tag_id in TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id__in=list(batch.users)
    ).values_list("object_id", "tag_id"):
        expertise.setdefault(user_id, set()).add(tag_id)
    # One row per (question, tag), in the same query whether or not anyone has expertise, so
    # every batch costs the same.
    rows = (
        Thread.objects.questions()
        .unanswered()
        .filter(
            community_id__in=batch.community_ids,
            hidden_at__isnull=True,
            created_at__gte=batch.until - LOOK_BACK,
            created_at__lt=batch.until,
            tags__isnull=False,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "title", "community_id", "author_id", "created_at", "tags__id")[
            :MAX_ROWS_PER_BATCH
        ]
    )
    questions, tags_of = {}, {}
    for pk, title, community_id, author_id, created_at, tag_id in rows:
        questions.setdefault(pk, (pk, title, community_id, author_id, created_at))
        tags_of.setdefault(pk, set()).add(tag_id)
    per_member = {}
    for user_id, tag_ids in expertise.items():
        communities = set(batch.communities_of.get(user_id, ()))
        matching = [
            q
            for q in questions.values()
            if q[2] in communities and q[3] != user_id and tags_of[q[0]] & tag_ids
        ]
        if matching:
            per_member[user_id] = digests.ItemList(
                [_item(batch, *q) for q in matching[: digests.ITEMS_PER_SECTION]], len(matching)
            )
    return per_member


def _item(batch, pk, title, community_id, author_id, created_at):
    community = batch.communities[community_id]
    return digests.DigestItem(
        text=title,
        url=absolute_url(reverse("forums:thread_detail", args=[community.slug, pk])),
        community=community.name,
        when=created_at,
        note="no reply yet",
    )


digests.register_section(
    digests.Section("expertise", "Questions you could answer", unanswered_for_expertise, order=15)
)


# Blog posts and surveys, read from the activity log (no extra query: the activity-log sections
# of a batch share one).
digests.register_section(digests.activity_section("blog", "From the blog", ["blog.published"], 35))
digests.register_section(
    digests.activity_section("surveys", "Surveys and polls", ["survey.published", "poll.created"], 36)
)
