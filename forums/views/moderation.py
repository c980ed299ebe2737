"""Facilitators' tools: hide and restore, flags, the approval queue, pin, lock, move, the
moderation log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from communities.models import Community
from communities.policy import get_community_for
from cop_platform.params import get_int
from cop_platform.refusals import show_refusal

from .. import services
from ..forms import MoveForm, RejectForm
from ..models import (
    ModerationAction,
    Post,
)
from ..queries import (
    get_post_for,
    get_thread_for,
)
from ..services import ForumError


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
        show_refusal(request, error)
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
        show_refusal(request, error)
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
    page = Paginator(posts, 20).get_page(get_int(request.GET, "page", 1, minimum=1))
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
    page = Paginator(actions, 50).get_page(get_int(request.GET, "page", 1, minimum=1))
    return render(
        request, "forums/moderation_log.html", {"community": community, "access": access, "page": page}
    )


@login_required
def queue(request, slug):
    """Posts and threads held for approval, oldest first. Three queries whatever the length:
    the membership, the count, the page (posts with threads and authors)."""
    community, access = get_community_for(request.user, slug)
    if not access.can_moderate:
        raise Http404
    page = Paginator(services.held_posts(community), 20).get_page(get_int(request.GET, "page", 1, minimum=1))
    for post in page.object_list:
        post.community = post.thread.community = community
    return render(request, "forums/queue.html", {"community": community, "access": access, "page": page})


@login_required
@require_POST
def approve(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_moderate:
        raise Http404
    try:
        services.approve_post(request.user, post)
    except ForumError as error:
        show_refusal(request, error)
    else:
        what = "discussion" if post.is_opening else "reply"
        messages.success(request, f"Approved: the {what} is public now, and people are told as usual.")
    if request.POST.get("next") == "thread":
        return redirect(post.get_absolute_url())
    return redirect("forums:queue", slug=slug)


@login_required
def reject(request, slug, pk):
    """Refuse a held post, with a reason its author will read (a page, so nothing typed is lost)."""
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_moderate or not post.is_held:
        raise Http404
    if post.is_rejected:
        messages.info(request, "This post was already refused.")
        return redirect("forums:queue", slug=slug)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_post(request.user, post, form.cleaned_data["reason"])
        except ForumError as error:
            show_refusal(request, error, form=form, field="reason")
        else:
            messages.success(
                request,
                f"Not approved. {post.author.name if post.author else 'The author'} will see your reason.",
            )
            return redirect("forums:queue", slug=slug)
    return render(
        request, "forums/reject.html", {"community": community, "access": access, "post": post, "form": form}
    )
