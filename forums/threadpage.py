"""The thread page's reads: the thread with the viewer's overlay, one page of posts, and each
post's HTML from the fragment cache.

Queries (signed in): the thread with its community, the viewer's membership (policy) and
thread-level state (read mark, watching, and whatever other apps registered) in one query; one
page of posts with their authors (and the accepted answer on page 1), the same for every viewer
and so kept in the community's cache until anything in the community changes; then one query
per registered loader of post-level state. No query joins across the site's posts: a quoted post is
looked up by primary key in a correlated subquery, so a page costs the same in a thread of 20
posts or of 200,000.

**The overlay.** Per-viewer state is never read lazily in a template. Thread-level state is an
annotation on the thread query (`register_thread_state(name, build)`, `build(user) ->
Expression`). Post-level state is loaded for the whole page by a loader
(`register_post_marks(defaults, load)`, `load(user, post_ids) -> {post_id: {name: value}}`), run
only for signed-in viewers and only when the page has posts; a name a loader does not set for a
post keeps its default. One loader is one query whatever the page size and however many names it
sets: the viewer's helpful marks, reactions and bookmarks come in one `UNION ALL`
(forums/personal_state.py), a page's thanks in one query (forums/recognition.py). On the
benchmark's data that is ~5 ms for the page instead of ~7 ms with one correlated subquery per
name and post.

    from forums import threadpage
    threadpage.register_post_marks(
        {"bookmarked": None},  # signed out: no "Save" button
        lambda user, ids: {pk: {"bookmarked": True} for pk in
                           Bookmark.objects.filter(user=user, post_id__in=ids).values_list("post_id", flat=True)},
    )

Each value reaches `_post.html` as `flags.<name>` and is part of the fragment's cache key.

**Fragments.** `_post.html` is rendered with only `post` (model fields, its author), `community`
and `flags`: a dict of everything else that changes the HTML (the viewer's permissions and
state, the post's version). The cache key is a hash of those values, so a post's HTML is
rendered once per version and kind of viewer, and an edit, a hidden post, a renamed author or a
new helpful mark simply makes a new key (nothing to invalidate). The fragment never sees the
request, the user or the access object: whatever a post shows must come through `flags`.
CSRF tokens are rendered as a secret placeholder and replaced with the viewer's token when the
page is assembled.
"""

import hashlib
import zlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from communities.policy import access_for, take_viewer_membership, with_viewer_membership
from cop_platform import pagecache

from .models import POSTS_PER_PAGE, Post, ReadState, Thread, ThreadWatch

FRAGMENT_SECONDS = 7 * 24 * 3600
CSRF_PLACEHOLDER = pagecache.CSRF_PLACEHOLDER


@dataclass(frozen=True)
class _State:
    name: str
    build: object  # (user) -> Expression
    default: object


_thread_states: dict[str, _State] = {}


def register_thread_state(name, build, default=None):
    """Annotate the thread query with per-viewer state `name` (signed-in viewers only)."""
    _thread_states[name] = _State(name, build, default)


@dataclass(frozen=True)
class _Marks:
    defaults: dict  # name -> value when signed out, or when `load` says nothing of a post
    load: object  # (user, post_ids) -> {post_id: {name: value}}


_post_marks: list[_Marks] = []


def register_post_marks(defaults, load):
    """Load per-viewer state for a page of posts in one query (see the module docstring)."""
    _post_marks.append(_Marks(dict(defaults), load))


register_thread_state(
    "last_read",
    lambda user: Subquery(ReadState.objects.filter(thread=OuterRef("pk"), user=user).values("last_read")[:1]),
)
register_thread_state(
    "watching", lambda user: Exists(ThreadWatch.objects.filter(thread=OuterRef("pk"), user=user)), False
)


def get_thread_page_for(user, slug, pk):
    """(community, access, thread) for the thread page, with the viewer's overlay on the thread
    (`thread.overlay`), or 404. One query: the thread with its community, the viewer's
    membership and overlay."""
    # The accepted answer comes with the page of posts (`page_of_posts(also=...)`): joining a post
    # and its author here doubles what PostgreSQL plans and Django compiles for every view.
    threads = Thread.objects.select_related("community", "author", "poll", "theme")
    threads = with_viewer_membership(threads, user, "community")
    if user.is_authenticated:
        threads = threads.annotate(**{f"overlay_{s.name}": s.build(user) for s in _thread_states.values()})
    thread = threads.filter(pk=pk, community__slug=slug).first()
    if thread is None:
        raise Http404("No such discussion.")
    community = thread.community
    access = access_for(user, community, take_viewer_membership(thread, user, community))
    if not access.can_view_thread(thread):
        raise Http404("No such discussion.")
    thread.overlay = {
        s.name: getattr(thread, f"overlay_{s.name}", s.default) if user.is_authenticated else s.default
        for s in _thread_states.values()
    }
    return community, access, thread


def page_of_posts(user, thread, first, last, also=None, *, fresh=False):
    """Posts numbered first..last with authors, quoted authors and the viewer's post marks, plus
    the post `also` (the accepted answer shown above the first page) wherever it is.

    The rows (without the marks) come from the community's cache (`pagecache.community_cached`),
    unless `fresh`: a post re-rendered in the request that just changed it."""

    def load():
        quoted = Post.objects.filter(pk=OuterRef("quoted_id"))
        wanted = Q(number__range=(first, last))
        if also:
            wanted |= Q(pk=also)
        posts = (
            Post.objects.filter(wanted, thread_id=thread.pk)
            .select_related("author")
            .annotate(
                quoted_number=Subquery(quoted.values("number")[:1]),
                quoted_author=Subquery(quoted.values("author__display_name")[:1]),
            )
        )
        # The LIMIT tells PostgreSQL the page is small: without it, it expects most of a long
        # thread's posts (numbers 1..25 are common) and hashes the whole user table for them.
        return list(posts.order_by("number")[: last - first + 1 + bool(also)])

    # The same rows for every viewer (what each may see is decided on the page): from the
    # community's cache until anything in it changes. An edit, a hidden post, a new reply or a
    # renamed author dates it; counters written by UPDATE do through the request that wrote them.
    posts = (
        load()
        if fresh
        else pagecache.community_cached(thread.community, ("posts", thread.pk, first, last, also), load)
    )
    loaded = (
        [marks.load(user, [post.pk for post in posts]) for marks in _post_marks]
        if (user.is_authenticated and posts)
        else [{} for _ in _post_marks]
    )
    for post in posts:
        post.thread = thread
        post.community = thread.community
        post.overlay = {}
        for marks, values in zip(_post_marks, loaded, strict=True):
            post.overlay.update(marks.defaults)
            post.overlay.update(values.get(post.pk, {}))
    return posts


def post_flags(post, access, thread, *, last_read, can_reply, can_accept, featured=False):
    """Everything besides the post's own fields that changes its HTML (part of the cache key)."""
    user = access.user
    quoted_url = ""
    if post.quoted_number:
        page = (post.quoted_number - 1) // POSTS_PER_PAGE + 1
        base = reverse("forums:thread_detail", args=[thread.community.slug, thread.pk])
        query = f"?page={page}" if page > 1 else ""
        quoted_url = f"{base}{query}#post-{post.quoted_number}"
    return {
        **post.overlay,
        "featured": featured,
        "is_new": bool(
            user.is_authenticated and post.number > (last_read or 0) and post.author_id != user.pk
        ),
        "is_accepted": post.pk == thread.accepted_post_id,
        "can_edit": access.can_edit_post(post),
        "can_delete": access.can_delete_post(post),
        "can_flag": access.can_flag(post),
        "can_mark_helpful": access.can_mark_helpful(post),
        "can_moderate": access.can_moderate,
        "can_see_hidden": access.can_see_hidden_posts,
        "can_see_history": access.can_see_edit_history,
        "can_reply": can_reply,
        "can_accept": can_accept,
        "quoted_url": quoted_url,
        "quoted_author": post.quoted_author or "",
        "can_message": bool(user.is_authenticated and post.author_id and post.author_id != user.pk),
        "can_thank": bool(access.can_thank and post.author_id and post.author_id != user.pk),
        # Times are shown in the viewer's zone.
        "tz": timezone.get_current_timezone_name(),
    }


def _version(post):
    """The post's own state as shown: any change makes a new cache key."""
    author = post.author
    return (
        post.pk, post.number, post.thread_id, post.community.slug, post.edited_at, post.hidden_at,
        post.held_at, post.held_reason, post.rejected_at, post.review_note, post.deleted_at, post.helpful_count, post.flag_count, post.is_first_post, post.created_at,
        zlib.crc32(post.body_html.encode()), post.author_id, tuple(sorted((post.reaction_counts or {}).items())),
        # The photo's name is a hash of its content: a new photo is a new key.
        (author.name, author.initials, author.job_title, author.avatar) if author else None,
    )  # fmt: skip


def _key(post, flags):
    raw = repr((_version(post), sorted(flags.items())))
    return pagecache.prefix() + "pf:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


def render_posts(request, items):
    """[(post, flags)] -> the posts' HTML, from the cache where it can (one cache round trip)."""
    keys = [_key(post, flags) for post, flags in items]
    found = cache.get_many(keys)
    missing = {}
    html = []
    for key, (post, flags) in zip(keys, items, strict=True):
        fragment = found.get(key)
        if fragment is None:
            fragment = render_to_string(
                "forums/_post.html",
                {"post": post, "flags": flags, "community": post.community, "csrf_token": CSRF_PLACEHOLDER},
            )
            missing[key] = fragment
        html.append(fragment)
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)
    token = get_token(request) if any(CSRF_PLACEHOLDER in h for h in html) else ""
    # The fragments are template output (every value escaped by the template engine) and the
    # post bodies in them come from render_markdown: the page shows them as they are.
    return [mark_safe(h.replace(CSRF_PLACEHOLDER, token)) for h in html]  # noqa: S308


def render_thread_rows(request, threads, *, can_moderate, show_community=False):
    """Each thread's row of a list (forums/_thread_row.html) from the fragment cache: keyed by
    what the row shows, including the relative times as displayed and the viewer's new-reply
    marks, so a row is rendered again only when something on it changed."""
    from cop_platform.templatetags.ui import ago

    tz = timezone.get_current_timezone_name()
    items = []
    for thread in threads:
        shown = (
            thread.pk, thread.title, thread.kind, thread.is_pinned, thread.is_locked, thread.hidden_at, thread.held_at,
            thread.accepted_post_id, thread.reply_count, thread.is_first_post, thread.community.slug,
            thread.community.name, thread.author.name if thread.author else None,
            thread.last_post_author.name if thread.last_post_author else None,
            ago(thread.last_post_at), ago(thread.created_at), thread.last_post_at, thread.created_at,
            tuple((t.name, t.slug) for t in thread.tags.all()),
            thread.has_new, thread.is_unseen, can_moderate, show_community, tz,
        )  # fmt: skip
        key = (
            pagecache.prefix() + "tr:" + hashlib.md5(repr(shown).encode(), usedforsecurity=False).hexdigest()
        )
        items.append((key, thread))
    found = cache.get_many([key for key, _ in items])
    missing = {}
    for key, thread in items:
        if key not in found:
            missing[key] = render_to_string(
                "forums/_thread_row.html",
                {
                    "thread": thread,
                    "access": {"can_moderate": can_moderate},
                    "show_community": show_community,
                },
            )
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)
    for key, thread in items:
        # Template output: every value in it was escaped by the template engine.
        thread.row_html = mark_safe(found.get(key) or missing[key])  # noqa: S308
    return threads


def render_one(request, slug, thread_pk, number):
    """One post's HTML as the thread page shows it to this viewer, from the same cache: what an
    htmx action on the post (a reaction, a bookmark, a helpful mark) swaps in for the old one."""
    user = request.user
    community, access, thread = get_thread_page_for(user, slug, thread_pk)
    posts = page_of_posts(user, thread, number, number, fresh=True)
    if not posts:
        raise Http404("No such post.")
    post = posts[0]
    flags = post_flags(
        post, access, thread, last_read=thread.overlay["last_read"],
        can_reply=access.can_reply(thread), can_accept=access.can_accept_answer(thread),
    )  # fmt: skip
    return render_posts(request, [(post, flags)])[0]
