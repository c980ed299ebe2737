"""The community calendar: month and list views in the viewer's zone, feeds, my calendar."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from communities import calendar
from communities import services as community_services
from communities.models import EventFollow, Meeting, Membership, Rsvp, Theme
from hotseats.models import HotSeat
from tests.hotseats.conftest import make_hotseat
from tests.utils import words as text

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


def meeting(community, title="Practice clinic", starts=None, hours=2, **fields):
    starts = starts or datetime.datetime(2030, 7, 10, 9, 0, tzinfo=LONDON)
    return Meeting.objects.create(
        community=community, title=title, starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours),
        **fields,
    )  # fmt: skip


def page(client, community, month, view="month"):
    url = reverse("communities:calendar", args=[community.slug])
    return client.get(url, {"month": month, "view": view})


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


# --- pages ----------------------------------------------------------------------------------


def test_month_view_shows_meetings_hot_seats_and_themes_of_the_month(login, member, community):
    meeting(community, "Practice clinic")
    make_hotseat(
        community, state="scheduled", title="Benefits after go-live",
        opens_at=datetime.datetime(2030, 7, 14, 12, 0, tzinfo=UTC),
        closes_at=datetime.datetime(2030, 7, 18, 12, 0, tzinfo=UTC),
    )  # fmt: skip
    make_hotseat(community, state="draft", title="Secret draft",
                 opens_at=datetime.datetime(2030, 7, 20, 12, tzinfo=UTC),
                 closes_at=datetime.datetime(2030, 7, 22, 12, tzinfo=UTC))  # fmt: skip
    Theme.objects.create(
        community=community, title="Assurance", slug="assurance",
        starts_on=datetime.date(2030, 7, 1), ends_on=datetime.date(2030, 7, 31),
    )  # fmt: skip
    meeting(community, "Next month", starts=datetime.datetime(2030, 8, 3, 9, tzinfo=LONDON))

    body = text(page(login(member), community, "2030-07"))

    assert "July 2030" in body
    assert "Practice clinic" in body
    assert "Hot seat: Benefits after go-live with Nadia New" in body
    assert "Theme: Assurance" in body
    assert "Secret draft" not in body
    assert "Next month" not in body


def test_an_event_at_nine_in_london_shows_at_ten_in_paris_before_and_after_the_clock_change(
    login, member, community
):
    # Clocks go forward on Sunday 31 March 2030 in both cities; the hour between them stays.
    meeting(community, "Winter clinic", starts=datetime.datetime(2030, 3, 27, 9, 0, tzinfo=LONDON))
    meeting(community, "Summer clinic", starts=datetime.datetime(2030, 4, 3, 9, 0, tzinfo=LONDON))
    member.timezone = "Europe/Paris"
    member.save()
    client = login(member)

    march = text(page(client, community, "2030-03", view="list"))
    april = text(page(client, community, "2030-04", view="list"))

    assert "10:00 Winter clinic" in march
    assert "10:00 Summer clinic" in april
    assert "Times in Europe/Paris" in march

    member.timezone = "Europe/London"
    member.save()
    assert "09:00 Winter clinic" in text(page(client, community, "2030-03", view="list"))
    assert "09:00 Summer clinic" in text(page(client, community, "2030-04", view="list"))


def test_a_late_evening_event_falls_on_the_next_day_for_a_viewer_further_east(login, member, community):
    meeting(community, "Late call", starts=datetime.datetime(2030, 7, 31, 22, 30, tzinfo=LONDON), hours=1)
    member.timezone = "Asia/Tokyo"
    member.save()

    july = text(page(login(member), community, "2030-07", view="list"))
    august = text(page(login(member), community, "2030-08", view="list"))

    assert "Late call" not in july
    assert "Thursday 1 August" in august and "06:30 Late call" in august


def test_closed_communitys_calendar_answers_404_to_outsiders(login, outsider, closed_community):
    meeting(closed_community, "Private review")
    url = reverse("communities:calendar", args=[closed_community.slug])

    assert login(outsider).get(url).status_code == 404


def test_malformed_months_fall_back_to_this_month(login, member, community):
    client = login(member)
    for month in ["2030-13", "abcd", "99999-01", "2030-7", "0000-00"]:
        assert page(client, community, month).status_code == 200


def test_the_month_page_costs_the_same_queries_with_one_or_many_events(
    login, member, community, django_assert_num_queries
):
    client = login(member)
    meeting(community, "One")
    page(client, community, "2030-07")
    # session, user, community + membership, meetings, hot seats, surveys, themes, reminders asked
    # for (the layout's counts and sidebar are cached per member)
    with django_assert_num_queries(8) as one:
        page(client, community, "2030-07")
    for day in range(1, 25):
        meeting(community, f"Meeting {day}", starts=datetime.datetime(2030, 7, day, 9, tzinfo=LONDON))
        make_hotseat(community, state="scheduled", opens_at=datetime.datetime(2030, 7, day, 12, tzinfo=UTC),
                     closes_at=datetime.datetime(2030, 7, day + 3, 12, tzinfo=UTC))  # fmt: skip
    with django_assert_num_queries(8):
        page(client, community, "2030-07")
    assert len(one.captured_queries) == 8


# --- feeds ----------------------------------------------------------------------------------


def test_open_communitys_feed_parses_and_lists_its_events_in_utc(client, community):
    meeting(community, "Practice clinic", starts=datetime.datetime(2026, 12, 10, 9, 0, tzinfo=LONDON))
    Theme.objects.create(
        community=community, title="Assurance", slug="assurance",
        starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 31),
    )  # fmt: skip
    make_hotseat(community, state="scheduled", title="Soon")
    make_hotseat(community, state="draft", title="Draft")

    found = {
        str(e["summary"]): e
        for e in events(client.get(reverse("communities:calendar_feed", args=[community.slug])))
    }

    assert set(found) == {"Practice clinic", "Theme: Assurance", "Hot seat: Soon with Nadia New"}
    clinic = found["Practice clinic"]
    assert clinic.decoded("dtstart") == datetime.datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    assert found["Theme: Assurance"].decoded("dtstart") == datetime.date(2026, 12, 1)
    assert found["Theme: Assurance"].decoded("dtend") == datetime.date(2027, 1, 1)


def test_closed_communitys_feed_needs_the_members_secret_url_and_stops_when_they_leave(
    client, login, member, closed_community, time_machine
):
    # The token is signed with a timestamp: freeze the clock so the page's and ours match.
    time_machine.move_to(timezone.now(), tick=False)
    meeting(closed_community, "Private review", starts=datetime.datetime(2026, 12, 10, 9, tzinfo=UTC))
    assert client.get(reverse("communities:calendar_feed", args=[closed_community.slug])).status_code == 404

    calendar_page = login(member).get(reverse("communities:calendar", args=[closed_community.slug]))
    membership = member.memberships.get(community=closed_community)
    url = reverse(
        "communities:calendar_member_feed", args=[closed_community.slug, calendar.feed_token(membership)]
    )
    assert url in calendar_page.content.decode()

    client.logout()
    assert [str(e["summary"]) for e in events(client.get(url))] == ["Private review"]
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404

    community_services.leave_community(member, closed_community)
    assert client.get(url).status_code == 404


def test_a_secret_feed_url_of_one_community_does_not_open_another(
    client, member, community, closed_community
):
    membership = member.memberships.get(community=community)
    url = reverse(
        "communities:calendar_member_feed", args=[closed_community.slug, calendar.feed_token(membership)]
    )

    assert client.get(url).status_code == 404


def test_my_calendar_feed_covers_my_communities_now_and_drops_one_i_leave(
    client, login, member, community, closed_community
):
    when = datetime.datetime(2026, 12, 10, 9, tzinfo=UTC)
    meeting(community, "Open clinic", starts=when)
    meeting(closed_community, "Private review", starts=when)

    my_page = login(member).get(reverse("my_calendar"), {"month": "2026-12", "view": "list"})
    url = reverse("my_calendar_feed", args=[calendar.my_token(member)])
    assert url in my_page.content.decode()
    assert "Private review" in text(my_page)
    client.logout()

    summaries = {str(e["summary"]) for e in events(client.get(url))}
    assert summaries == {"Open clinic (Benefits Realisation)", "Private review (Assurance Reviewers)"}

    community_services.leave_community(member, closed_community)
    assert {str(e["summary"]) for e in events(client.get(url))} == {"Open clinic (Benefits Realisation)"}
    assert client.get(reverse("my_calendar_feed", args=["forged"])).status_code == 404


def test_feeds_cost_the_same_queries_with_one_or_many_events(client, community, django_assert_num_queries):
    url = reverse("communities:calendar_feed", args=[community.slug])
    meeting(community, "One", starts=datetime.datetime(2026, 12, 1, 9, tzinfo=UTC))
    # community, then one query per calendar source: meetings, hot seats, surveys, themes
    with django_assert_num_queries(5):
        client.get(url)
    for day in range(2, 28):
        meeting(community, f"M{day}", starts=datetime.datetime(2026, 12, day, 9, tzinfo=UTC))
        make_hotseat(community, state="scheduled")
    with django_assert_num_queries(5):
        assert len(events(client.get(url))) == 53


def test_a_meetings_own_ics_comes_from_the_same_builder(login, member, community):
    m = meeting(
        community, "Practice clinic", starts=datetime.datetime(2030, 7, 10, 9, tzinfo=UTC), place="Leeds"
    )
    response = login(member).get(reverse("communities:meeting_ics", args=[community.slug, m.pk]))

    (event,) = events(response)
    assert str(event["summary"]) == "Practice clinic (Benefits Realisation)"
    assert str(event["location"]) == "Leeds"
    assert b"DTSTART:20300710T090000Z" in response.content


# --- reminders ----------------------------------------------------------------------------


def _remind():
    from newsletters.sources.communities.reminders import send_event_reminders

    return send_event_reminders()


def test_members_who_said_they_would_come_get_one_reminder_the_day_before(member, core_member, community):
    tomorrow = meeting(
        community, "Practice clinic", starts=datetime.datetime.now(UTC) + datetime.timedelta(hours=20)
    )
    later = meeting(community, "Later", starts=datetime.datetime.now(UTC) + datetime.timedelta(days=3))
    Rsvp.objects.create(meeting=tomorrow, user=member, response=Rsvp.Response.GOING)
    Rsvp.objects.create(meeting=tomorrow, user=core_member, response=Rsvp.Response.NOT_GOING)
    Rsvp.objects.create(meeting=later, user=member, response=Rsvp.Response.GOING)
    member.timezone = "Europe/Paris"
    member.save()

    _remind()
    _remind()  # beat runs again: nothing twice

    assert [m.to for m in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert message.subject.startswith("Reminder: Practice clinic, ")
    assert "CET" in message.subject or "CEST" in message.subject
    assert tomorrow.get_absolute_url() in message.body
    assert "said you would come" in message.alternatives[0][0]


def test_a_member_who_left_is_not_reminded(member, community):
    soon = meeting(
        community, "Practice clinic", starts=datetime.datetime.now(UTC) + datetime.timedelta(hours=5)
    )
    Rsvp.objects.create(meeting=soon, user=member, response=Rsvp.Response.MAYBE)
    community_services.leave_community(member, community)

    _remind()

    assert mail.outbox == []


def test_members_who_asked_are_reminded_of_a_hot_seat_opening_tomorrow(login, member, core_member, community):
    now = datetime.datetime.now(UTC)
    hotseat = make_hotseat(community, state="scheduled", opens_at=now + datetime.timedelta(hours=10))
    url = reverse("communities:event_follow", args=[community.slug, "hotseat", hotseat.pk])

    response = login(member).post(url, {"next": "/communities/benefits/calendar/"})

    assert response.status_code == 302 and response["Location"] == "/communities/benefits/calendar/"
    assert EventFollow.objects.filter(user=member, kind="hotseat", object_id=hotseat.pk).exists()
    _remind()
    _remind()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "asked to be reminded" in mail.outbox[0].body


def test_reminder_requests_answer_404_for_drafts_strangers_and_unknown_kinds(
    login, member, outsider, community, closed_community
):
    draft = make_hotseat(community, state="draft")
    closed = make_hotseat(closed_community, state="scheduled")
    client = login(member)
    assert (
        client.post(
            reverse("communities:event_follow", args=[community.slug, "hotseat", draft.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("communities:event_follow", args=[community.slug, "nonsense", 1])).status_code
        == 404
    )
    outsider_client = login(outsider)
    url = reverse("communities:event_follow", args=[closed_community.slug, "hotseat", closed.pk])
    assert outsider_client.post(url).status_code == 404
    assert not EventFollow.objects.exists()
    assert HotSeat.objects.count() == 2
    assert Membership.objects.filter(user=outsider).count() == 0


def test_a_members_feed_address_is_stable_and_older_timestamped_addresses_still_work(
    client, member, closed_community
):
    from django.core import signing

    meeting(closed_community, "Private review", starts=datetime.datetime(2026, 12, 10, 9, tzinfo=UTC))
    membership = member.memberships.get(community=closed_community)
    assert calendar.feed_token(membership) == calendar.feed_token(membership)
    old = signing.dumps(
        {"m": membership.pk, "j": 0 if not membership.joined_at else int(membership.joined_at.timestamp())},
        salt=calendar.SALT,
    )
    url = reverse("communities:calendar_member_feed", args=[closed_community.slug, old])
    assert [str(e["summary"]) for e in events(client.get(url))] == ["Private review"]
