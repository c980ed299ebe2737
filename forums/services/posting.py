"""Starting threads, replying, editing, deleting, accepting answers, helpful marks, polls;
with the abuse limits and @mention matching they need."""

import datetime
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape

from communities import activity
from communities.models import Membership, Theme, WatchedWord
from communities.policy import access_for
from cop_platform.markdown import render_markdown, sanitise_html

from .. import signals
from ..models import (
    Flag,
    Helpful,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    ReadState,
    Thread,
    ThreadWatch,
)
from .errors import ForumError

NEW_ACCOUNT_AGE = datetime.timedelta(hours=24)


NEW_ACCOUNT_POSTS = 3


NEW_ACCOUNT_MAX_LINKS = 2

# On an account's first day (NEW_ACCOUNT_AGE): a few threads, and a pause between replies. The
# hourly rate limits in the views still apply to everyone.
NEW_ACCOUNT_MAX_THREADS = 3
NEW_ACCOUNT_REPLY_PAUSE = datetime.timedelta(seconds=60)


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


_MENTION_START = re.compile(r"(?<![\w.@])@(\w[\w'’-]*)")


def check_watched_words(community, *texts):
    """Refuse a text containing a blocking watched word (community or site-wide); return
    {action: [words]} for the others (`hold`, `flag`), for `_screen` and `flag_watched`."""
    found = WatchedWord.found_in(community, *texts)
    blocked = found[WatchedWord.Action.BLOCK]
    if blocked:
        raise ForumError(
            f"Your post contains “{blocked[0]}”, which is not allowed here. Please reword it; your text is kept."
        )
    return found


def _quote_words(words):
    return ", ".join(f"«{w}»" for w in words)


def hold_reason(author, community, access, found):
    """Why a new post of `author` must wait for a facilitator's approval, or "" to publish it.

    A holding watched word, or the community's pre-moderation of new members' first posts
    (`Community.hold_first_posts`: fewer than N of their posts here were ever published; one
    query). Facilitators and staff are never held: they are the ones who approve.
    """
    if access.can_moderate:
        return ""
    held_words = found.get(WatchedWord.Action.HOLD) or []
    if held_words:
        return f"watched word {_quote_words(held_words)}"[:200]
    limit = community.hold_first_posts
    if limit:
        published = Post.objects.filter(author=author, community=community, held_at__isnull=True)[
            :limit
        ].count()
        if published < limit:
            return f"new member: one of their first {limit} post{'s' if limit != 1 else ''} here"
    return ""


def flag_watched(post, flagged):
    """Raise one automatic flag (from the system, not from anyone) to the facilitators for a
    post that contains flagging watched words; an edit reopens a dismissed one."""
    if not flagged:
        return
    fields = {
        "reason": Flag.Reason.OTHER,
        "word": ", ".join(flagged)[:100],
        "note": f"Automatic: watched word {_quote_words(flagged)}"[:300],
    }
    flag = Flag.objects.filter(post=post, user=None).first()
    if flag is not None and flag.resolved_at is None:
        Flag.objects.filter(pk=flag.pk).update(**fields)
        return
    if flag is None:
        Flag.objects.create(post=post, user=None, **fields)
    else:
        Flag.objects.filter(pk=flag.pk).update(
            resolved_at=None, resolved_by=None, created_at=timezone.now(), **fields
        )
    Post.objects.filter(pk=post.pk).update(flag_count=F("flag_count") + 1)
    post.flag_count += 1


def _is_first_day(user):
    return bool(user.date_joined and user.date_joined > timezone.now() - NEW_ACCOUNT_AGE)


def check_new_account_pace(user, *, starting_thread):
    """First-day accounts: at most NEW_ACCOUNT_MAX_THREADS threads, NEW_ACCOUNT_REPLY_PAUSE
    between posts (one query, only for first-day accounts)."""
    if not settings.NEW_ACCOUNT_LIMITS or not _is_first_day(user):
        return
    now = timezone.now()
    if starting_thread:
        started = Thread.objects.filter(author=user, created_at__gte=now - NEW_ACCOUNT_AGE).count()
        if started >= NEW_ACCOUNT_MAX_THREADS:
            raise ForumError(
                f"Welcome! On their first day, members can start up to {NEW_ACCOUNT_MAX_THREADS} discussions. "
                "Please reply in an existing one, or come back tomorrow (your text is kept below)."
            )
    elif Post.objects.filter(author=user, created_at__gt=now - NEW_ACCOUNT_REPLY_PAUSE).exists():
        raise ForumError(
            "Welcome! On their first day, members wait a minute between replies. Please wait a moment and "
            "send it again (your text is kept below)."
        )


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


def _md_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _render(body, mentioned=()):
    """Markdown to sanitised HTML, with @mentions linked to the members' profiles."""
    html = render_markdown(body)
    for user in mentioned:
        # Match the name as the renderer wrote it (it escapes & < > " but not apostrophes).
        written = _md_escape(user.display_name)
        link = f'<a href="{escape(user.get_absolute_url())}">@{escape(user.display_name)}</a>'
        html = re.sub(
            r"(?<![\w.@/])@" + re.escape(written) + r"(?!\w)", lambda _m, link=link: link, html, flags=re.I
        )
    return sanitise_html(html) if mentioned else html


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
    author, community, *, title, body, kind=Thread.Kind.QUESTION, tags=(), theme=None, poll=None,
    screened=True,
):  # fmt: skip
    """Open a thread with its first post. `poll` is None or a dict with question, options,
    multiple and closes_at. Raises ForumError when the policy or the limits refuse.

    A holding watched word or the community's pre-moderation keeps the thread held (`held_at`):
    only its author and the facilitators see it, and nobody is told until a facilitator approves
    it (forums.services.review). `screened=False` (a blog post's comments thread, opened by the
    platform) skips watched words and holding."""
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
    found = check_watched_words(community, title, body) if screened else {}
    held = hold_reason(author, community, access, found) if screened else ""
    check_new_account_pace(author, starting_thread=True)
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
            hidden_at=now if held else None,
            held_at=now if held else None,
        )
        if tags:
            thread.tags.set([t for t in tags if t])
        first_post = Post.objects.create(
            thread=thread,
            community=community,
            author=author,
            number=1,
            body=body,
            body_html=_render(body, mentioned),
            created_at=now,
            is_first_post=first,
            hidden_at=now if held else None,
            held_at=now if held else None,
            held_reason=held,
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
        if held:
            signals.post_held.send(sender=Post, post=first_post)
        else:
            flag_watched(first_post, found.get(WatchedWord.Action.FLAG))
            announce_thread(thread, mentioned)
    return thread


def announce_thread(thread, mentioned):
    """The thread is public now: the log row, and the typed event that tells people (once)."""
    author, title = thread.author, thread.title
    name = author.name if author else "A former member"
    activity.record(
        thread.community, author, "thread.created", f"{name} asked: {title}"
        if thread.kind == Thread.Kind.QUESTION else f"{name} started: {title}",
        url=thread.get_absolute_url(), target=thread,
    )  # fmt: skip
    signals.thread_created.send(sender=Thread, thread=thread, mentioned=mentioned)


def announce_reply(post, mentioned):
    thread = post.thread
    name = post.author.name if post.author else "A former member"
    activity.record(
        post.community, post.author, "post.created", f"{name} replied to {thread.title}",
        url=post.get_absolute_url(), target=post,
    )  # fmt: skip
    signals.post_created.send(sender=Post, post=post, mentioned=mentioned)


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
    if thread.is_held:
        raise ForumError(
            "This discussion is waiting for a facilitator's approval; replies open once it is approved."
        )
    if not access.can_reply(thread):
        raise ForumError(f"Only members of {community.name} can reply here.")
    body = _clean(body, "reply", 20000)
    check_links(author, body)
    found = check_watched_words(community, body)
    held = hold_reason(author, community, access, found)
    check_new_account_pace(author, starting_thread=False)
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
            hidden_at=now if held else None,
            held_at=now if held else None,
            held_reason=held,
        )
        if held:
            # Numbered now (numbers never change), but nothing members see moves until approval.
            Thread.objects.filter(pk=thread.pk).update(post_count=number)
            thread.post_count = number
        else:
            Thread.objects.filter(pk=thread.pk).update(
                post_count=number, last_post_at=now, last_post_author=author, reply_count=F("reply_count") + 1
            )
            thread.post_count, thread.last_post_at, thread.last_post_author = number, now, author
            thread.reply_count += 1
            flag_watched(post, found.get(WatchedWord.Action.FLAG))
        ThreadWatch.objects.get_or_create(thread=thread, user=author)
        ReadState.objects.update_or_create(thread=thread, user=author, defaults={"last_read": number})
        if held:
            signals.post_held.send(sender=Post, post=post)
        else:
            announce_reply(post, mentioned)
    return post


@transaction.atomic
def edit_post(editor, post, body, *, title=None):
    """Change a post's text, keeping the previous version for facilitators to read.

    Watched words apply as to a new post: a blocking word refuses the edit (the view keeps the
    text), a flagging word raises the automatic flag, a holding word takes a published post (and
    its thread, for an opening post) out of sight until a facilitator approves it again.
    """
    thread = post.thread
    access = access_for(editor, post.community)
    if not access.can_edit_post(post):
        raise ForumError("You can only edit your own posts, and not once a thread is locked.")
    body = _clean(body, "message", 20000)
    if post.is_opening and title is not None:
        title = _clean(title, "title", 200)
    check_links(editor, body, title or "")
    found = check_watched_words(post.community, title or "", body)
    held_words = [] if access.can_moderate else found[WatchedWord.Action.HOLD]
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
    if post.is_held:
        return post  # still waiting: the facilitators read the new text in the queue
    if held_words:
        _hold_after_edit(post, f"edited; watched word {_quote_words(held_words)}"[:200])
        return post
    flag_watched(post, found[WatchedWord.Action.FLAG])
    new = [u for u in mentioned if u.pk not in {b.pk for b in before}]
    if new:
        signals.post_mentioned.send(sender=Post, post=post, mentioned=new)
    return post


def _hold_after_edit(post, reason):
    """A published post edited to contain a holding word: out of sight (and out of feeds and
    digests) until approved; approving restores its log rows rather than announcing it again."""
    now = timezone.now()
    thread = post.thread
    post.hidden_at = post.held_at = now
    post.held_reason = reason
    post.save(update_fields=["hidden_at", "held_at", "held_reason"])
    if post.is_opening:
        thread.hidden_at = thread.held_at = now
        thread.save(update_fields=["hidden_at", "held_at"])
        activity.withdraw(thread)
    if thread.accepted_post_id == post.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        thread.accepted_post = None
    _refresh_reply_count(thread)
    activity.withdraw(post)
    signals.post_held.send(sender=Post, post=post)


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


def themes_for(community):
    return Theme.objects.filter(community=community).order_by("-starts_on")
