"""Actions on one post: edit, history, delete, accept as answer, helpful, flag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cop_platform.ratelimits import limit
from cop_platform.refusals import Refused, show_refusal

from .. import services
from ..forms import EditPostForm, FlagForm
from ..models import (
    PostRevision,
)
from ..queries import (
    get_post_for,
)
from ..recognition import thank_post
from ..services import ForumError
from .swap import back_to_post
from .threads import RATE_LIMITED


def _action(request, slug, pk, call, success, *, swap=False):
    community, access, post = get_post_for(request.user, slug, pk)
    try:
        result = call(post)
    except ForumError as error:
        show_refusal(request, error)
    else:
        text = success(result) if callable(success) else success
        if text:
            messages.success(request, text)
    if post.is_opening and post.is_deleted:
        return redirect(post.thread)
    return back_to_post(request, post) if swap else redirect(post.get_absolute_url())


@login_required
@limit("forums.post_edit", "30/h", block=False)
def post_edit(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_edit_post(post):
        raise Http404
    initial = {"body": post.body, "title": post.thread.title}
    form = EditPostForm(request.POST or None, initial=initial, opening=post.is_opening)
    if request.method == "POST" and form.is_valid():
        was_held = post.is_held
        try:
            if getattr(request, "limited", False):
                raise ForumError(RATE_LIMITED)
            services.edit_post(
                request.user, post, form.cleaned_data["body"], title=form.cleaned_data.get("title")
            )
        except ForumError as error:
            show_refusal(request, error, form=form)
        else:
            if post.is_held and not was_held:
                messages.info(
                    request,
                    "Your changes are saved and wait for a facilitator's approval: until then only you and "
                    "the facilitators can see this post.",
                )
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
        swap=True,
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
            show_refusal(request, error, level=messages.INFO)
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
@limit("recognition.thank", "30/h", block=False)
def thank(request, slug, pk):
    """A facilitator thanks the author of a post, publicly (shown on the post and the profile)."""
    community, access, post = get_post_for(request.user, slug, pk)
    if not access.can_thank:
        raise Http404
    if getattr(request, "limited", False):
        messages.error(request, "You have thanked a lot of people in the last hour. Please try again later.")
        return redirect(post.get_absolute_url())
    try:
        thank_post(request.user, post, request.POST.get("message", ""))
    except Refused as error:
        show_refusal(request, f"{error} Your note was: “{request.POST.get('message', '')[:300]}”")
    else:
        messages.success(
            request, f"Your thanks is on the post and on {post.author.name}'s profile; they have been told."
        )
    return redirect(post.get_absolute_url())
