"""What forums gives the facilitator's craft (communities.extensions): nudge sources and the
"introduce yourself" step of the newcomer checklist. Registered in ForumsConfig.ready()."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from communities.extensions import ChecklistItem, NudgeCandidate
from communities.models import Membership
from communities.policy import community_readers

from .models import Post, Thread

INTRODUCTIONS_TAG = "introductions"
QUESTION_WAITING_AFTER = datetime.timedelta(hours=24)
LOOK_BACK = datetime.timedelta(days=30)
SUGGESTIONS = 3


def first_posts_without_reply(community, now):
    from communities.nudges import first_post_hours

    threads = (
        Thread.objects.filter(community=community, is_first_post=True, reply_count=0, hidden_at__isnull=True)
        .exclude(kind=Thread.Kind.ANNOUNCEMENT)
        .filter(
            created_at__lte=now - datetime.timedelta(hours=first_post_hours()),
            created_at__gte=now - LOOK_BACK,
        )
        .select_related("author")
    )
    return [
        NudgeCandidate(
            "first_post",
            f"first_post:{t.pk}",
            f"{t.author.name if t.author else 'A member'}'s first post has no reply yet: {t.title}",
            url=reverse("forums:thread_detail", args=[community.slug, t.pk]),
            member_id=t.author_id,
        )  # fmt: skip
        for t in threads
    ]


def waiting_questions(community, now):
    """Unanswered questions, each with the members whose expertise or accepted answers match it."""
    threads = list(
        Thread.objects.filter(
            community=community, kind=Thread.Kind.QUESTION, reply_count=0, hidden_at__isnull=True,
            is_first_post=False, created_at__lte=now - QUESTION_WAITING_AFTER, created_at__gte=now - LOOK_BACK,
        ).prefetch_related("tags")[:50]
    )  # fmt: skip
    tag_ids = {tag.pk for t in threads for tag in t.tags.all()}
    # Only people who may read the question now (policy.readers_of's rule for the community)
    # and are members: a suggestion never points anyone at something they cannot see.
    readers = community_readers(community).values("pk")
    members = Membership.objects.active().filter(community=community, user__in=readers).values("user_id")
    by_expertise = {}
    for user_id, name, tag_id in (
        get_user_model()
        .objects.filter(pk__in=members, expertise__in=tag_ids)
        .values_list("pk", "display_name", "expertise")
    ):
        by_expertise.setdefault(tag_id, []).append((user_id, name, "lists it as expertise"))
    by_answers = {}
    accepted = (
        Post.objects.filter(
            community=community, author__in=members.values("user_id"),
            pk__in=Thread.objects.filter(community=community, tags__in=tag_ids).values("accepted_post_id"),
        )
        .values_list("author_id", "author__display_name", "thread__tags")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for user_id, name, tag_id, n in accepted:
        if tag_id in tag_ids:
            by_answers.setdefault(tag_id, []).append(
                (user_id, name, f"{n} accepted answer{'s' if n != 1 else ''} on it")
            )
    candidates = []
    for thread in threads:
        found = {}
        for tag in thread.tags.all():
            for user_id, name, why in by_answers.get(tag.pk, []) + by_expertise.get(tag.pk, []):
                if user_id != thread.author_id and user_id not in found:
                    found[user_id] = {"id": user_id, "name": name, "why": f"{why}: {tag.name}"}
        suggestions = list(found.values())[:SUGGESTIONS]
        candidates.append(
            NudgeCandidate(
                "waiting_question",
                f"waiting_question:{thread.pk}",
                thread.title,
                url=reverse("forums:thread_detail", args=[community.slug, thread.pk]),
                member_id=suggestions[0]["id"] if suggestions else None,
                suggestions=tuple(suggestions),
            )  # fmt: skip
        )
    return candidates


def introduced(membership):
    """The member wrote in a thread tagged "introductions" in this community."""
    return Exists(
        Post.objects.filter(
            author=OuterRef("pk"), community_id=membership.community_id, deleted_at__isnull=True,
        ).filter(Q(thread__tags__slug=INTRODUCTIONS_TAG) | Q(thread__tags__name__iexact=INTRODUCTIONS_TAG))
    )  # fmt: skip


def introductions_url(community):
    return reverse("forums:thread_list", args=[community.slug]) + f"?tag={INTRODUCTIONS_TAG}"


INTRODUCE = ChecklistItem(
    "introduce", "Introduce yourself in the introductions thread", introduced, introductions_url, order=10
)
