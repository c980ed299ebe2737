"""The community blog: list (by tag), author pages, write/preview/publish, comments, featuring."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities.policy import get_community_for
from cop_platform.markdown import render_markdown

from ..forms_blog import BlogPostForm, CommentForm
from ..models import BlogPost, Post
from ..services import blog as services
from ..services.errors import ForumError

PAGE_SIZE = 10


def _post_for(user, slug, pk):
    community, access = get_community_for(user, slug)
    post = BlogPost.objects.filter(community=community, pk=pk).select_related("author", "thread").first()
    if post is None or not access.can_view_blog_post(post):
        raise Http404("No such post.")
    post.community = community
    return community, access, post


def _listing(community):
    return (
        BlogPost.objects.published()
        .filter(community=community)
        .select_related("author")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")
    )


def blog(request, slug):
    community, access = get_community_for(request.user, slug)
    posts = _listing(community)
    tag = request.GET.get("tag", "").strip()[:100]
    if tag:
        posts = posts.filter(tags__name=tag)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    for post in page:
        post.community = community
    drafts = []
    if request.user.is_authenticated:
        drafts = list(
            BlogPost.objects.filter(
                community=community, author=request.user, published_at__isnull=True
            ).order_by("-updated_at")[:20]
        )
        for draft in drafts:
            draft.community = community
    return render(
        request,
        "forums/blog/list.html",
        {"community": community, "access": access, "page": page, "tag": tag, "drafts": drafts},
    )


def author(request, slug, pk):
    community, access = get_community_for(request.user, slug)
    person = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    posts = _listing(community).filter(author=person)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404
    for post in page:
        post.community = community
    return render(
        request,
        "forums/blog/author.html",
        {"community": community, "access": access, "page": page, "person": person},
    )


def detail(request, slug, pk):
    community, access, post = _post_for(request.user, slug, pk)
    comments = []
    if post.thread_id:
        comments = list(
            Post.objects.shown()
            .filter(thread_id=post.thread_id, number__gt=1)
            .select_related("author")
            .order_by("number")
        )
    can_comment = bool(post.thread and access.can_reply(post.thread))
    return render(
        request,
        "forums/blog/detail.html",
        {
            "community": community, "access": access, "post": post, "comments": comments,
            "tags": list(post.tags.all()), "can_edit": access.can_edit_blog_post(post),
            "comment_form": CommentForm() if can_comment else None,
        },
    )  # fmt: skip


@login_required
@ratelimit(key="user", rate="30/h", method="POST", block=True)
def write(request, slug, pk=None):
    """Write or edit: "Preview" shows the rendered post, "Save draft" keeps it, "Publish" publishes."""
    community, access = get_community_for(request.user, slug)
    post = None
    if pk is not None:
        community, access, post = _post_for(request.user, slug, pk)
        if not access.can_edit_blog_post(post):
            raise Http404
    elif not access.can_publish_blog:
        raise Http404
    initial = {}
    if post is not None:
        initial = {"title": post.title, "summary": post.summary, "body": post.body,
                   "tags": ", ".join(t.name for t in post.tags.all())}  # fmt: skip
    form = BlogPostForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = request.POST.get("action", "draft")
        if action == "preview":
            preview = BlogPost(
                title=data["title"], body=data["body"], body_html=render_markdown(data["body"])
            )
        else:
            try:
                post = services.save_blog_post(
                    request.user, community, title=data["title"], body=data["body"], summary=data["summary"],
                    tags=data["tags"].split(","), post=post,
                )  # fmt: skip
                if action == "publish":
                    services.publish_blog_post(request.user, post)
                    messages.success(request, "Your post is published. Members can comment on it now.")
                else:
                    messages.success(
                        request, "Saved." if post.is_published else "Draft saved: only you can see it."
                    )
                return redirect(post)
            except ForumError as error:
                form.add_error(None, str(error))
    return render(
        request,
        "forums/blog/form.html",
        {"community": community, "access": access, "form": form, "post": post, "preview": preview},
    )


@login_required
@require_POST
@ratelimit(key="user", rate="60/h", method="POST", block=True)
def comment(request, slug, pk):
    community, access, post = _post_for(request.user, slug, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please write your comment.")
        return redirect(post)
    try:
        reply = services.comment_on_blog_post(request.user, post, form.cleaned_data["body"])
    except ForumError as error:
        messages.error(request, str(error))
        return redirect(post)
    return redirect(f"{post.get_absolute_url()}#comment-{reply.number}")


@login_required
@require_POST
def feature(request, slug, pk):
    community, access, post = _post_for(request.user, slug, pk)
    if not access.can_feature_blog_post:
        raise Http404
    try:
        if request.POST.get("article") == "1":
            services.choose_as_article_of_the_month(request.user, post)
            messages.success(request, "It is this month's article of the month.")
        else:
            featured = request.POST.get("featured") == "1"
            services.set_featured(request.user, post, featured)
            messages.success(
                request, "Featured on the community home." if featured else "No longer featured."
            )
    except ForumError as error:
        messages.error(request, str(error))
    return redirect(post)


def home_panel(request, community, access):
    """Featured posts, else the latest, for the community home (one query)."""
    posts = list(
        BlogPost.objects.published()
        .filter(community=community)
        .select_related("author")
        .order_by(F("featured_at").desc(nulls_last=True), "-published_at")[:3]
    )
    if not posts:
        return None
    for post in posts:
        post.community = community
    return {"blog_posts": posts}
