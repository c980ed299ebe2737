"""Flags and facilitators' moderation: hide and restore, dismiss, pin, lock, move; each logged."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from communities import activity
from communities.models import Activity, Community, Membership
from communities.policy import access_for

from ..models import (
    Flag,
    ModerationAction,
    Post,
    Thread,
)
from .errors import ForumError
from .posting import _refresh_reply_count


def flag_post(user, post, reason, note=""):
    """Report a post to the facilitators. Flagging the same post twice counts once."""
    access = access_for(user, post.community)
    if not access.can_flag(post):
        raise ForumError("Members can flag other people's posts for the facilitators.")
    if reason not in Flag.Reason.values:
        raise ForumError("Please choose why you are flagging this post.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag, created = Flag.objects.get_or_create(
                    post=post, user=user, defaults={"reason": reason, "note": (note or "").strip()[:300]}
                )
        except IntegrityError as error:  # a double click raced us: the first flag stands
            raise ForumError(
                "You have already flagged this post; the facilitators will look at it."
            ) from error
        if not created:
            if flag.resolved_at is None:
                raise ForumError("You have already flagged this post; the facilitators will look at it.")
            flag.reason, flag.note, flag.resolved_at, flag.resolved_by = (
                reason,
                (note or "")[:300],
                None,
                None,
            )
            flag.created_at = timezone.now()
            flag.save(update_fields=["reason", "note", "resolved_at", "resolved_by", "created_at"])
        _refresh_flag_count(post)
    return flag


def _refresh_flag_count(post):
    count = Flag.objects.filter(post=post, resolved_at__isnull=True).count()
    Post.objects.filter(pk=post.pk).update(flag_count=count)
    post.flag_count = count


def _require_moderator(user, community):
    access = access_for(user, community)
    if not access.can_moderate:
        raise ForumError(f"Only facilitators of {community.name} can do that.")
    return access


def _log(community, actor, action, *, thread=None, post=None, note=""):
    ModerationAction.objects.create(
        community=community, actor=actor, action=action, thread=thread, post=post, note=note[:300]
    )


def _resolve_flags(moderator, post):
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
    _refresh_flag_count(post)


@transaction.atomic
def hide_post(moderator, post, note=""):
    """Hide a post from members (facilitators still see it). Hiding the opening post hides the thread."""
    _require_moderator(moderator, post.community)
    if post.is_hidden:
        raise ForumError("This post is already hidden.")
    now = timezone.now()
    post.hidden_at, post.hidden_by = now, moderator
    post.save(update_fields=["hidden_at", "hidden_by"])
    thread = post.thread
    if post.is_opening:
        thread.hidden_at = now
        thread.save(update_fields=["hidden_at"])
        activity.withdraw(thread)
    if thread.accepted_post_id == post.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        thread.accepted_post = None
    _refresh_reply_count(thread)
    _resolve_flags(moderator, post)
    activity.withdraw(post)
    _log(post.community, moderator, ModerationAction.Action.HIDE, thread=thread, post=post, note=note)
    return post


@transaction.atomic
def restore_post(moderator, post):
    _require_moderator(moderator, post.community)
    if post.is_held:
        raise ForumError("This post is waiting for approval: approve it from the approval queue.")
    if not post.is_hidden:
        raise ForumError("This post is not hidden.")
    post.hidden_at, post.hidden_by = None, None
    post.save(update_fields=["hidden_at", "hidden_by"])
    thread = post.thread
    if post.is_opening:
        thread.hidden_at = None
        thread.save(update_fields=["hidden_at"])
        activity.restore(thread)
    _refresh_reply_count(thread)
    if not post.is_deleted:
        activity.restore(post)
    _log(post.community, moderator, ModerationAction.Action.RESTORE, thread=thread, post=post)
    return post


@transaction.atomic
def dismiss_flags(moderator, post):
    """The post is fine: close its open flags without hiding it."""
    _require_moderator(moderator, post.community)
    _resolve_flags(moderator, post)
    _log(post.community, moderator, ModerationAction.Action.DISMISS, thread=post.thread, post=post)


@transaction.atomic
def set_pinned(moderator, thread, pinned):
    _require_moderator(moderator, thread.community)
    thread.is_pinned = pinned
    thread.save(update_fields=["is_pinned"])
    action = ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN
    _log(thread.community, moderator, action, thread=thread)


@transaction.atomic
def set_locked(moderator, thread, locked):
    _require_moderator(moderator, thread.community)
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    action = ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK
    _log(thread.community, moderator, action, thread=thread)


def move_targets(user):
    """Communities `user` may move a thread into: those they facilitate (staff: all live ones)."""
    live = Community.objects.filter(status__in=Community.LIVE_STATUSES)
    if user.is_staff:
        return live
    return live.filter(
        memberships__user=user,
        memberships__state=Membership.State.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
    )


@transaction.atomic
def move_thread(moderator, thread, target):
    """Move a thread, its posts and their log rows to another community the moderator facilitates."""
    source = thread.community
    _require_moderator(moderator, source)
    if target.pk == source.pk:
        raise ForumError(f"This thread is already in {source.name}.")
    if not access_for(moderator, target).can_moderate or not target.is_live:
        raise ForumError(
            f"You can only move threads to communities you facilitate; {target.name} is not one."
        )
    thread.community = target
    thread.theme = None  # themes belong to one community
    thread.save(update_fields=["community", "theme"])
    post_ids = list(Post.objects.filter(thread=thread).values_list("pk", flat=True))
    Post.objects.filter(thread=thread).update(community=target)
    # The log rows follow the thread, so the old community's feed stops showing it and a move
    # into a closed community does not leave its title in an open community's feed.
    Activity.objects.filter(
        Q(target_type=Thread._meta.label_lower, target_id=thread.pk)
        | Q(target_type=Post._meta.label_lower, target_id__in=post_ids)
    ).update(community=target)
    note = f"Moved from {source.name} to {target.name}"
    _log(source, moderator, ModerationAction.Action.MOVE, thread=thread, note=note)
    _log(target, moderator, ModerationAction.Action.MOVE, thread=thread, note=note)
    return thread
