import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse

from communities.models import Activity, Meeting, Rsvp
from communities.repertoire import services
from tests.utils import text

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _meeting(facilitator, community, days=7, **kwargs):
    starts = NOW + datetime.timedelta(days=days)
    return services.schedule_meeting(
        facilitator, community, title=kwargs.pop("title", "Benefits workshop"), starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2), place=kwargs.pop("place", "Leeds Civic Hall"), **kwargs,
    )  # fmt: skip


def test_facilitator_schedules_a_meeting_in_their_time_zone(login, facilitator, community):
    response = login(facilitator).post(
        reverse("communities:meeting_create", args=[community.slug]),
        {"title": "Assurance meet-up", "starts_at": "2026-12-02T14:00", "ends_at": "2026-12-02T16:00",
         "place": "", "online_url": "https://meet.example.org/abc", "agenda": "1. Welcome"},
        follow=True,
    )  # fmt: skip

    assert "“Assurance meet-up” is on the calendar." in text(response)
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime(2026, 12, 2, 14, tzinfo=datetime.UTC)
    assert Activity.objects.filter(verb="meeting.scheduled", target_id=meeting.pk).exists()


def test_meeting_needs_a_place_or_link_and_a_safe_link(login, facilitator, community):
    response = login(facilitator).post(
        reverse("communities:meeting_create", args=[community.slug]),
        {"title": "Nowhere", "starts_at": "2026-12-02T14:00", "ends_at": "2026-12-02T13:00",
         "online_url": "javascript:alert(1)"},
    )  # fmt: skip

    page = text(response)
    assert "The meeting must end after it starts." in page
    assert "Links starting with “javascript:” are not allowed." in page
    assert 'value="Nowhere"' in page
    assert not Meeting.objects.exists()


def test_members_say_whether_they_will_come_and_can_change_their_mind(
    login, member, core_member, facilitator, community
):
    meeting = _meeting(facilitator, community)
    url = reverse("communities:meeting_rsvp", args=[community.slug, meeting.pk])

    login(member).post(url, {"response": "going"})
    login(core_member).post(url, {"response": "maybe"})
    response = login(member).post(url, {"response": "not_going"}, follow=True)

    assert "your answer is saved: not going" in text(response)
    assert dict(Rsvp.objects.values_list("user__display_name", "response")) == {
        "Mo Member": "not_going",
        "Cora Core": "maybe",
    }
    page = text(response)
    assert "0 going · 1 maybe · 1 can't come" in " ".join(
        page.replace("<strong>", "").replace("</strong>", "").split()
    )


def test_non_members_cannot_rsvp(login, outsider, facilitator, community):
    meeting = _meeting(facilitator, community)
    response = login(outsider).post(
        reverse("communities:meeting_rsvp", args=[community.slug, meeting.pk]),
        {"response": "going"},
        follow=True,
    )

    assert "Only members of this community can reply to its meetings." in text(response)
    assert not Rsvp.objects.exists()


def test_notes_are_posted_after_the_meeting_in_markdown(login, member, facilitator, community):
    meeting = _meeting(facilitator, community, days=-2)
    url = reverse("communities:meeting_notes", args=[community.slug, meeting.pk])

    assert login(member).get(url).status_code == 404
    response = login(facilitator).post(
        url, {"notes": "## Decisions\n\n- Use the **benefits map**"}, follow=True
    )

    assert "The notes are posted with the meeting." in text(response)
    assert "<strong>benefits map</strong>" in response.content.decode()
    login(facilitator).post(url, {"notes": "Updated notes"})
    assert Activity.objects.filter(verb="meeting.notes").count() == 1  # editing is not news again


def test_ics_download_has_the_meeting_in_utc(login, member, facilitator, community):
    meeting = _meeting(facilitator, community, online_url="https://meet.example.org/x")
    response = login(member).get(reverse("communities:meeting_ics", args=[community.slug, meeting.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == NOW + datetime.timedelta(days=7)
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert b"DTSTART:20261130T100000Z" in response.content
    assert "Leeds Civic Hall" in str(event["location"])


def test_meetings_of_closed_community_answer_404_to_outsiders(login, outsider, facilitator, closed_community):
    meeting = _meeting(facilitator, closed_community)
    client = login(outsider)
    slug = closed_community.slug

    for url in [
        reverse("communities:meetings", args=[slug]),
        reverse("communities:meeting_detail", args=[slug, meeting.pk]),
        reverse("communities:meeting_ics", args=[slug, meeting.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("communities:meeting_rsvp", args=[slug, meeting.pk]), {"response": "going"}
        ).status_code
        == 404
    )


def test_meeting_notes_appear_in_search(login, member, facilitator, community):
    meeting = _meeting(facilitator, community, days=-2, title="Quarterly meet-up")
    services.post_meeting_notes(facilitator, meeting, "We agreed a new dis-benefits register.")

    page = text(
        login(member).get(reverse("communities:repertoire_search", args=[community.slug]), {"q": "register"})
    )
    assert "Quarterly meet-up" in page


def test_meetings_list_query_count_is_constant(
    login, member, facilitator, community, django_assert_num_queries
):
    client = login(member)
    _meeting(facilitator, community)
    _meeting(facilitator, community, days=-3)
    url = reverse("communities:meetings", args=[community.slug])
    client.get(url)
    # Queries: session, user, community, membership, upcoming with going counts, past, sidebar, unread.
    with django_assert_num_queries(8):
        client.get(url)
    for n in range(4):
        meeting = _meeting(facilitator, community, days=n + 1)
        services.rsvp(member, meeting, "going")
        _meeting(facilitator, community, days=-n - 5)
    with django_assert_num_queries(8):
        client.get(url)


def test_meeting_page_query_count_is_constant(
    login, member, core_member, facilitator, community, django_assert_num_queries
):
    meeting = _meeting(facilitator, community)
    client = login(member)
    url = meeting.get_absolute_url()
    services.rsvp(member, meeting, "going")
    client.get(url)
    # Queries: session, user, community, membership, meeting with theme and authors, answers with
    # people, sidebar, unread.
    with django_assert_num_queries(8):
        client.get(url)
    services.rsvp(core_member, meeting, "maybe")
    services.rsvp(facilitator, meeting, "going")
    with django_assert_num_queries(8):
        client.get(url)


def test_organiser_edits_a_meeting_and_answers_are_kept(login, member, facilitator, community):
    meeting = _meeting(facilitator, community)
    services.rsvp(member, meeting, "going")
    url = reverse("communities:meeting_edit", args=[community.slug, meeting.pk])

    assert login(member).get(url).status_code == 404
    response = login(facilitator).post(
        url,
        {"title": "Moved workshop", "starts_at": "2026-12-03T09:30", "ends_at": "2026-12-03T11:00",
         "place": "Bradford", "online_url": "", "agenda": ""},
        follow=True,
    )  # fmt: skip

    assert "The meeting is updated." in text(response)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place) == ("Moved workshop", "Bradford")
    assert meeting.starts_at == datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)
    assert Rsvp.objects.filter(meeting=meeting, user=member, response="going").exists()
