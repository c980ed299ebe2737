"""Thread lists and pages, starting threads, replying, following, polls; the home panel and theme section."""

import copy
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from communities import activity
from communities.models import Community, Membership
from communities.policy import get_community_for
from cop_platform import memberstate, pagecache
from cop_platform.params import get_int, get_ints
from cop_platform.ratelimits import limit, refuse_if_limited
from cop_platform.refusals import show_refusal

from .. import services, threadpage
from ..forms import ListFilterForm, ReplyForm, ThreadForm
from ..models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    PollOption,
    PollVote,
    Post,
    ReadState,
    Thread,
)
from ..queries import (
    get_thread_for,
    people_who_could_answer,
    similar_threads,
    threads_for_community,
)
from ..services import ForumError
from ..services.personal import discard_draft, draft_text

RATE_LIMITED = (
    "You are posting very quickly. Please wait a few minutes and send it again; your text is kept below."
)

HELD_MESSAGE = (
    "Thank you! Your post is waiting for a facilitator's approval: only you and the facilitators "
    "can see it until then, and everyone else is told about it once it is approved."
)


def _mark_unread(threads, user):
    """Set `last_read` and `has_new` on each thread of a list page (one query)."""
    threads = list(threads)
    read = {}
    if user.is_authenticated and threads:
        read = dict(
            ReadState.objects.filter(user=user, thread__in=[t.pk for t in threads]).values_list(
                "thread_id", "last_read"
            )
        )
    for thread in threads:
        thread.last_read = read.get(thread.pk)
        thread.has_new = thread.last_read is not None and thread.post_count > thread.last_read
        thread.is_unseen = user.is_authenticated and thread.last_read is None
    return threads


class _Counted:
    """Stands for a list of `count` rows to a Paginator (the rows themselves come from the cache)."""

    def __init__(self, count):
        self._count = count

    def count(self):
        return self._count

    def __getitem__(self, item):
        return []


def _page_of_threads(threads, wanted):
    """(count, page number, threads with their tags) for page `wanted` (the last one if too far)."""
    page = Paginator(threads, THREADS_PER_PAGE).get_page(wanted)
    return page.paginator.count, page.number, list(page.object_list)


@pagecache.cached_page(params=("sort", "kind", "tag", "page"))
def thread_list(request, slug):
    community, access = get_community_for(request.user, slug)
    form = ListFilterForm(request.GET or None)
    threads = threads_for_community(community, access)
    sort, kind, tag = "activity", "", ""
    if form.is_valid():
        sort = form.cleaned_data["sort"] or "activity"
        kind, tag = form.cleaned_data["kind"], form.cleaned_data["tag"]
    if kind:
        threads = threads.filter(kind=kind)
    if tag:
        threads = threads.filter(Q(tags__slug=tag) | Q(tags__name__iexact=tag))
    if sort == "newest":
        threads = threads.order_by("-created_at", "-pk")
    elif sort == "unanswered":
        threads = threads.unanswered().order_by("-created_at", "-pk")
    elif sort == "unsolved":
        threads = threads.unsolved().order_by("-last_post_at", "-pk")
    else:
        threads = threads.order_by("-is_pinned", "-last_post_at", "-pk")
    # The page of threads is the same for every viewer who may (or may not) see hidden threads:
    # it comes from the community's cache until something in the community changes.
    wanted = get_int(request.GET, "page", 1, minimum=1)
    count, number, rows = pagecache.community_cached(
        community,
        ("thread_list", sort, kind, tag, wanted, access.can_see_hidden_posts),
        lambda: _page_of_threads(threads.for_list(), wanted),
    )
    page = Paginator(_Counted(count), THREADS_PER_PAGE).get_page(number)
    page.object_list = threadpage.render_thread_rows(
        request, _mark_unread(rows, request.user), can_moderate=access.can_moderate
    )
    watching = access.can_watch and community.pk in memberstate.get(request.user, "watched-communities")
    first_posts = []
    if access.can_moderate:
        # Newcomers' first posts nobody has answered yet: the facilitator's most valuable minutes.
        first_posts = list(
            threads_for_community(community, access)
            .filter(is_first_post=True, reply_count=0)
            .select_related("author")
            .order_by("created_at")[:5]
        )
    if access.is_member:
        activity.note_presence(request, community)
    if not request.user.is_authenticated:
        pagecache.allow_sharing(request, community)
    return render(
        request,
        "forums/thread_list.html",
        {
            "community": community,
            "access": access,
            "page": page,
            "form": form,
            "sort": sort,
            "kind": kind,
            "tag": tag,
            "sorts": ListFilterForm.SORTS,
            "kinds": Thread.Kind.choices,
            "watching": watching,
            "first_posts": first_posts,
        },
    )


def _page_links(current, last):
    """Page numbers to link on a long thread: first, last and two either side; None marks a gap."""
    wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links = []
    for n in wanted:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


def _render_thread(request, community, access, thread, reply_form=None, status=200):
    """The thread page. Queries: see forums/threadpage.py (thread + overlay, membership, posts),
    plus the tags, the poll when there is one, and the read mark moving forward."""
    user = request.user
    num_pages = max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))
    number = min(get_int(request.GET, "page", 1, minimum=1), num_pages)
    first, last = (number - 1) * POSTS_PER_PAGE + 1, number * POSTS_PER_PAGE
    # Posts are numbered, so a page is a range of numbers: no COUNT(*) and no OFFSET scan.
    featured = thread.accepted_post_id if number == 1 else None
    posts = threadpage.page_of_posts(user, thread, first, last, also=featured)
    accepted = next((post for post in posts if post.pk == featured), None)
    posts = [post for post in posts if first <= post.number <= last]
    # A post held for approval is not even a placeholder for those the policy keeps it from.
    posts = [post for post in posts if post.held_at is None or access.can_see(post)]
    overlay = getattr(thread, "overlay", None)
    if overlay is None:  # the thread came from get_thread_for (a POST that failed): load the overlay
        _, _, loaded = threadpage.get_thread_page_for(user, community.slug, thread.pk)
        overlay = loaded.overlay
    last_read = overlay["last_read"] or 0
    can_reply = access.can_reply(thread)
    can_accept = access.can_accept_answer(thread)
    items = [
        (
            post,
            threadpage.post_flags(
                post, access, thread, last_read=last_read, can_reply=can_reply, can_accept=can_accept
            ),
        )
        for post in posts
    ]
    if accepted is not None:
        if accepted.is_hidden or accepted.is_deleted or not access.can_see(accepted):
            accepted = None
        else:
            # Shown twice when it is on this page: each place gets its own HTML.
            accepted = copy.copy(accepted)
            flags = threadpage.post_flags(
                accepted,
                access,
                thread,
                last_read=last_read,
                can_reply=can_reply,
                can_accept=can_accept,
                featured=True,
            )
            items.append((accepted, flags))
    html = threadpage.render_posts(request, items)
    for post, fragment in zip((post for post, _ in items), html, strict=True):
        post.html = fragment
    poll = thread.poll if hasattr(thread, "poll") else None
    poll_context = None
    if poll is not None:
        options = list(PollOption.objects.filter(poll=poll))
        my_votes = set()
        if user.is_authenticated:
            my_votes = set(PollVote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True))
        total = sum(o.vote_count for o in options)
        for option in options:
            option.percent = round(100 * option.vote_count / total) if total else 0
            option.chosen = option.pk in my_votes
        poll_context = {
            "poll": poll,
            "options": options,
            "total": total,
            "show_results": bool(my_votes) or poll.is_closed or not access.can_vote(poll),
            "can_vote": access.can_vote(poll),
            "voted": bool(my_votes),
        }
    if reply_form is None and can_reply:
        # The reply box brings back what the viewer was typing, on any device (overlay state).
        draft = overlay.get("reply_draft")
        initial = {"body": draft} if draft else {}
        quote = get_int(request.GET, "quote", None, minimum=1)
        if quote:
            quoted = Post.objects.shown().filter(thread=thread, pk=quote).select_related("author").first()
            if quoted is not None:
                lines = "\n".join(f"> {line}" for line in quoted.body.splitlines())
                name = quoted.author.name if quoted.author else "A member"
                initial = {"body": f"{name} wrote:\n\n{lines}\n\n", "quote": quoted.pk}
        reply_form = ReplyForm(initial=initial)
    if posts and user.is_authenticated:
        services.mark_read(user, thread, posts[-1].number, current=overlay["last_read"])
    if access.is_member:
        activity.note_presence(request, community)
    # Tags are set when the thread starts; the community's cache forgets them on any change.
    tags = pagecache.community_cached(community, ("thread-tags", thread.pk), lambda: list(thread.tags.all()))
    could_answer = people_who_could_answer(thread, tags) if access.can_moderate else []
    if not user.is_authenticated:
        pagecache.allow_sharing(request, community)
    return render(
        request,
        "forums/thread_detail.html",
        {
            "community": community,
            "access": access,
            "thread": thread,
            "posts": posts,
            "accepted": accepted,
            "page_number": number,
            "num_pages": num_pages,
            "page_range": _page_links(number, num_pages),
            "reply_form": reply_form,
            "watching": overlay["watching"],
            "poll": poll_context,
            "can_reply": can_reply,
            "can_accept": can_accept,
            "tags": tags,
            "could_answer": could_answer,
        },
        status=status,
    )


@pagecache.cached_page(params=("page", "quote", "unread"))
def thread_detail(request, slug, pk):
    try:
        community, access, thread = threadpage.get_thread_page_for(request.user, slug, pk)
    except Http404:
        # A thread that moved to another community the reader may see: follow it there.
        moved = Thread.objects.visible_to(request.user).filter(pk=pk).select_related("community").first()
        if moved is not None and moved.community.slug != slug:
            return redirect(moved)
        raise
    if "unread" in request.GET and request.user.is_authenticated:
        target = min((thread.overlay["last_read"] or 0) + 1, thread.post_count)
        page = (target - 1) // POSTS_PER_PAGE + 1
        query = f"?page={page}" if page > 1 else ""
        return redirect(f"{reverse('forums:thread_detail', args=[slug, pk])}{query}#post-{target}")
    return _render_thread(request, community, access, thread)


@login_required
@limit("forums.thread_create", "8/h", block=False)
def thread_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_post:
        raise Http404
    theme = get_int(request.GET, "theme", None, minimum=1)
    initial = {"theme": theme} if theme else {}
    if request.method == "GET" and (draft := draft_text(request.user, f"thread:{community.pk}")):
        initial["body"] = draft
    form = ThreadForm(request.POST or None, community=community, access=access, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if refuse_if_limited(request, form, RATE_LIMITED):
            try:
                thread = services.start_thread(
                    request.user,
                    community,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    tags=data["tags"],
                    theme=data.get("theme"),
                    poll=data["poll"],
                )
            except ForumError as error:
                show_refusal(request, error, form=form)
            else:
                discard_draft(request.user, f"thread:{community.pk}")
                if thread.is_held:
                    messages.info(request, HELD_MESSAGE)
                else:
                    messages.success(request, "Your post is live. You'll be notified when someone replies.")
                return redirect(thread)
    return render(
        request, "forums/thread_form.html", {"community": community, "access": access, "form": form}
    )


def similar(request, slug):
    """Threads like the title being typed on the new-thread form (a fragment htmx puts under the
    title); nothing until the title says enough to compare."""
    community, access = get_community_for(request.user, slug)
    title = request.GET.get("title", "").strip()[:200]
    threads = similar_threads(community, access, title) if len(title) >= 8 else []
    return render(request, "forums/_similar.html", {"community": community, "similar": threads})


@login_required
@require_POST
@limit("forums.reply", "30/h", block=False)
def reply(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        if refuse_if_limited(request, form, RATE_LIMITED):
            quoted = None
            if form.cleaned_data.get("quote"):
                quoted = Post.objects.filter(thread=thread, pk=form.cleaned_data["quote"]).first()
            try:
                post = services.post_reply(request.user, thread, form.cleaned_data["body"], quoted=quoted)
            except ForumError as error:
                show_refusal(request, error, form=form, field="body")
            else:
                discard_draft(request.user, f"reply:{thread.pk}")
                if post.is_held:
                    messages.info(request, HELD_MESSAGE)
                else:
                    messages.success(request, "Thank you! Your reply is posted.")
                return redirect(post.get_absolute_url())
    messages.error(request, "Your reply was not posted: please see the message below the form.")
    return _render_thread(request, community, access, thread, reply_form=form, status=400)


@login_required
@require_POST
def watch_thread(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    watch = request.POST.get("watch") == "1"
    services.set_thread_watch(request.user, thread, watch)
    messages.success(
        request,
        "You'll be notified of new replies." if watch else "You won't be notified of replies any more.",
    )
    return redirect(thread)


@login_required
@require_POST
def watch_community(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_watch:
        raise Http404
    watch = request.POST.get("watch") == "1"
    services.set_community_watch(request.user, community, watch)
    messages.success(
        request,
        f"You'll be notified of every new discussion in {community.name}."
        if watch
        else f"You won't be notified of new discussions in {community.name} any more.",
    )
    return redirect("forums:thread_list", slug=slug)


@login_required
@require_POST
def poll_vote(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    poll = thread.poll if hasattr(thread, "poll") else None
    if poll is None:
        raise Http404
    poll.thread = thread
    ids = get_ints(request.POST, "option", minimum=1)
    try:
        services.vote(request.user, poll, ids)
    except ForumError as error:
        show_refusal(request, error)
    else:
        messages.success(request, "Thank you for voting.")
    return redirect(f"{thread.get_absolute_url()}#poll")


@login_required
def my_questions(request):
    """Unanswered and unsolved questions across the member's communities."""
    show = request.GET.get("show", "unanswered")
    mine = Community.objects.filter(
        memberships__user=request.user, memberships__state=Membership.State.ACTIVE
    ).values("pk")
    threads = Thread.objects.visible_to(request.user).filter(community__in=mine)
    if show == "unsolved":
        threads = threads.unsolved().order_by("-last_post_at", "-pk")
    else:
        show = "unanswered"
        threads = threads.unanswered().order_by("-created_at", "-pk")
    page = Paginator(threads.for_list(), THREADS_PER_PAGE).get_page(
        get_int(request.GET, "page", 1, minimum=1)
    )
    page.object_list = _mark_unread(page.object_list, request.user)
    return render(request, "forums/my_questions.html", {"page": page, "show": show, "show_community": True})


def home_panel(request, community, access):
    """Recent and unanswered threads for the community home page (one query: the rows of both
    lists, each marked with the list it belongs to)."""
    threads = threads_for_community(community, access)
    recent = threads.order_by("-last_post_at", "-pk").values("pk")[:5]
    unanswered = threads.unanswered().order_by("-created_at", "-pk").values("pk")[:5]
    rows = list(
        threads.filter(Q(pk__in=recent) | Q(pk__in=unanswered))
        .select_related("author", "last_post_author")
        .annotate(
            in_recent=ExpressionWrapper(Q(pk__in=recent), output_field=BooleanField()),
            in_unanswered=ExpressionWrapper(Q(pk__in=unanswered), output_field=BooleanField()),
        )
    )
    return {
        "recent_threads": sorted(
            (t for t in rows if t.in_recent), key=lambda t: (t.last_post_at, t.pk), reverse=True
        ),
        "unanswered_threads": sorted(
            (t for t in rows if t.in_unanswered), key=lambda t: (t.created_at, t.pk), reverse=True
        ),
    }


def theme_section(request, theme, access):
    """Threads attached to a theme (one query)."""
    threads = list(
        threads_for_community(theme.community, access)
        .filter(theme=theme)
        .select_related("author", "community")
        .order_by("-last_post_at")[:20]
    )
    return {"theme_threads": threads, "theme": theme}
