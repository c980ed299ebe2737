import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities import activity
from communities.models import Community, Membership
from communities.policy import get_community_for

from . import services
from .forms import EditPostForm, FlagForm, ListFilterForm, MoveForm, ReplyForm, SearchForm, ThreadForm
from .models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    CommunityWatch,
    Helpful,
    ModerationAction,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    ReadState,
    Thread,
    ThreadWatch,
)
from .queries import (
    get_post_for,
    get_thread_for,
    search_posts,
    similar_threads,
    snippet_parts,
    threads_for_community,
)
from .services import ForumError

RATE_LIMITED = (
    "You are posting very quickly. Please wait a few minutes and send it again; your text is kept below."
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
    page = Paginator(threads.for_list(), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _mark_unread(page.object_list, request.user)
    watching = (
        access.can_watch and CommunityWatch.objects.filter(community=community, user=request.user).exists()
    )
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
    user = request.user
    num_pages = max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    number = min(max(number, 1), num_pages)
    first, last = (number - 1) * POSTS_PER_PAGE + 1, number * POSTS_PER_PAGE
    # Posts are numbered, so a page is a range of numbers: no COUNT(*) and no OFFSET scan.
    posts = list(
        Post.objects.filter(thread=thread, number__range=(first, last)).select_related(
            "author", "quoted__author"
        )
    )
    for post in posts:
        post.thread = thread
        post.community = community
        if post.quoted_id:
            post.quoted.community = community
    read_state = None
    helpful_ids = set()
    watching = False
    if user.is_authenticated:
        read_state = ReadState.objects.filter(thread=thread, user=user).first()
        helpful_ids = set(
            Helpful.objects.filter(user=user, post__in=[p.pk for p in posts]).values_list(
                "post_id", flat=True
            )
        )
        watching = ThreadWatch.objects.filter(thread=thread, user=user).exists()
    last_read = read_state.last_read if read_state else 0
    for post in posts:
        post.is_new = user.is_authenticated and post.number > last_read and post.author_id != user.pk
        post.marked_helpful = post.pk in helpful_ids
        post.can_edit = access.can_edit_post(post)
        post.can_delete = access.can_delete_post(post)
        post.can_flag = access.can_flag(post)
        post.can_mark_helpful = access.can_mark_helpful(post)
        post.is_accepted = post.pk == thread.accepted_post_id
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
    accepted = None
    if thread.accepted_post_id and number == 1:
        accepted = thread.accepted_post
        accepted.thread, accepted.community = thread, community
        if accepted.is_hidden or accepted.is_deleted:
            accepted = None
    if reply_form is None and access.can_reply(thread):
        initial = {}
        quote = request.GET.get("quote")
        if quote and quote.isdigit():
            quoted = (
                Post.objects.shown().filter(thread=thread, pk=int(quote)).select_related("author").first()
            )
            if quoted is not None:
                lines = "\n".join(f"> {line}" for line in quoted.body.splitlines())
                name = quoted.author.name if quoted.author else "A member"
                initial = {"body": f"{name} wrote:\n\n{lines}\n\n", "quote": quoted.pk}
        reply_form = ReplyForm(initial=initial)
    if posts and user.is_authenticated:
        services.mark_read(
            user, thread, posts[-1].number, current=read_state.last_read if read_state else None
        )
    if access.is_member:
        activity.note_presence(request, community)
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
            "watching": watching,
            "poll": poll_context,
            "can_reply": access.can_reply(thread),
            "can_accept": access.can_accept_answer(thread),
            "tags": list(thread.tags.all()),
        },
        status=status,
    )


def thread_detail(request, slug, pk):
    try:
        community, access, thread = get_thread_for(request.user, slug, pk)
    except Http404:
        # A thread that moved to another community the reader may see: follow it there.
        moved = Thread.objects.visible_to(request.user).filter(pk=pk).select_related("community").first()
        if moved is not None and moved.community.slug != slug:
            return redirect(moved)
        raise
    if "unread" in request.GET and request.user.is_authenticated:
        state = ReadState.objects.filter(thread=thread, user=request.user).first()
        target = min((state.last_read if state else 0) + 1, thread.post_count)
        page = (target - 1) // POSTS_PER_PAGE + 1
        query = f"?page={page}" if page > 1 else ""
        return redirect(f"{reverse('forums:thread_detail', args=[slug, pk])}{query}#post-{target}")
    return _render_thread(request, community, access, thread)


@login_required
@ratelimit(key="user", rate="8/h", method="POST", block=False)
def thread_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_post:
        raise Http404
    initial = {"theme": request.GET.get("theme")} if request.GET.get("theme", "").isdigit() else {}
    form = ThreadForm(request.POST or None, community=community, access=access, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if getattr(request, "limited", False):
            form.add_error(None, RATE_LIMITED)
        else:
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
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your post is live. You'll be notified when someone replies.")
                return redirect(thread)
    return render(
        request, "forums/thread_form.html", {"community": community, "access": access, "form": form}
    )


def similar(request, slug):
    """Threads like the title being typed on the new-thread form (a fragment for fetch())."""
    community, access = get_community_for(request.user, slug)
    threads = similar_threads(community, access, request.GET.get("title", "")[:200])
    return render(request, "forums/_similar.html", {"community": community, "similar": threads})


@login_required
@require_POST
@ratelimit(key="user", rate="30/h", method="POST", block=False)
def reply(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        if getattr(request, "limited", False):
            form.add_error(None, RATE_LIMITED)
        else:
            quoted = None
            if form.cleaned_data.get("quote"):
                quoted = Post.objects.filter(thread=thread, pk=form.cleaned_data["quote"]).first()
            try:
                post = services.post_reply(request.user, thread, form.cleaned_data["body"], quoted=quoted)
            except ForumError as error:
                form.add_error("body", str(error))
            else:
                messages.success(request, "Thank you! Your reply is posted.")
                return redirect(post.get_absolute_url())
    messages.error(request, "Your reply was not posted: please see the message below the form.")
    return _render_thread(request, community, access, thread, reply_form=form, status=400)


@login_required
def post_edit(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_edit_post(post):
        raise Http404
    initial = {"body": post.body, "title": post.thread.title}
    form = EditPostForm(request.POST or None, initial=initial, opening=post.is_opening)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                request.user, post, form.cleaned_data["body"], title=form.cleaned_data.get("title")
            )
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(post.get_absolute_url())
    return render(
        request,
        "forums/post_edit.html",
        {"community": community, "access": access, "post": post, "form": form},
    )


@login_required
def post_history(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_see_edit_history:
        raise Http404
    revisions = PostRevision.objects.filter(post=post).select_related("editor")
    return render(
        request,
        "forums/post_history.html",
        {"community": community, "access": access, "post": post, "revisions": revisions},
    )


def _action(request, slug, pk, call, success):
    community, access, post = get_post_for(request.user, slug, pk)
    try:
        result = call(post)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        text = success(result) if callable(success) else success
        if text:
            messages.success(request, text)
    if post.is_opening and post.is_deleted:
        return redirect(post.thread)
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def post_delete(request, slug, pk):
    return _action(
        request, slug, pk, lambda p: services.delete_post(request.user, p), "Your post was deleted."
    )


@login_required
@require_POST
def accept(request, slug, pk):
    def call(post):
        thread = post.thread
        clear = request.POST.get("clear") == "1"
        return services.accept_answer(request.user, thread, None if clear else post)

    return _action(
        request, slug, pk, call,
        lambda thread: "Marked as the accepted answer. Thank you for closing the loop!"
        if thread.accepted_post_id else "The accepted answer was cleared.",
    )  # fmt: skip


@login_required
@require_POST
def helpful(request, slug, pk):
    return _action(
        request, slug, pk, lambda p: services.toggle_helpful(request.user, p),
        lambda marked: "Marked as helpful: the author will be glad to know." if marked else "Helpful mark removed.",
    )  # fmt: skip


@login_required
def flag(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_flag(post):
        raise Http404
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_post(request.user, post, form.cleaned_data["reason"], form.cleaned_data["note"])
        except ForumError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "Thank you. The facilitators will take a look.")
        return redirect(post.get_absolute_url())
    return render(
        request,
        "forums/flag_form.html",
        {"community": community, "access": access, "post": post, "form": form},
    )


@login_required
@require_POST
def hide(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_moderate:
        raise Http404
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.restore_post(request.user, post)
        else:
            services.hide_post(request.user, post, request.POST.get("note", ""))
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "The post is visible again." if restore else "The post is hidden from members."
        )
    if request.POST.get("next") == "flags":
        return redirect("forums:flags", slug=slug)
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def dismiss(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_moderate:
        raise Http404
    services.dismiss_flags(request.user, post)
    messages.success(request, "Flags dismissed; the post stays as it is.")
    return redirect("forums:flags", slug=slug)


@login_required
@require_POST
def thread_moderate(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    if not access.can_moderate:
        raise Http404
    action = request.POST.get("action")
    calls = {
        "pin": (lambda: services.set_pinned(request.user, thread, True), "Pinned to the top of the list."),
        "unpin": (lambda: services.set_pinned(request.user, thread, False), "Unpinned."),
        "lock": (lambda: services.set_locked(request.user, thread, True), "Locked: no new replies."),
        "unlock": (
            lambda: services.set_locked(request.user, thread, False),
            "Unlocked: replies are open again.",
        ),
    }
    if action not in calls:
        messages.error(request, "Please choose a moderation action.")
        return redirect(thread)
    call, text = calls[action]
    try:
        call()
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text)
    return redirect(thread)


@login_required
def thread_move(request, slug, pk):
    community, access, thread = get_thread_for(request.user, slug, pk)
    if not access.can_moderate:
        raise Http404
    targets = services.move_targets(request.user).exclude(pk=community.pk).order_by("name")
    form = MoveForm(targets=targets)
    error = ""
    if request.method == "POST":
        # The service decides (not the form's choices), so a forged target gets the same clear refusal.
        raw = request.POST.get("target", "")
        target = Community.objects.filter(pk=raw).first() if raw.isdigit() else None
        if target is None:
            error = "Please choose a community."
        else:
            try:
                services.move_thread(request.user, thread, target)
            except ForumError as refusal:
                error = str(refusal)
            else:
                messages.success(request, f"Moved to {target.name}.")
                return redirect(thread)
    context = {"community": community, "access": access, "thread": thread, "form": form, "error": error}
    return render(request, "forums/move.html", context)


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
    ids = [int(v) for v in request.POST.getlist("option") if v.isdigit()]
    try:
        services.vote(request.user, poll, ids)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you for voting.")
    return redirect(f"{thread.get_absolute_url()}#poll")


@login_required
def flags(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_moderate:
        raise Http404
    posts = (
        Post.objects.filter(community=community, flag_count__gt=0)
        .select_related("thread", "author")
        .prefetch_related("flags__user")
        .order_by("-flag_count", "created_at")
    )
    page = Paginator(posts, 20).get_page(request.GET.get("page"))
    for post in page.object_list:
        post.community = community
        post.open_flags = [f for f in post.flags.all() if f.resolved_at is None]
    return render(request, "forums/flags.html", {"community": community, "access": access, "page": page})


@login_required
def moderation_log(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_moderate:
        raise Http404
    actions = ModerationAction.objects.filter(community=community).select_related("actor", "thread", "post")
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(
        request, "forums/moderation_log.html", {"community": community, "access": access, "page": page}
    )


def search(request, slug=None):
    community = access = None
    if slug is not None:
        community, access = get_community_for(request.user, slug)
    form = SearchForm(request.GET or None)
    page = None
    q = ""
    communities = Community.objects.visible_to(request.user).filter(status__in=Community.LIVE_STATUSES)
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        q = data["q"].strip()
        scope = community
        if scope is None and data["community"]:
            scope = communities.filter(slug=data["community"]).first()
        results = search_posts(
            request.user, q, community=scope, tag=data["tag"].strip(), solved=data["solved"]
        )
        page = Paginator(results, 20).get_page(request.GET.get("page"))
        for post in page.object_list:
            post.snippet = snippet_parts(post)
    return render(
        request,
        "forums/search.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "page": page,
            "q": q,
            "communities": communities.order_by("name") if community is None else [],
        },
    )


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
    page = Paginator(threads.for_list(), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _mark_unread(page.object_list, request.user)
    return render(request, "forums/my_questions.html", {"page": page, "show": show, "show_community": True})


# --- extension points (registered in apps.py) ----------------------------------------------


def home_panel(request, community, access):
    """Recent and unanswered threads for the community home page (two queries)."""
    threads = threads_for_community(community, access).select_related("author", "last_post_author")
    recent = list(threads.order_by("-last_post_at", "-pk")[:5])
    unanswered = list(threads.unanswered().order_by("-created_at", "-pk")[:5])
    return {"recent_threads": recent, "unanswered_threads": unanswered}


def theme_section(request, theme, access):
    """Threads attached to a theme (one query)."""
    threads = list(
        threads_for_community(theme.community, access)
        .filter(theme=theme)
        .select_related("author", "community")
        .order_by("-last_post_at")[:20]
    )
    return {"theme_threads": threads, "theme": theme}
