"""The approval queue: posts and threads held for a facilitator's approval.

A post is held when it contains a holding watched word or its author is still within the
community's pre-moderation of new members' first posts (`posting.hold_reason`). Held content is
hidden content its author may also see (forums/visibility.py), so every list, count, search,
feed, digest and notification that leaves hidden posts out leaves it out too. Nothing about it
is announced while it waits: approving is what publishes it, records the activity-log row and
sends the typed event (once: the approval is a conditional UPDATE); refusing keeps it out of
sight for good and shows the author the facilitator's reason.
"""

from django.db import transaction
from django.utils import timezone

from communities import activity
from communities.models import Activity

from .. import signals
from ..models import ModerationAction, Post, Thread
from .errors import ForumError
from .moderation import _log, _require_moderator
from .posting import _refresh_reply_count, announce_reply, announce_thread, find_mentions

NOT_WAITING = "This post is no longer waiting for approval (another facilitator may have decided)."


def held_posts(community):
    """The queue: posts waiting in `community`, oldest first, with their threads and authors."""
    return (
        Post.objects.held()
        .filter(community=community)
        .select_related("thread", "author")
        .order_by("held_at", "pk")
    )


def _was_public(post):
    """Held after an edit: it was announced once already, and its log rows are only withdrawn."""
    target = post.thread if post.is_opening else post
    return Activity.objects.filter(target_type=target._meta.label_lower, target_id=target.pk).exists()


@transaction.atomic
def approve_post(moderator, post):
    """Publish a held post (and its thread, for an opening post): members see it from now on,
    and the activity log and notifications happen now, exactly once."""
    community = post.community
    _require_moderator(moderator, community)
    claimed = Post.objects.filter(
        pk=post.pk, held_at__isnull=False, rejected_at__isnull=True, deleted_at__isnull=True
    ).update(held_at=None, hidden_at=None, hidden_by=None, reviewed_by=moderator)
    if not claimed:
        raise ForumError(NOT_WAITING)
    now = timezone.now()
    # Lock the thread row only: PostgreSQL refuses FOR UPDATE on the outer join to a null author.
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("community", "author")
        .get(pk=post.thread_id)
    )
    reason = post.held_reason
    post.held_at = post.hidden_at = None
    post.thread = thread
    was_public = _was_public(post)
    if post.is_opening:
        if thread.held_at is not None:
            thread.held_at = thread.hidden_at = None
            thread.save(update_fields=["held_at", "hidden_at"])
    elif not was_public and thread.last_post_at < now:
        # The reply is news from now on: it moves the thread up the list as a new reply would.
        Thread.objects.filter(pk=thread.pk).update(last_post_at=now, last_post_author=post.author)
        thread.last_post_at, thread.last_post_author = now, post.author
    _refresh_reply_count(thread)
    if was_public:
        activity.restore(thread if post.is_opening else post)
    else:
        mentioned = find_mentions(post.body, community, exclude=post.author)
        if post.is_opening:
            announce_thread(thread, mentioned)
        else:
            announce_reply(post, mentioned)
    _log(community, moderator, ModerationAction.Action.APPROVE, thread=thread, post=post, note=reason)
    signals.post_reviewed.send(sender=Post, post=post, approved=True, reviewer=moderator)
    return post


def clean_reason(reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise ForumError("Please give a reason: the author will see it.")
    if len(reason) > 300:
        raise ForumError("Please keep the reason under 300 characters.")
    return reason


@transaction.atomic
def reject_post(moderator, post, reason):
    """Refuse a held post: it stays out of everyone's sight but its author's and the
    facilitators', with `reason` shown to the author."""
    community = post.community
    _require_moderator(moderator, community)
    reason = clean_reason(reason)
    claimed = Post.objects.filter(
        pk=post.pk, held_at__isnull=False, rejected_at__isnull=True, deleted_at__isnull=True
    ).update(rejected_at=timezone.now(), review_note=reason, reviewed_by=moderator)
    if not claimed:
        raise ForumError(NOT_WAITING)
    post.rejected_at, post.review_note = timezone.now(), reason
    _log(community, moderator, ModerationAction.Action.REJECT, thread=post.thread, post=post, note=reason)
    signals.post_reviewed.send(sender=Post, post=post, approved=False, reviewer=moderator)
    return post
