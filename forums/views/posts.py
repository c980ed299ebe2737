"""Actions on one post: edit, history, delete, accept as answer, helpful, flag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..forms import EditPostForm, FlagForm
from ..models import (
    PostRevision,
)
from ..queries import (
    get_post_for,
)
from ..services import ForumError
from .swap import back_to_post


def _action(request, slug, pk, call, success, *, swap=False):
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
    return back_to_post(request, post) if swap else redirect(post.get_absolute_url())


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
            messages.info(request, str(error))
        else:
            messages.success(request, "Thank you. The facilitators will take a look.")
        return redirect(post.get_absolute_url())
    return render(
        request,
        "forums/flag_form.html",
        {"community": community, "access": access, "post": post, "form": form},
    )
