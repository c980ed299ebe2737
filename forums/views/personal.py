"""Reactions, bookmarks and the "Saved" page, drafts, images in posts and @mention names."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from communities.policy import get_community_for, readers_of
from cop_platform.params import get_int
from cop_platform.ratelimits import limit
from cop_platform.refusals import show_refusal

from ..models import Bookmark, Post, PostImage
from ..queries import get_post_for, get_thread_for
from ..services.errors import ForumError
from ..services.personal import save_draft, store_image, toggle_bookmark, toggle_reaction
from .swap import back_to_post

DRAFT_KEY = re.compile(r"^(reply|thread):\d{1,12}$")


def _wants_fragment(request):
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
@require_POST
def react(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    try:
        toggle_reaction(request.user, post, request.POST.get("kind", ""))
    except ForumError as error:
        show_refusal(request, error)
    return back_to_post(request, post)


@login_required
@require_POST
def bookmark(request, slug, pk):
    community, access, post = get_post_for(request.user, slug, pk)
    saved = toggle_bookmark(request.user, post)
    messages.success(request, "Saved for later: find it under “Saved”." if saved else "Removed from “Saved”.")
    return back_to_post(request, post)


@login_required
def saved(request):
    """The member's bookmarks, newest first; posts they may no longer see are left out."""
    visible = Post.objects.visible_to(request.user).shown().values("pk")
    bookmarks = (
        Bookmark.objects.filter(user=request.user, post__in=visible)
        .select_related("post__thread__community", "post__author")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(bookmarks, 30).get_page(get_int(request.GET, "page", 1, minimum=1))
    for item in page.object_list:
        item.post.community = item.post.thread.community
    return render(request, "forums/saved.html", {"page": page})


@login_required
@require_POST
@limit("forums.save_draft", "240/h", block=False)
def draft(request):
    """Keep the text of a reply or new thread as it is typed (the page's script posts it)."""
    key = request.POST.get("key", "")
    if not DRAFT_KEY.match(key):
        return HttpResponseBadRequest("Unknown draft.")
    if getattr(request, "limited", False):
        return HttpResponse(status=429)
    save_draft(request.user, key, request.POST.get("body", ""))
    return HttpResponse(status=204)


@login_required
@require_POST
@limit("forums.image_upload", "60/h", block=False)
def image_upload(request, slug):
    """Store a pasted or dropped image; answers the Markdown to insert (JSON)."""
    community, access = get_community_for(request.user, slug)
    if not access.can_post:
        raise Http404
    if getattr(request, "limited", False):
        return JsonResponse(
            {"error": "You have added many images in a short while. Please wait a little."}, status=429
        )
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "Choose an image to add."}, status=400)
    try:
        image = store_image(request.user, community, upload)
    except ForumError as error:
        return JsonResponse({"error": str(error)}, status=400)
    url = f"/communities/{community.slug}/images/{image.token}.{image.extension}"
    return JsonResponse({"markdown": f"![image]({url})", "url": url})


def image(request, slug, token):
    """An image from a post, shown to whoever may read the community's discussions."""
    community, access = get_community_for(request.user, slug)
    stored = PostImage.objects.filter(community=community, token=token.split(".", 1)[0]).first()
    if stored is None:
        raise Http404
    response = FileResponse(
        stored.file.open("rb"), content_type="image/png" if stored.extension == "png" else "image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def mentions(request, slug, pk):
    """Names for @mention autocomplete: only people who may read this thread (the policy)."""
    community, access, thread = get_thread_for(request.user, slug, pk)
    q = request.GET.get("q", "").strip()[:40]
    if not access.can_reply(thread) or not q:
        return JsonResponse({"people": []})
    people = (
        readers_of(thread)
        .filter(display_name__istartswith=q)
        .exclude(pk=request.user.pk)
        .order_by("display_name")
        .values("display_name", "job_title")[:8]
    )
    return JsonResponse({"people": [{"name": p["display_name"], "title": p["job_title"]} for p in people]})
