"""The community calendar (month and list views), "my calendar", their .ics feeds, reminders."""

import calendar as pycalendar
import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import calendar, services_calendar
from ..extensions import calendar_sources
from ..models import Community, EventFollow
from ..policy import access_for, get_community_for
from ..services import CommunityError

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(request):
    """The month asked for (?month=2026-12), else the viewer's current month."""
    match = MONTH.match(request.GET.get("month", ""))
    if match:
        year, month = int(match[1]), int(match[2])
        if 1900 <= year <= 2200 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    return timezone.localdate().replace(day=1)


def _shift(month, delta):
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_context(month, community_ids, user):
    """Entries of `month` in the viewer's zone, as weeks of days (grid) and as days (list)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    following = _shift(month, 1)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    entries = calendar.entries_for(community_ids, start, end)
    followed = set()
    if user.is_authenticated and entries:
        followed = set(EventFollow.objects.filter(user=user).values_list("kind", "object_id"))
    for entry in entries:
        entry.followed = (entry.kind, entry.extra.get("pk")) in followed
    # Periods (themes) span weeks: they get a band of their own instead of filling every cell.
    periods = [e for e in entries if e.all_day and e.end > e.start]
    dated = [e for e in entries if e not in periods]
    by_day = {}
    for entry in dated:
        by_day.setdefault(max(entry.local_start_date(), month), []).append(entry)
    today = timezone.localdate()
    weeks = [
        [
            {"date": day, "in_month": day.month == month.month, "today": day == today,
             "entries": by_day.get(day, []) if day.month == month.month else []}
            for day in week
        ]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]  # fmt: skip
    days = sorted(by_day.items())
    return {
        "month": month,
        "previous_month": _shift(month, -1),
        "next_month": following,
        "weeks": weeks,
        "days": days,
        "periods": periods,
        "entry_count": len(entries),
        "zone_name": getattr(zone, "key", str(zone)).replace("_", " "),
        "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    }


def _view_mode(request):
    return "list" if request.GET.get("view") == "list" else "month"


def community_calendar(request, slug):
    community, access = get_community_for(request.user, slug)
    month = _month(request)
    feed_url = None
    if community.is_open and community.is_live:
        feed_url = reverse("communities:calendar_feed", args=[community.slug])
    elif access.is_member:
        feed_url = reverse(
            "communities:calendar_member_feed", args=[community.slug, calendar.feed_token(access.membership)]
        )
    context = _month_context(month, [community.pk], request.user)
    context.update(
        community=community, access=access, view=_view_mode(request), feed_url=feed_url,
        can_follow=access.can_follow_events,
    )  # fmt: skip
    return render(request, "communities/calendar.html", context)


@login_required
def my_calendar(request):
    month = _month(request)
    context = _month_context(month, calendar.my_community_ids(request.user), request.user)
    context.update(
        view=_view_mode(request),
        feed_url=reverse("my_calendar_feed", args=[calendar.my_token(request.user)]),
        mine=True,
    )
    return render(request, "communities/my_calendar.html", context)


# --- feeds ----------------------------------------------------------------------------------


def ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _community_feed(community):
    start, end = calendar.feed_window()
    body = calendar.build_ics(calendar.entries_for([community.pk], start, end), community.name)
    return ics_response(body, f"{community.slug}.ics")


def calendar_feed(request, slug):
    """An open community's feed: public, calendar apps fetch it without signing in."""
    community = Community.objects.listed().filter(slug=slug, visibility=Community.Visibility.OPEN).first()
    if community is None:
        raise Http404
    return _community_feed(community)


def calendar_member_feed(request, slug, token):
    """A member's secret feed URL; it stops working when they stop being a member."""
    community = Community.objects.filter(slug=slug, status__in=Community.LIVE_STATUSES).first()
    membership = calendar.membership_for_token(token, community) if community else None
    if membership is None or not access_for(membership.user, community, membership).can_view:
        raise Http404
    return _community_feed(community)


def my_calendar_feed(request, token):
    """Every community the member belongs to now; leaving one drops it from the feed."""
    user = calendar.user_for_my_token(token)
    if user is None:
        raise Http404
    start, end = calendar.feed_window()
    entries = calendar.entries_for(calendar.my_community_ids(user), start, end)
    for entry in entries:
        entry.title = f"{entry.title} ({entry.community.name})"
    return ics_response(calendar.build_ics(entries, f"My communities: {user.name}"), "my-calendar.ics")


# --- "remind me" ------------------------------------------------------------------------------


@login_required
@require_POST
def event_follow(request, slug, kind, pk):
    community, access = get_community_for(request.user, slug)
    source = next((s for s in calendar_sources() if s.kind == kind and s.remindable), None)
    if source is None or not source.remindable(community, pk):
        raise Http404
    try:
        if request.POST.get("follow") == "0":
            services_calendar.unfollow_event(request.user, community, kind, pk)
            messages.success(request, "You will not get a reminder for it.")
        else:
            services_calendar.follow_event(access, kind, pk)
            messages.success(request, "We will e-mail you a reminder the day before.")
    except CommunityError as error:
        messages.error(request, str(error))
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect("communities:calendar", community.slug)
