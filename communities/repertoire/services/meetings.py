"""Meetings: schedule, edit, RSVP and notes."""

from django.db import transaction
from django.utils import timezone

from ... import activity
from ...models import Meeting, Rsvp
from ...policy import access_for
from ...services import CommunityError

# --- meetings -----------------------------------------------------------------------------


def schedule_meeting(user, community, *, title, starts_at, ends_at, place="", online_url="", agenda="",
                     theme=None):  # fmt: skip
    if not access_for(user, community).can_schedule_meeting:
        raise CommunityError("Only facilitators can schedule meetings.")
    if ends_at <= starts_at:
        raise CommunityError("The meeting must end after it starts.")
    if not place.strip() and not online_url:
        raise CommunityError("Please say where the meeting is: a place, an online link, or both.")
    if theme is not None and theme.community_id != community.pk:
        raise CommunityError("That theme belongs to another community.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
            place=place.strip(), online_url=online_url, agenda=agenda, theme=theme, created_by=user,
        )  # fmt: skip
        activity.record(
            community, user, "meeting.scheduled",
            f"Meeting on {timezone.localtime(starts_at):%-d %B}: {meeting.title}",
            url=meeting.get_absolute_url(), target=meeting,
        )  # fmt: skip
    return meeting


def update_meeting(
    user, meeting, *, title, starts_at, ends_at, place="", online_url="", agenda="", theme=None
):
    """Change a meeting's details (those who answered keep their answers)."""
    if not access_for(user, meeting.community).can_post_meeting_notes(meeting):
        raise CommunityError("Only facilitators and the meeting's organiser can change it.")
    if ends_at <= starts_at:
        raise CommunityError("The meeting must end after it starts.")
    if not place.strip() and not online_url:
        raise CommunityError("Please say where the meeting is: a place, an online link, or both.")
    if theme is not None and theme.community_id != meeting.community_id:
        raise CommunityError("That theme belongs to another community.")
    meeting.title, meeting.starts_at, meeting.ends_at = title.strip(), starts_at, ends_at
    meeting.place, meeting.online_url, meeting.agenda, meeting.theme = (
        place.strip(),
        online_url,
        agenda,
        theme,
    )
    meeting.save(update_fields=["title", "starts_at", "ends_at", "place", "online_url", "agenda", "theme"])
    return meeting


def rsvp(user, meeting, response):
    """Say whether you will come; answering again changes the answer."""
    if not access_for(user, meeting.community).can_rsvp and not _is_guest(user, meeting):
        raise CommunityError("Only members of this community can reply to its meetings.")
    if response not in Rsvp.Response.values:
        raise CommunityError("Please choose going, maybe or not going.")
    if meeting.is_past:
        raise CommunityError("This meeting has already taken place.")
    answer, _ = Rsvp.objects.update_or_create(
        meeting=meeting, user=user, defaults={"response": response, "updated_at": timezone.now()}
    )
    return answer


def post_meeting_notes(user, meeting, notes):
    """Post or update the notes of a meeting; the first posting is recorded in the activity log."""
    if not access_for(user, meeting.community).can_post_meeting_notes(meeting):
        raise CommunityError("Only facilitators and the meeting's organiser can post its notes.")
    notes = (notes or "").strip()
    if not notes:
        raise CommunityError("The notes are empty. Please write what was discussed and decided.")
    first = meeting.notes_posted_at is None
    with transaction.atomic():
        meeting.notes = notes
        meeting.notes_by = user
        meeting.notes_posted_at = meeting.notes_posted_at or timezone.now()
        meeting.save(update_fields=["notes", "notes_by", "notes_posted_at"])
        if first:
            activity.record(
                meeting.community, user, "meeting.notes", f"Notes posted: {meeting.title}",
                url=meeting.get_absolute_url(), target=meeting,
            )  # fmt: skip
    return meeting


def _is_guest(user, meeting):
    from ...guests import is_guest

    return is_guest(user, meeting)
