"""Cross-app pages: the home feed, member profiles, site search and the rate-limit page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities.models import Activity, Community, Membership
from communities.policy import mark_viewer_state
from communities.repertoire.search import search_repertoire
from cop_platform.markdown import render_markdown
from forums import search as discussions
from hotseats.models import Question


def home(request):
    if not request.user.is_authenticated:
        # Lead with the liveliest open communities people can join; one just proposed with its
        # founder alone is found in the directory, not on the front page.
        featured = Community.objects.listed().filter(visibility=Community.Visibility.OPEN).with_counts()
        featured = (
            featured.filter(member_count__gte=3, last_activity_at__isnull=False)
            .order_by("-member_count", "-last_activity_at", "name")
            .prefetch_related("tags")[:6]
        )
        return render(request, "home_public.html", {"featured": mark_viewer_state(featured, request.user)})
    mine = Community.objects.filter(
        memberships__user=request.user, memberships__state=Membership.State.ACTIVE
    ).values_list("pk", flat=True)
    recent = (
        Activity.objects.current().filter(community__in=list(mine)).select_related("actor", "community")[:20]
    )
    suggestions = (
        Community.objects.listed()
        .exclude(pk__in=list(mine))
        .with_counts()
        .order_by("-last_activity_at", "name")
        .prefetch_related("tags")[:4]
    )
    return render(
        request, "home.html", {"recent": recent, "suggestions": mark_viewer_state(suggestions, request.user)}
    )


SEARCH_SECTION_SIZE = 6


def search(request):
    """One search box for everything a member may see: discussions, the library, hot seats."""
    q = request.GET.get("q", "").strip()[:200]
    results = None
    if q:
        found = discussions.search(request.user, q, per_page=SEARCH_SECTION_SIZE)
        questions = list(
            Question.objects.visible_to(request.user)
            .search(q)
            .select_related("hotseat", "hotseat__community")[:SEARCH_SECTION_SIZE]
        )
        repertoire = search_repertoire(request.user, q, limit=SEARCH_SECTION_SIZE)
        results = {"threads": found.hits, "questions": questions, "repertoire": repertoire}
        results["count"] = found.count + len(questions) + repertoire.count
        results["more_threads"] = found.count > len(found.hits)
    return render(request, "search.html", {"q": q, "results": results})


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


# --- personal data: download, delete (cop_platform/personal_data.py) ----------------------------


@login_required
@ratelimit(key="user", rate="5/h", method="POST", block=False)
def account_data(request):
    """GET explains what the download holds; POST returns the zip."""
    from django.http import HttpResponse

    from cop_platform import personal_data

    if request.method == "POST":
        if getattr(request, "limited", False):
            return rate_limited(request, None)
        archive = personal_data.export_zip(request.user, request)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="my-data.zip"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/data.html")


@login_required
def account_delete(request):
    """Delete my account after typing the password; a last facilitator is asked to hand over first."""
    from django.contrib import messages
    from django.contrib.auth import logout
    from django.shortcuts import redirect

    from cop_platform import personal_data

    blocked = personal_data.communities_needing_handover(request.user)
    error = ""
    if request.method == "POST" and not blocked:
        if not request.user.check_password(request.POST.get("password", "")):
            error = "That password is not right. Please type your current password to confirm."
        else:
            try:
                personal_data.delete_account(request.user, request)
            except personal_data.AccountError as problem:
                error = str(problem)
            else:
                logout(request)
                messages.success(request, "Your account is deleted. Your posts stay, signed “Former member”.")
                return redirect("home")
    return render(request, "accounts/delete.html", {"blocked": blocked, "error": error})


@login_required
@require_POST
@ratelimit(key="user", rate="300/h", method="POST", block=False)
def markdown_preview(request):
    """The "Preview" tab of every Markdown box: the text rendered exactly as it will be stored
    (sanitised), as an HTML fragment for the page's script."""
    if getattr(request, "limited", False):
        return HttpResponse("<p>Preview is resting for a moment; please try again shortly.</p>", status=429)
    html = render_markdown(request.POST.get("body", "")[:50_000])
    return HttpResponse(html or '<p class="muted">Nothing to preview yet.</p>')


def user_card(request, pk):
    """The small card shown on hovering or tapping a name: who they are, their roles in the
    communities the viewer may see, their expertise, and a way to write to them."""
    person = get_object_or_404(get_user_model().objects.filter(is_active=True), pk=pk)
    roles = list(
        Membership.objects.visible_to(request.user)
        .active()
        .filter(user=person)
        .select_related("community")
        .order_by("community__name")[:4]
    )
    return render(
        request,
        "accounts/_user_card.html",
        {"person": person, "roles": roles, "expertise": list(person.expertise.all()[:6])},
    )
