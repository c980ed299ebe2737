"""Recognition pages: how badges are earned, a facilitator's thanks on a profile, and a member's
own contribution record (CSV and a printable page) as evidence for professional development."""

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cop_platform.params import get_int
from cop_platform.ratelimits import limit
from cop_platform.refusals import show_refusal

from ..models import Badge, Community
from ..policy import can_see_profile, get_community_for
from ..recognition import ThanksRefused, badge_rules, contribution_record, give_thanks, visible_thanks


@login_required
def badges(request):
    held = list(Badge.objects.filter(user=request.user).select_related("community").order_by("-awarded_at"))
    mine = {b.kind for b in held}
    rules = [
        {"kind": r.kind, "label": Badge.Kind(r.kind).label, "how": r.how, "stewardship": r.stewardship,
         "held": r.kind in mine}
        for r in badge_rules()
    ]  # fmt: skip
    return render(request, "recognition/badges.html", {"rules": rules, "held": held})


@login_required
@require_POST
@limit("recognition.thank", "30/h", block=False)
def thank_member(request, pk):
    """A facilitator thanks a member on their profile, in one community they facilitate."""
    person = get_user_model().objects.filter(is_active=True, pk=pk).first()
    if person is None or not can_see_profile(request.user, person):
        raise Http404("No such person.")
    if getattr(request, "limited", False):
        messages.error(request, "You have thanked a lot of people in the last hour. Please try again later.")
        return redirect(person.get_absolute_url())
    community_id = get_int(request.POST, "community", 0, minimum=0)
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        messages.error(request, "Please choose the community you are thanking them for.")
        return redirect(person.get_absolute_url())
    community, access = get_community_for(request.user, community.slug)
    try:
        give_thanks(request.user, community, person, request.POST.get("message", ""))
    except ThanksRefused as error:
        show_refusal(request, error)
        request.session["thanks_draft"] = request.POST.get("message", "")[:300]
    else:
        messages.success(request, f"Your thanks is on {person.name}'s profile; they have been told.")
    return redirect(f"{person.get_absolute_url()}#thanks")


def _record_context(request):
    person = request.user
    thanks = visible_thanks(person, user=person)
    return {
        "person": person,
        "record": contribution_record(person, person, thanks=thanks),
        "badges": list(Badge.objects.filter(user=person).select_related("community").order_by("awarded_at")),
        "thanks": thanks,
        "generated": timezone.now(),
    }


@login_required
def my_record(request):
    """A printable page of the member's own record (the print stylesheet drops the site chrome)."""
    return render(request, "recognition/record.html", _record_context(request))


@login_required
def my_record_csv(request):
    context = _record_context(request)
    record = context["record"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contribution-record.csv"'
    writer = csv.writer(response)
    writer.writerow(["Community", *[c.label for c in record["columns"]]])
    for row in record["rows"]:
        writer.writerow([_cell(row.community.name), *row.values])
    writer.writerow(["Total", *record["totals"]])
    writer.writerow([])
    writer.writerow(["Badge", "Community", "Awarded"])
    for badge in context["badges"]:
        writer.writerow(
            [badge.get_kind_display(), _cell(badge.community.name), badge.awarded_at.date().isoformat()]
        )
    writer.writerow([])
    writer.writerow(["Thanks from", "Community", "Date", "Note"])
    for t in context["thanks"]:
        writer.writerow(
            [
                _cell(t.thanked_by.name if t.thanked_by else "A former facilitator"),
                _cell(t.community.name),
                t.created_at.date().isoformat(),
                _cell(t.message),
            ]
        )
    return response


def _cell(value):
    """Spreadsheets run a cell starting with = + - @ as a formula: quote it as text."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
