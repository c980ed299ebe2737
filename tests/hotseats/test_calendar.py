"""Calendars: an .ics per hot seat and a feed per community, members-only for closed ones."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from communities import services as community_services
from hotseats import calendar
from hotseats.models import HotSeat

from .conftest import make_hotseat

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
OPENS = datetime.datetime(2030, 7, 1, 13, 0, tzinfo=UTC)
CLOSES = datetime.datetime(2030, 7, 6, 13, 0, tzinfo=UTC)


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_hot_seat_ics_parses_and_carries_utc_times(login, member, community):
    hotseat = make_hotseat(community, None, state="scheduled", opens_at=OPENS, closes_at=CLOSES)
    member.timezone = "Asia/Tokyo"  # the viewer's zone must not leak into the file
    member.save()

    response = login(member).get(reverse("hotseats:ics", args=[community.slug, hotseat.pk]))

    (event,) = events(response)
    assert event.decoded("dtstart") == OPENS
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert event.decoded("dtend") == CLOSES
    assert b"DTSTART:20300701T130000Z" in response.content
    assert str(event["summary"]) == "Hot seat: Benefits after go-live with Nadia New"
    assert str(event["url"]).endswith(hotseat.get_absolute_url())
    assert str(event["uid"]) == f"hotseat-{hotseat.pk}@testserver"


def test_open_communitys_feed_lists_its_published_hot_seats(client, community):
    make_hotseat(community, None, state="scheduled", opens_at=OPENS, closes_at=CLOSES, title="Next")
    make_hotseat(community, None, state="closed", title="Past")
    make_hotseat(community, None, state="draft", title="Draft")

    response = client.get(reverse("hotseats:feed", args=[community.slug]))

    summaries = {str(e["summary"]) for e in events(response)}
    assert summaries == {"Hot seat: Next with Nadia New", "Hot seat: Past with Nadia New"}


def test_closed_community_feed_needs_a_members_secret_url_and_stops_when_they_leave(
    client, login, member, facilitator, closed_community
):
    make_hotseat(closed_community, None, state="scheduled", opens_at=OPENS, closes_at=CLOSES)
    assert client.get(reverse("hotseats:feed", args=[closed_community.slug])).status_code == 404

    list_page = login(member).get(reverse("hotseats:list", args=[closed_community.slug]))
    membership = member.memberships.get(community=closed_community)
    url = reverse("hotseats:member_feed", args=[closed_community.slug, calendar.feed_token(membership)])
    assert url in list_page.content.decode()

    client.logout()
    assert len(events(client.get(url))) == 1  # calendar apps fetch it without a session
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404  # tampered token

    community_services.leave_community(member, closed_community)
    assert client.get(url).status_code == 404


def test_a_feed_token_for_one_community_does_not_open_another(client, member, community, closed_community):
    membership = member.memberships.get(community=community)
    url = reverse("hotseats:member_feed", args=[closed_community.slug, calendar.feed_token(membership)])

    assert client.get(url).status_code == 404


def test_draft_has_no_ics(login, facilitator, community):
    hotseat = make_hotseat(community, None, state="draft")

    assert (
        login(facilitator).get(reverse("hotseats:ics", args=[community.slug, hotseat.pk])).status_code == 404
    )
    assert HotSeat.objects.count() == 1
