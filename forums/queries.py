"""Reads shared by views, panels and feeds: access helpers that 404, search and similar threads."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.http import Http404

from communities.models import Membership
from communities.policy import get_community_for

from .models import Post, Thread


def get_thread_for(user, slug, pk):
    """Return (community, access, thread) or raise 404 if `user` may not see the thread."""
    community, access = get_community_for(user, slug)
    thread = (
        Thread.objects.select_related("author", "accepted_post__author", "poll", "theme")
        .filter(pk=pk, community=community)
        .first()
    )
    if thread is None or not access.can_view_thread(thread):
        raise Http404("No such discussion.")
    thread.community = community
    return community, access, thread


def get_post_for(user, slug, pk):
    """Return (community, access, post) for a post of a thread `user` may see, else 404."""
    community, access = get_community_for(user, slug)
    post = Post.objects.select_related("thread", "author").filter(pk=pk, community=community).first()
    if post is None or not access.can_view_thread(post.thread):
        raise Http404("No such post.")
    if post.is_hidden and not (access.can_see_hidden_posts or (post.is_held and access.can_see(post))):
        raise Http404("No such post.")
    post.community = post.thread.community = community
    return community, access, post


def threads_for_community(community, access):
    threads = Thread.objects.filter(community=community)
    if not access.can_see_hidden_posts:
        threads = threads.filter(hidden_at__isnull=True)
    return threads


def is_postgres():
    return connection.vendor == "postgresql"


_WORD = re.compile(r"\w{3,}")
_STOP = set(
    "the and for you your how what with this that have has are was who does any can about from when "
    "into our out why which there their them they will would should could".split()
)


def similar_threads(community, access, title, limit=5):
    """Threads in the same community whose titles share words with `title` (never other communities)."""
    words = [w for w in _WORD.findall((title or "").lower()) if w not in _STOP][:8]
    if not words:
        return []
    threads = threads_for_community(community, access)
    if is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(" | ".join(words), search_type="raw", config="english")
        vector = SearchVector("title", config="english")
        return list(
            threads.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-last_post_at")
            .only("pk", "title", "reply_count", "accepted_post", "community")[:limit]
        )
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    return list(threads.filter(match).order_by("-last_post_at")[:limit])


def people_who_could_answer(thread, tags, limit=5):
    """Active members of the thread's community whose expertise shares a tag with an
    unanswered question: who a facilitator could invite to reply (one query)."""
    if not tags or thread.kind != Thread.Kind.QUESTION or thread.reply_count:
        return []
    return list(
        get_user_model()
        .objects.filter(
            memberships__community_id=thread.community_id,
            memberships__state=Membership.State.ACTIVE,
            expertise__in=tags,
            is_active=True,
        )
        .exclude(pk=thread.author_id)
        .distinct()
        .order_by("display_name")[:limit]
    )
