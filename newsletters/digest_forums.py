"""Digest section from the discussions: unanswered questions that match a member's expertise.

Members list their expertise as tags on their profile; questions carry tags. A question with no
reply yet, in one of the member's communities, sharing a tag with their expertise, is one they
could answer: putting it in front of the right person is how a community gets fast replies.
Three queries per batch, whatever its size.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import TaggedItem

from cop_platform.accounts.models import User
from cop_platform.emails import absolute_url
from forums.models import Thread

from . import digests

LOOK_BACK = datetime.timedelta(days=30)
MAX_QUESTIONS_PER_BATCH = 300


def unanswered_for_expertise(batch):
    if not batch.community_ids:
        return {}
    user_ct = ContentType.objects.get_for_model(User)
    thread_ct = ContentType.objects.get_for_model(Thread)
    expertise = {}
    for user_id, tag_id in TaggedItem.objects.filter(
        content_type=user_ct, object_id__in=list(batch.users)
    ).values_list("object_id", "tag_id"):
        expertise.setdefault(user_id, set()).add(tag_id)
    if not expertise:
        return {}
    threads = list(
        Thread.objects.questions()
        .unanswered()
        .filter(
            community_id__in=batch.community_ids,
            hidden_at__isnull=True,
            created_at__gte=batch.until - LOOK_BACK,
            created_at__lt=batch.until,
        )
        .only("pk", "title", "community_id", "author_id", "created_at")
        .order_by("-created_at")[:MAX_QUESTIONS_PER_BATCH]
    )
    tags_of = {}
    for thread_id, tag_id in TaggedItem.objects.filter(
        content_type=thread_ct, object_id__in=[t.pk for t in threads]
    ).values_list("object_id", "tag_id"):
        tags_of.setdefault(thread_id, set()).add(tag_id)
    per_member = {}
    for user_id, tag_ids in expertise.items():
        communities = set(batch.communities_of.get(user_id, ()))
        matching = [
            t
            for t in threads
            if t.community_id in communities and t.author_id != user_id and tags_of.get(t.pk, set()) & tag_ids
        ]
        if matching:
            items = [
                digests.DigestItem(
                    text=t.title,
                    url=absolute_url(
                        reverse("forums:thread_detail", args=[batch.communities[t.community_id].slug, t.pk])
                    ),
                    community=batch.communities[t.community_id].name,
                    when=t.created_at,
                    note="no reply yet",
                )
                for t in matching[: digests.ITEMS_PER_SECTION]
            ]
            per_member[user_id] = digests.ItemList(items, len(matching))
    return per_member


digests.register_section(
    digests.Section("expertise", "Questions you could answer", unanswered_for_expertise, order=15)
)
