"""Every change to discussions goes through these functions.

Each checks the policy, owns its transaction (locking the thread row where post numbers or
counters change), records the activity log and sends forums.signals for newsletters. A refused
change raises ForumError whose message is shown to the member as it is.
"""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape

from communities import activity
from communities.models import Activity, Community, Membership, Theme
from communities.policy import access_for
from cop_platform.markdown import render_markdown, sanitise_html

from . import signals
from .models import (
    CommunityWatch,
    Flag,
    Helpful,
    ModerationAction,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    ReadState,
    Thread,
    ThreadWatch,
)


class ForumError(Exception):
    """A change was refused; str(error) is a message for the person who asked."""


# --- abuse limits ------------------------------------------------------------------------

NEW_ACCOUNT_AGE = datetime.timedelta(hours=24)
NEW_ACCOUNT_POSTS = 3
NEW_ACCOUNT_MAX_LINKS = 2
# Each link carries one of these, whether bare, in Markdown [text](url) or in an <a> tag.
_LINK_RE = re.compile(r"(?:https?://|www\.|mailto:|ftp://)", re.IGNORECASE)


def count_links(text):
    return len(_LINK_RE.findall(text or ""))


def is_new_account(user):
    if user.date_joined and user.date_joined > timezone.now() - NEW_ACCOUNT_AGE:
        return True
    return Post.objects.filter(author=user).count() < NEW_ACCOUNT_POSTS


def check_links(user, *texts):
    """New accounts may include only a few links: the commonest shape of forum spam."""
    links = sum(count_links(t) for t in texts)
    if links > NEW_ACCOUNT_MAX_LINKS and is_new_account(user):
        raise ForumError(
            f"Welcome! New members can include up to {NEW_ACCOUNT_MAX_LINKS} links in a post, and this one "
            f"has {links}. Please remove some links (your text is kept below); the limit lifts after your "
            f"first {NEW_ACCOUNT_POSTS} posts."
        )


# --- mentions ----------------------------------------------------------------------------

_MENTION_START = re.compile(r"(?<![\w.@])@(\w[\w'’-]*)")


def find_mentions(text, community, exclude=None):
    """Active members of `community` mentioned as "@Display Name" in `text` (two queries at most).

    Only members are matched, so a mention never sends closed content to an outsider.
    """
    words = {w.lower() for w in _MENTION_START.findall(text or "")}
    if not words:
        return []
    first_words = Q()
    for word in list(words)[:30]:
        first_words |= Q(user__display_name__istartswith=word)
    memberships = (
        Membership.objects.active()
        .filter(community=community)
        .filter(first_words)
        .select_related("user")[:200]
    )
    found = []
    for membership in memberships:
        user = membership.user
        if exclude is not None and user.pk == exclude.pk:
            continue
        if re.search(r"(?<![\w.@])@" + re.escape(user.display_name) + r"(?!\w)", text, re.IGNORECASE):
            found.append(user)
    return found


def _render(body, mentioned=()):
    """Markdown to sanitised HTML, with @mentions linked to the members' profiles."""
    html = render_markdown(body)
    for user in mentioned:
        name = escape(user.display_name)
        link = f'<a href="{escape(user.get_absolute_url())}">@{name}</a>'
        html = re.sub(
            r"(?<![\w.@/])@" + re.escape(name) + r"(?!\w)", lambda _m, link=link: link, html, flags=re.I
        )
    return sanitise_html(html) if mentioned else html


# --- threads and posts -------------------------------------------------------------------


def _clean(text, what, limit=None):
    text = (text or "").strip()
    if not text:
        raise ForumError(f"Please write a {what}.")
    if limit and len(text) > limit:
        raise ForumError(f"The {what} is too long: please keep it under {limit} characters.")
    return text


def _is_first_post(author, community):
    return not Post.objects.filter(author=author, community=community).exists()


def start_thread(
    author, community, *, title, body, kind=Thread.Kind.QUESTION, tags=(), theme=None, poll=None
):
    """Open a thread with its first post. `poll` is None or a dict with question, options,
    multiple and closes_at. Raises ForumError when the policy or the limits refuse."""
    access = access_for(author, community)
    if not access.can_post:
        raise ForumError(f"Only members of {community.name} can start a discussion here.")
    if kind not in Thread.Kind.values:
        raise ForumError("Please choose whether this is a question, a discussion or an announcement.")
    if kind == Thread.Kind.ANNOUNCEMENT and not access.can_post_announcement:
        raise ForumError("Only facilitators can post announcements. Please choose question or discussion.")
    title = _clean(title, "title", 200)
    body = _clean(body, "message", 20000)
    if theme is not None and theme.community_id != community.pk:
        raise ForumError("That theme belongs to another community.")
    check_links(author, title, body)
    options = []
    if poll:
        options = [o.strip() for o in poll.get("options", []) if o.strip()]
        if not (poll.get("question") or "").strip():
            raise ForumError("Please write the poll question, or leave all the poll fields empty.")
        if not 2 <= len(options) <= 10:
            raise ForumError("A poll needs between 2 and 10 options, one per line.")
        if len({o.lower() for o in options}) != len(options):
            raise ForumError("Two poll options are the same; please make each option different.")
        if poll.get("closes_at") and poll["closes_at"] <= timezone.now():
            raise ForumError("The poll's closing date is in the past; please choose a later one.")
    mentioned = find_mentions(body, community, exclude=author)
    now = timezone.now()
    with transaction.atomic():
        first = _is_first_post(author, community)
        thread = Thread.objects.create(
            community=community,
            theme=theme,
            author=author,
            title=title,
            kind=kind,
            created_at=now,
            last_post_at=now,
            last_post_author=author,
            post_count=1,
            is_first_post=first,
        )
        if tags:
            thread.tags.set([t for t in tags if t])
        Post.objects.create(
            thread=thread,
            community=community,
            author=author,
            number=1,
            body=body,
            body_html=_render(body, mentioned),
            created_at=now,
            is_first_post=first,
        )
        if options:
            new_poll = Poll.objects.create(
                thread=thread,
                question=poll["question"].strip()[:200],
                multiple=bool(poll.get("multiple")),
                closes_at=poll.get("closes_at"),
            )
            PollOption.objects.bulk_create(
                PollOption(poll=new_poll, text=text[:150], position=i) for i, text in enumerate(options)
            )
        ThreadWatch.objects.get_or_create(thread=thread, user=author)
        ReadState.objects.create(thread=thread, user=author, last_read=1)
        activity.record(
            community, author, "thread.created", f"{author.name} asked: {title}"
            if kind == Thread.Kind.QUESTION else f"{author.name} started: {title}",
            url=thread.get_absolute_url(), target=thread,
        )  # fmt: skip
        signals.thread_created.send(sender=Thread, thread=thread, mentioned=mentioned)
    return thread


def _refresh_reply_count(thread):
    count = Post.objects.shown().filter(thread=thread, number__gt=1).count()
    Thread.objects.filter(pk=thread.pk).update(reply_count=count)
    thread.reply_count = count


def post_reply(author, thread, body, *, quoted=None):
    """Add a reply; the author starts watching the thread. Refused on locked threads."""
    community = thread.community
    access = access_for(author, community)
    if not access.can_view_thread(thread):
        raise ForumError(f"Only members of {community.name} can reply here.")
    if thread.is_locked and not access.can_moderate:
        raise ForumError("This thread is locked: no new replies can be added.")
    if not access.can_reply(thread):
        raise ForumError(f"Only members of {community.name} can reply here.")
    body = _clean(body, "reply", 20000)
    check_links(author, body)
    if quoted is not None and (quoted.thread_id != thread.pk or quoted.is_deleted or quoted.is_hidden):
        quoted = None
    mentioned = find_mentions(body, community, exclude=author)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.is_locked and not access.can_moderate:
            raise ForumError("This thread is locked: no new replies can be added.")
        now = timezone.now()
        number = locked.post_count + 1
        post = Post.objects.create(
            thread=thread,
            community=community,
            author=author,
            number=number,
            body=body,
            body_html=_render(body, mentioned),
            quoted=quoted,
            created_at=now,
            is_first_post=_is_first_post(author, community),
        )
        Thread.objects.filter(pk=thread.pk).update(
            post_count=number, last_post_at=now, last_post_author=author, reply_count=F("reply_count") + 1
        )
        thread.post_count, thread.last_post_at, thread.last_post_author = number, now, author
        thread.reply_count += 1
        ThreadWatch.objects.get_or_create(thread=thread, user=author)
        ReadState.objects.update_or_create(thread=thread, user=author, defaults={"last_read": number})
        activity.record(
            community, author, "post.created", f"{author.name} replied to {thread.title}",
            url=post.get_absolute_url(), target=post,
        )  # fmt: skip
        signals.post_created.send(sender=Post, post=post, mentioned=mentioned)
    return post


@transaction.atomic
def edit_post(editor, post, body, *, title=None):
    """Change a post's text, keeping the previous version for facilitators to read."""
    thread = post.thread
    access = access_for(editor, post.community)
    if not access.can_edit_post(post):
        raise ForumError("You can only edit your own posts, and not once a thread is locked.")
    body = _clean(body, "message", 20000)
    if post.is_opening and title is not None:
        title = _clean(title, "title", 200)
    check_links(editor, body, title or "")
    before = find_mentions(post.body, post.community, exclude=post.author)
    mentioned = find_mentions(body, post.community, exclude=post.author)
    PostRevision.objects.create(
        post=post, body=post.body, title=thread.title if post.is_opening else "", editor=editor
    )
    post.body = body
    post.body_html = _render(body, mentioned)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if post.is_opening and title is not None and title != thread.title:
        thread.title = title
        thread.save(update_fields=["title"])
    new = [u for u in mentioned if u.pk not in {b.pk for b in before}]
    if new:
        signals.post_mentioned.send(sender=Post, post=post, mentioned=new)
    return post


@transaction.atomic
def delete_post(user, post):
    """The author withdraws a reply; a placeholder keeps the thread's numbering readable."""
    access = access_for(user, post.community)
    if post.is_opening:
        raise ForumError("The opening post cannot be deleted; you can edit it instead.")
    if not access.can_delete_post(post):
        raise ForumError("You can only delete your own posts.")
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    thread = post.thread
    if thread.accepted_post_id == post.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        thread.accepted_post = None
    _refresh_reply_count(thread)
    activity.withdraw(post)
    return post


@transaction.atomic
def accept_answer(user, thread, post):
    """Mark `post` as the answer to a question (or clear it when post is None)."""
    access = access_for(user, thread.community)
    if not access.can_accept_answer(thread):
        raise ForumError("Only the person who asked, or a facilitator, can accept an answer.")
    if post is not None:
        if post.thread_id != thread.pk or post.is_opening:
            raise ForumError("Please choose a reply in this thread as the answer.")
        if post.is_deleted or post.is_hidden:
            raise ForumError("That reply is no longer visible, so it cannot be the accepted answer.")
    previous = thread.accepted_post_id
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    if post is not None and previous != post.pk:
        activity.record(
            thread.community, user, "answer.accepted",
            f"{post.author.name if post.author else 'A member'}'s answer was accepted: {thread.title}",
            url=post.get_absolute_url(), target=post,
        )  # fmt: skip
        signals.answer_accepted.send(sender=Thread, thread=thread, post=post, accepted_by=user)
    return thread


def toggle_helpful(user, post):
    """Mark a post helpful, or take the mark back. One mark per member and post. Returns the new state."""
    access = access_for(user, post.community)
    if not access.can_mark_helpful(post):
        raise ForumError("Members can mark other people's posts as helpful.")
    with transaction.atomic():
        deleted, _ = Helpful.objects.filter(post=post, user=user).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
            return False
        try:
            with transaction.atomic():
                Helpful.objects.create(post=post, user=user)
        except IntegrityError:
            return True  # a double click raced us; the mark is there once
        Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
        return True


# --- following and reading -----------------------------------------------------------------


def set_thread_watch(user, thread, watch):
    if watch:
        ThreadWatch.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadWatch.objects.filter(thread=thread, user=user).delete()


def set_community_watch(user, community, watch):
    if watch:
        CommunityWatch.objects.get_or_create(community=community, user=user)
    else:
        CommunityWatch.objects.filter(community=community, user=user).delete()


def mark_read(user, thread, number, current=None):
    """Move the member's read marker forward to post `number` (never backwards)."""
    if not user.is_authenticated or (current is not None and current >= number):
        return
    updated = ReadState.objects.filter(thread=thread, user=user, last_read__lt=number).update(
        last_read=number
    )
    if not updated and current is None:
        try:
            with transaction.atomic():
                ReadState.objects.create(thread=thread, user=user, last_read=number)
        except IntegrityError:
            pass


def _members_who_may_see(community, user_ids):
    """The subset of user_ids who may read `community` now (closed: active members and staff)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=set(user_ids), is_active=True)
    if not community.is_open:
        users = users.filter(
            Q(is_staff=True) | Q(memberships__community=community, memberships__state=Membership.State.ACTIVE)
        )
    return list(users.distinct())


def reply_recipients(post):
    """Watchers of the thread who may still read it, except the author of the reply."""
    ids = ThreadWatch.objects.filter(thread_id=post.thread_id).exclude(user_id=post.author_id)
    return _members_who_may_see(post.community, ids.values_list("user_id", flat=True))


def new_thread_recipients(thread):
    ids = CommunityWatch.objects.filter(community_id=thread.community_id).exclude(user_id=thread.author_id)
    return _members_who_may_see(thread.community, ids.values_list("user_id", flat=True))


def may_see(user, community):
    return bool(_members_who_may_see(community, [user.pk]))


# --- polls --------------------------------------------------------------------------------


@transaction.atomic
def vote(user, poll, option_ids):
    """Record a member's vote; voting again replaces the earlier choice."""
    thread = poll.thread
    access = access_for(user, thread.community)
    if poll.is_closed:
        raise ForumError("This poll has closed; the results are final.")
    if not access.can_vote(poll):
        raise ForumError(f"Only members of {thread.community.name} can vote.")
    options = list(PollOption.objects.select_for_update().filter(poll=poll, pk__in=option_ids))
    if not options:
        raise ForumError("Please choose an option before voting.")
    if len(options) > 1 and not poll.multiple:
        raise ForumError("This poll allows one choice only.")
    previous = set(PollVote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True))
    chosen = {o.pk for o in options}
    PollVote.objects.filter(poll=poll, user=user).exclude(option_id__in=chosen).delete()
    PollOption.objects.filter(pk__in=previous - chosen).update(vote_count=F("vote_count") - 1)
    PollVote.objects.bulk_create(PollVote(poll=poll, option_id=pk, user=user) for pk in chosen - previous)
    PollOption.objects.filter(pk__in=chosen - previous).update(vote_count=F("vote_count") + 1)


# --- flags and moderation -------------------------------------------------------------------


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


def themes_for(community):
    return Theme.objects.filter(community=community).order_by("-starts_on")


def recognition_for(person, viewer):
    """What `viewer` may see of `person`'s contribution: posts, helpful marks received and
    accepted answers, counted only where `viewer` may read, so closed communities reveal
    nothing (one query)."""
    from django.db.models import Count, Sum

    visible = Post.objects.shown().filter(
        author=person, thread__in=Thread.objects.visible_to(viewer).values("pk")
    )
    totals = visible.aggregate(
        posts=Count("pk"),
        helpful=Sum("helpful_count"),
        accepted=Count("pk", filter=Q(thread__accepted_post=F("pk"))),
    )
    return {key: value or 0 for key, value in totals.items()}
