"""People: a member's profile (presence and visibility) and the site-wide people directory.

Both ask the policy (communities.policy.people) who may see whom; recent contributions come
from the activity log of communities the viewer may see, so nothing closed leaks.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from communities.knowledge import expertise_of
from communities.models import Activity, Community, Membership, Presence
from communities.path import stage_name
from communities.policy import can_see_last_active, can_see_profile, people_visible_to
from cop_platform.accounts.avatars import path_of
from cop_platform.params import parse_int
from forums.services import recognition_for

ROLE_STAGE = {Membership.Role.PERIPHERAL: 0, Membership.Role.CORE: 3, Membership.Role.FACILITATOR: 4}
PAGE_SIZE = 30


@login_required
def profile(request, pk):
    viewer = request.user
    person = get_user_model().objects.filter(is_active=True, pk=parse_int(pk, 0)).first()
    if person is None or not can_see_profile(viewer, person):
        raise Http404("No such person.")
    memberships = list(
        Membership.objects.visible_to(viewer)
        .active()
        .filter(user=person)
        .select_related("community")
        .order_by("community__name")
    )
    mine = set(Membership.objects.active().filter(user=viewer).values_list("community_id", flat=True))
    for m in memberships:
        m.in_common = m.community_id in mine and person.pk != viewer.pk
        m.stage_name = stage_name(m.community, max(ROLE_STAGE.get(m.role, 0), m.stage or 0))
    recent = list(
        Activity.objects.current()
        .filter(actor=person, community__in=Community.objects.visible_to(viewer))
        .exclude(verb="member.joined")
        .select_related("community")
        .order_by("-created_at")[:10]
    )
    last_active = None
    if can_see_last_active(viewer, person):
        last_active = Presence.objects.filter(user=person).aggregate(day=Max("day"))["day"]
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "memberships": memberships,
            "in_common": [m for m in memberships if m.in_common],
            "expertise": list(person.expertise.all()),
            "inferred": expertise_of(person, Community.objects.visible_to(viewer))[:12],
            "recognition": recognition_for(person, viewer),
            "recent": recent,
            "last_active": last_active,
            "today": timezone.localdate(),
        },
    )


@login_required
def people(request):
    """Everyone whose profile the viewer may open, filtered by expertise and organisation."""
    expertise = request.GET.get("expertise", "").strip()[:100]
    organisation = request.GET.get("organisation", "").strip()[:120]
    rows = people_visible_to(request.user).order_by("display_name", "pk")
    if expertise:
        rows = rows.filter(expertise__name__iexact=expertise)
    if organisation:
        rows = rows.filter(organisation__icontains=organisation)
    page = Paginator(rows.prefetch_related("expertise").distinct(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/people.html",
        {"page": page, "expertise": expertise, "organisation": organisation},
    )


def avatar(request, pk, name):
    """A profile photo, to whoever may see the profile (404 otherwise, signed out included).
    The name is the content hash, so the browser may keep it for a year."""
    person = get_user_model().objects.filter(is_active=True, pk=parse_int(pk, 0)).first()
    if (
        person is None
        or not person.avatar
        or name != person.avatar
        or not can_see_profile(request.user, person)
    ):
        raise Http404("No such photo.")
    try:
        handle = default_storage.open(path_of(person.avatar), "rb")
    except FileNotFoundError:
        raise Http404("No such photo.") from None
    response = FileResponse(handle, content_type="image/webp")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["Content-Disposition"] = "inline"
    return response
