"""Themes (a focus on one topic for a period) and the article of the month."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cop_platform.params import get_int

from ...extensions import theme_sections_for
from ...models import Article, Document, Meeting, Theme
from ...policy import get_community_for, get_in_community
from ...services import CommunityError
from .. import services
from ..forms import ArticleForm, AttachDocumentForm, AttachMeetingForm, ThemeForm


def themes(request, slug):
    community, access = get_community_for(request.user, slug)
    today = timezone.localdate()
    rows = list(Theme.objects.filter(community=community).order_by("-starts_on"))
    return render(
        request,
        "communities/themes.html",
        {
            "community": community,
            "access": access,
            "current": [t for t in rows if t.starts_on <= today <= t.ends_on],
            "upcoming": sorted((t for t in rows if t.starts_on > today), key=lambda t: t.starts_on),
            "past": [t for t in rows if t.ends_on < today],
        },
    )


def theme_detail(request, slug, theme_slug):
    community, access, theme = get_in_community(
        request.user, slug, Theme.objects.select_related("created_by"), slug=theme_slug
    )
    theme.community = community
    documents = Document.objects.filter(theme=theme).for_list().order_by("-updated_at")
    meetings = Meeting.objects.filter(theme=theme).order_by("starts_at")
    attach_document = attach_meeting = None
    if access.can_manage_themes:
        attach_document = AttachDocumentForm(theme=theme)
        attach_meeting = AttachMeetingForm(theme=theme)
    return render(
        request,
        "communities/theme_detail.html",
        {
            "community": community, "access": access, "theme": theme,
            "documents": documents, "meetings": meetings,
            "sections": theme_sections_for(request, theme, access),
            "attach_document": attach_document, "attach_meeting": attach_meeting,
        },
    )  # fmt: skip


@login_required
def theme_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_manage_themes:
        raise Http404
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.create_theme(request.user, community, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"The theme “{theme.title}” is set up. Attach documents and meetings to it."
            )
            return redirect(theme)
    return render(
        request, "communities/theme_form.html", {"community": community, "access": access, "form": form}
    )


@login_required
def theme_edit(request, slug, theme_slug):
    community, access, theme = get_in_community(request.user, slug, Theme.objects.all(), slug=theme_slug)
    if not access.can_manage_themes:
        raise Http404
    theme.community = community
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_theme(request.user, theme, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The theme is saved.")
            return redirect(theme)
    return render(
        request,
        "communities/theme_form.html",
        {"community": community, "access": access, "form": form, "theme": theme},
    )


@login_required
@require_POST
def theme_attach(request, slug, theme_slug):
    """Attach (or, with detach=1, take off) a document or a meeting."""
    community, access, theme = get_in_community(request.user, slug, Theme.objects.all(), slug=theme_slug)
    if not access.can_manage_themes:
        raise Http404
    theme.community = community
    attach = request.POST.get("detach") != "1"
    try:
        if "document" in request.POST:
            document = Document.objects.filter(
                community=community, pk=request.POST.get("document") or 0
            ).first()
            if document is None:
                raise CommunityError("Please choose a document from the library.")
            services.attach_document(request.user, theme, document, attach=attach)
            name = document.title
        else:
            meeting = Meeting.objects.filter(community=community, pk=request.POST.get("meeting") or 0).first()
            if meeting is None:
                raise CommunityError("Please choose a meeting.")
            services.attach_meeting(request.user, theme, meeting, attach=attach)
            name = meeting.title
    except (CommunityError, ValueError) as error:
        messages.error(request, str(error) if isinstance(error, CommunityError) else "Please choose again.")
    else:
        done = "attached to" if attach else "taken off"
        messages.success(request, f"“{name}” is {done} this theme.")
    return redirect(theme)


# --- article of the month -----------------------------------------------------------------


def articles(request, slug):
    community, access = get_community_for(request.user, slug)
    rows = Article.objects.filter(community=community).select_related("document").order_by("-month")
    page = Paginator(rows, 12).get_page(get_int(request.GET, "page", 1, minimum=1))
    return render(
        request, "communities/articles.html", {"community": community, "access": access, "page": page}
    )


@login_required
def article_feature(request, slug, pk=None):
    """Feature an article of the month, or (with pk) change one."""
    community, access = get_community_for(request.user, slug)
    if not access.can_feature_article:
        raise Http404
    article = None
    if pk is not None:
        article = Article.objects.filter(community=community, pk=pk).first()
        if article is None:
            raise Http404
    initial = {"month": article.month.isoformat()} if article else None
    form = ArticleForm(request.POST or None, instance=article, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("month", "title", "introduction", "url", "document")}
        try:
            if article is None:
                services.feature_article(request.user, community, **fields)
            else:
                services.update_article(request.user, article, **fields)
        except CommunityError as error:
            form.add_error("month", str(error))
        else:
            messages.success(
                request, f"“{data['title']}” is the article of the month for {data['month']:%B %Y}."
            )
            return redirect("communities:articles", slug=community.slug)
    return render(
        request,
        "communities/article_form.html",
        {"community": community, "access": access, "form": form, "article": article},
    )


@login_required
@require_POST
def article_remove(request, slug, pk):
    community, access, article = get_in_community(request.user, slug, Article.objects.all(), pk=pk)
    if not access.can_feature_article:
        raise Http404
    services.remove_article(request.user, article)
    messages.success(request, f"“{article.title}” was removed from the archive.")
    return redirect("communities:articles", slug=community.slug)
