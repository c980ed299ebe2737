"""Meetings: schedule, say whether you will come, post the notes, add to your calendar."""

import datetime

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cop_platform.params import get_int

from . import services_repertoire as services
from .forms_repertoire import MeetingForm, NotesForm, RsvpForm
from .models import Meeting, Rsvp
from .policy import get_community_for, get_in_community
from .services import CommunityError

GOING = Count("rsvps", filter=Q(rsvps__response=Rsvp.Response.GOING))


def meetings(request, slug):
    community, access = get_community_for(request.user, slug)
    rows = Meeting.objects.filter(community=community).annotate(going_count=GOING)
    now = timezone.now()
    return render(
        request,
        "communities/meetings.html",
        {
            "community": community,
            "access": access,
            "upcoming": list(rows.upcoming(now)[:50]),
            "past": list(rows.past(now)[:50]),
        },
    )


def meeting_detail(request, slug, pk):
    community, access, meeting = get_in_community(
        request.user, slug, Meeting.objects.select_related("theme", "notes_by", "created_by"), pk=pk
    )
    rsvps = list(meeting.rsvps.select_related("user").order_by("user__display_name"))
    mine = next((r.response for r in rsvps if r.user_id == request.user.pk), None)
    by_response = {value: [r.user for r in rsvps if r.response == value] for value in Rsvp.Response.values}
    can_notes = access.can_post_meeting_notes(meeting)
    return render(
        request,
        "communities/meeting_detail.html",
        {
            "community": community, "access": access, "meeting": meeting, "mine": mine,
            "going": by_response["going"], "maybe": by_response["maybe"],
            "not_going_count": len(by_response["not_going"]), "responses": Rsvp.Response.choices,
            "notes_form": NotesForm(initial={"notes": meeting.notes}) if can_notes else None,
        },
    )  # fmt: skip


@login_required
def meeting_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_schedule_meeting:
        raise Http404
    form = MeetingForm(
        request.POST or None,
        community=community,
        initial={"theme": get_int(request.GET, "theme", None, minimum=1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(request.user, community, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"“{meeting.title}” is on the calendar. Members can now say if they'll come."
            )
            return redirect(meeting)
    return render(
        request, "communities/meeting_form.html", {"community": community, "access": access, "form": form}
    )


@login_required
def meeting_edit(request, slug, pk):
    community, access, meeting = get_in_community(request.user, slug, Meeting.objects.all(), pk=pk)
    if not access.can_post_meeting_notes(meeting):
        raise Http404
    form = MeetingForm(request.POST or None, instance=meeting, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(request.user, meeting, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The meeting is updated.")
            return redirect(meeting)
    return render(
        request,
        "communities/meeting_form.html",
        {"community": community, "access": access, "form": form, "meeting": meeting},
    )


@login_required
@require_POST
def meeting_rsvp(request, slug, pk):
    community, access, meeting = get_in_community(request.user, slug, Meeting.objects.all(), pk=pk)
    form = RsvpForm(request.POST)
    try:
        if not form.is_valid():
            raise CommunityError("Please choose going, maybe or not going.")
        answer = services.rsvp(request.user, meeting, form.cleaned_data["response"])
    except CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Thanks, your answer is saved: {answer.get_response_display().lower()}.")
    return redirect(meeting)


@login_required
def meeting_notes(request, slug, pk):
    community, access, meeting = get_in_community(request.user, slug, Meeting.objects.all(), pk=pk)
    if not access.can_post_meeting_notes(meeting):
        raise Http404
    form = NotesForm(request.POST or None, initial={"notes": meeting.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_meeting_notes(request.user, meeting, form.cleaned_data["notes"])
        except CommunityError as error:
            form.add_error("notes", str(error))
        else:
            messages.success(request, "The notes are posted with the meeting.")
            return redirect(meeting)
    return render(
        request,
        "communities/meeting_notes.html",
        {"community": community, "access": access, "meeting": meeting, "form": form},
    )


def meeting_ics(request, slug, pk):
    """The meeting as an iCalendar file, times in UTC so every calendar shows them right."""
    community, access, meeting = get_in_community(request.user, slug, Meeting.objects.all(), pk=pk)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Practice Commons//Meetings//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{request.get_host().split(':')[0]}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{meeting.title} ({community.name})")
    location = ", ".join(part for part in (meeting.place, meeting.online_url) if part)
    if location:
        event.add("location", location)
    event.add("description", f"{meeting.agenda}\n\n{url}".strip())
    event.add("url", url)
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
