from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cop_platform import pagecache
from cop_platform.params import get_int
from cop_platform.ratelimits import limit, refuse_if_limited
from cop_platform.refusals import show_refusal

from .. import activity, services
from .. import health as health_signs
from ..extensions import panels_for
from ..forms import (
    CommunityProposalForm,
    CommunitySettingsForm,
    DecisionForm,
    DirectoryFilterForm,
    MembershipRequestForm,
    RejectionForm,
    RoleForm,
)
from ..models import Community, Membership
from ..policy import can_review_proposals, get_community_for, get_public_profile_for, mark_viewer_state
from ..services import CommunityError


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    communities = Community.objects.listed().with_counts().prefetch_related("tags")
    if form.is_valid():
        q, tag, visibility = (form.cleaned_data[k] for k in ("q", "tag", "visibility"))
        if q:
            communities = communities.filter(
                Q(name__icontains=q) | Q(purpose__icontains=q) | Q(tags__name__iexact=q)
            ).distinct()
        if tag:
            communities = communities.filter(tags__slug=tag)
        if visibility:
            communities = communities.filter(visibility=visibility)
    page = Paginator(communities.order_by("name"), 24).get_page(get_int(request.GET, "page", 1, minimum=1))
    page.object_list = list(page.object_list)
    mark_viewer_state(page.object_list, request.user)
    return render(request, "communities/directory.html", {"form": form, "page": page})


def _how_many(memberships):
    return Coalesce(
        Subquery(memberships.order_by().values("community").annotate(n=Count("pk")).values("n")[:1]), 0
    )


@pagecache.cached_page
def home(request, slug):
    """Queries: community, membership, the panels that are not shared, the pending count for
    facilitators; what every viewer sees alike (counts, facilitators, tags, recent activity)
    comes from the community's cache, filled with four queries after each change."""
    try:
        community, access = get_community_for(request.user, slug)
    except Http404:
        # A closed community's address is its front door, not a dead end (never cached).
        community, access = get_public_profile_for(request.user, slug)
        return render(
            request,
            "communities/profile.html",
            {
                "community": community,
                "access": access,
                "tags": list(community.tags.all()),
                "form": MembershipRequestForm() if access.can_request else None,
            },
        )

    def shared():
        active = Membership.objects.active().filter(community=community)
        facilitators = list(
            active.filter(role=Membership.Role.FACILITATOR)
            .select_related("user")
            .order_by("joined_at")
            # The counts ride along on the facilitators' rows: one query for both.
            .annotate(
                member_count=_how_many(active),
                core_count=_how_many(active.filter(role__in=Membership.CORE_ROLES)),
            )
        )
        if facilitators:
            counts = {"member_count": facilitators[0].member_count, "core_count": facilitators[0].core_count}
        else:  # a community without a facilitator (awaiting a handover)
            counts = (
                Community.objects.with_counts()
                .filter(pk=community.pk)
                .values("member_count", "core_count")[0]
            )
        return {
            "facilitators": facilitators,
            "counts": counts,
            "recent": list(activity.recent(community)),
            "tags": list(community.tags.all()),
        }

    pending_count = 0
    if access.can_manage_members:
        pending_count = Membership.objects.filter(community=community, state=Membership.State.PENDING).count()
    if access.is_member:
        activity.note_presence(request, community)
    if not request.user.is_authenticated:
        pagecache.allow_sharing(request, community)
    return render(
        request,
        "communities/home.html",
        {
            "community": community,
            "access": access,
            **pagecache.community_cached(community, "home", shared),
            "pending_count": pending_count,
            "panels": panels_for(request, community, access),
        },
    )


def members(request, slug):
    """Who is here and who knows what: the member list, filterable by expertise."""
    community, access = get_community_for(request.user, slug)
    if not access.can_see_members:
        raise Http404
    memberships = Membership.objects.active().filter(community=community)
    expertise = expertise_in(memberships)
    wanted = request.GET.get("expertise", "")
    if wanted:
        memberships = memberships.filter(user__expertise__slug=wanted)
    memberships = (
        memberships.select_related("user")
        .prefetch_related("user__expertise")
        .order_by(Membership.role_order(), "user__display_name")
    )
    page = Paginator(memberships, 50).get_page(get_int(request.GET, "page", 1, minimum=1))
    banned = ()
    if access.can_moderate_members:
        banned = Membership.objects.filter(community=community, state=Membership.State.BANNED)
        banned = banned.select_related("user")
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "access": access,
            "page": page,
            "roles": Membership.Role.choices,
            "expertise": expertise,
            "wanted": next((tag for tag in expertise if tag["slug"] == wanted), None),
            "banned": banned,
        },
    )


def expertise_in(memberships, limit=20):
    """The expertise tags most often listed by these members, with how many list each (one query)."""
    return list(
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"), expertise__isnull=False)
        .values(name=F("expertise__name"), slug=F("expertise__slug"))
        .annotate(people=Count("pk", distinct=True))
        .order_by("-people", "name")[:limit]
    )


@require_POST
@limit("communities.join", "30/h", key="user_or_ip")
def join(request, slug):
    community, access = get_community_for(request.user, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(community.get_absolute_url())
    try:
        services.join_community(request.user, community)
    except CommunityError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, f"Welcome to {community.name}! A welcome message is on its way to your inbox."
        )
    return redirect(community)


@login_required
@limit("communities.request_to_join", "20/h", block=False)
def request_to_join(request, slug):
    # The one page of a closed community that non-members may open: its front door.
    community = get_object_or_404(Community.objects.listed(), slug=slug)
    if community.is_open:
        return redirect(community)
    membership = Membership.objects.filter(user=request.user, community=community).first()
    if membership is not None and membership.is_active:
        return redirect(community)
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        try:
            services.request_membership(request.user, community, form.cleaned_data["message"])
        except CommunityError as error:
            show_refusal(request, error)
        else:
            messages.success(request, "Your request has been sent. A facilitator will reply soon.")
            return redirect("communities:request", slug=community.slug)
        membership = Membership.objects.filter(user=request.user, community=community).first()
    return render(
        request,
        "communities/request.html",
        {"community": community, "membership": membership, "form": form},
    )


@require_POST
def leave(request, slug):
    community, access = get_community_for(request.user, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(community.get_absolute_url())
    try:
        services.leave_community(request.user, community)
    except CommunityError as error:
        show_refusal(request, error)
        return redirect(community)
    messages.success(request, f"You have left {community.name}. You are welcome back any time.")
    return redirect("communities:directory")


def requests(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_manage_members:
        raise Http404
    pending = (
        Membership.objects.filter(community=community, state=Membership.State.PENDING)
        .select_related("user")
        .order_by("requested_at")
    )
    return render(
        request, "communities/requests.html", {"community": community, "access": access, "pending": pending}
    )


def _membership_to_manage(user, slug, pk):
    """(community, membership) for a facilitator acting on one membership; 404 for anyone else."""
    community, access = get_community_for(user, slug)
    if not access.can_manage_members:
        raise Http404
    return community, get_object_or_404(Membership.objects.select_related("user"), pk=pk, community=community)


@require_POST
def decide(request, slug, pk):
    community, membership = _membership_to_manage(request.user, slug, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose whether to approve or decline the request.")
        return redirect("communities:requests", slug=slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_request(request.user, membership, approve=approve, reason=form.cleaned_data["reason"])
    except CommunityError as error:
        show_refusal(request, error)
    else:
        verb = "approved; they will receive your welcome" if approve else "declined"
        messages.success(request, f"{membership.user.name}'s request was {verb}.")
    return redirect("communities:requests", slug=slug)


@require_POST
def set_role(request, slug, pk):
    community, membership = _membership_to_manage(request.user, slug, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose a role.")
        return redirect("communities:members", slug=slug)
    try:
        services.change_role(request.user, membership, form.cleaned_data["role"])
    except CommunityError as error:
        show_refusal(request, error)
    else:
        role = Membership.Role(form.cleaned_data["role"]).label.lower()
        messages.success(request, f"{membership.user.name} is now a {role}.")
    return redirect("communities:members", slug=slug)


@require_POST
def remove(request, slug, pk):
    community, membership = _membership_to_manage(request.user, slug, pk)
    try:
        services.remove_member(request.user, membership)
    except CommunityError as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"{membership.user.name} was removed from {community.name}.")
    return redirect("communities:members", slug=slug)


def edit(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_edit_community:
        raise Http404
    form = CommunitySettingsForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.update_community(request.user, community, **data)
        messages.success(request, "The community's settings are saved.")
        return redirect(community)
    return render(request, "communities/edit.html", {"community": community, "access": access, "form": form})


@login_required
@limit("communities.propose", "5/d", block=False)
def propose(request):
    form = CommunityProposalForm(request.POST or None)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.propose_community(
                request.user,
                name=data["name"],
                slug=data["slug"],
                purpose=data["purpose"],
                scope=data["scope"],
                description=data["description"],
                visibility=data["visibility"],
                tags=data["tags"],
            )
        except CommunityError as error:
            show_refusal(request, error, form=form, field="slug")
        else:
            messages.success(
                request,
                f"Thank you! “{community.name}” has been sent to the site administrators for review. "
                "We will let you know when it is approved.",
            )
            return redirect(community)
    return render(request, "communities/propose.html", {"form": form})


@login_required
def review(request):
    if not can_review_proposals(request.user):
        raise Http404
    proposals = (
        Community.objects.filter(status=Community.Status.PROPOSED)
        .select_related("proposed_by")
        .prefetch_related("tags")
        .order_by("proposed_at")
    )
    return render(
        request, "communities/review.html", {"proposals": proposals, "rejection_form": RejectionForm()}
    )


@login_required
@require_POST
def review_decide(request, slug):
    if not can_review_proposals(request.user):
        raise Http404
    community = get_object_or_404(Community, slug=slug)
    try:
        if request.POST.get("decision") == "approve":
            services.approve_community(request.user, community)
            messages.success(request, f"“{community.name}” is live; its proposer is now its facilitator.")
        else:
            form = RejectionForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.errors["reason"][0])
                return redirect("communities:review")
            services.reject_community(request.user, community, form.cleaned_data["reason"])
            messages.success(request, f"“{community.name}” was not approved; the proposer has been told why.")
    except CommunityError as error:
        show_refusal(request, error)
    return redirect("communities:review")


@login_required
def health(request):
    if not can_review_proposals(request.user):
        raise Http404
    return render(
        request,
        "communities/health.html",
        {"rows": health_signs.portfolio_health(), "quiet_days": health_signs.QUIET_DAYS},
    )


LIFECYCLE_ACTIONS = {
    "warn_dormant": (
        health_signs.warn_dormant,
        "The facilitators of “{}” have been told it may be marked dormant.",
    ),
    "mark_dormant": (health_signs.mark_dormant, "“{}” is now dormant."),
    "archive": (
        health_signs.archive_community,
        "“{}” is archived: read-only, still readable and searchable.",
    ),
    "reopen": (health_signs.reopen_community, "“{}” is open again."),
}


@login_required
@require_POST
def lifecycle(request, slug, action):
    if not can_review_proposals(request.user) or action not in LIFECYCLE_ACTIONS:
        raise Http404
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    service, done = LIFECYCLE_ACTIONS[action]
    try:
        service(request.user, community)
        messages.success(request, done.format(community.name))
    except CommunityError as error:
        show_refusal(request, error)
    return redirect("communities:health")
