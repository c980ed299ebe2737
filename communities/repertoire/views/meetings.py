"""Meetings: schedule, say whether you will come, post the notes, add to your calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cop_platform.params import get_int

from ... import guests
from ...calendar import build_ics, meeting_entries_of
from ...invitations import InvitationError
from ...models import Meeting, Rsvp
from ...policy import access_for, get_community_for, get_in_community
from ...services import CommunityError
from ...views.calendar import ics_response
from ...views.invitations import InviteForm as GuestInviteForm
from .. import services
from ..forms import MeetingForm, NotesForm, RsvpForm

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


def _meeting_for(user, slug, pk, queryset):
    """(community, access, meeting, guest): by the policy, or as an invited guest of this one
    meeting (who sees nothing else of a closed community), else 404."""
    try:
        community, access, meeting = get_in_community(user, slug, queryset, pk=pk)
    except Http404:
        meeting = guests.guest_meeting(user, slug, pk)
        community = meeting.community
        return community, access_for(user, community), meeting, True
    guest = user.is_authenticated and not access.is_member and guests.is_guest(user, meeting)
    return community, access, meeting, guest


def meeting_detail(request, slug, pk):
    community, access, meeting, guest = _meeting_for(
        request.user, slug, pk, Meeting.objects.select_related("theme", "notes_by", "created_by")
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
            "guest": guest, "can_rsvp": access.can_rsvp or guest,
            "guest_form": GuestInviteForm() if access.can_invite and not meeting.is_past else None,
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
    community, access, meeting, guest = _meeting_for(request.user, slug, pk, Meeting.objects.all())
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
    community, access, meeting, guest = _meeting_for(request.user, slug, pk, Meeting.objects.all())
    meeting.community = community
    (entry,) = meeting_entries_of([meeting])
    entry.title = f"{meeting.title} ({community.name})"
    return ics_response(build_ics([entry], meeting.title), f"meeting-{meeting.pk}.ics")


@login_required
@require_POST
def meeting_guests(request, slug, pk):
    """A facilitator invites people who are not members to this one meeting."""
    community, access, meeting = get_in_community(request.user, slug, Meeting.objects.all(), pk=pk)
    if not access.can_invite:
        raise Http404
    form = GuestInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(form.errors.get("emails", ["Please enter e-mail addresses."])))
        return redirect(meeting)
    try:
        created, skipped = guests.invite_guests(
            request.user, meeting, form.cleaned_data["emails"], form.cleaned_data["note"]
        )
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        if created:
            messages.success(
                request, f"{len(created)} guest invitation{'s' if len(created) != 1 else ''} sent."
            )
        for email, why in skipped:
            messages.info(request, f"{email} {why}.")
    return redirect(meeting)
