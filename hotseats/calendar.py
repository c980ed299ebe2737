"""iCalendar files: one per hot seat, and a feed of a community's hot seats.

Closed communities' feeds are reached through a per-member secret URL: a signed token naming
the membership and when it began, checked against an active membership on every request, so
it stops working when the member leaves (and a later re-join gets a new one).
"""

import datetime

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from communities.models import Membership
from cop_platform.emails import absolute_url

SALT = "hotseats.calendar"


def feed_token(membership):
    return signing.dumps(
        {"m": membership.pk, "j": int(membership.joined_at.timestamp()) if membership.joined_at else 0},
        salt=SALT,
    )


def membership_for_token(token, community):
    """The active membership a feed token belongs to, or None (bad, revoked or other community)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    membership = (
        Membership.objects.active()
        .filter(pk=data.get("m"), community=community)
        .select_related("user")
        .first()
    )
    if membership is None:
        return None
    joined = int(membership.joined_at.timestamp()) if membership.joined_at else 0
    return membership if joined == data.get("j") else None


def _domain():
    return absolute_url("/").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def build_calendar(hotseats, name):
    cal = Calendar()
    cal.add("prodid", "-//Practice Commons//Hot seats//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = timezone.now()
    domain = _domain()
    for hotseat in hotseats:
        event = Event()
        event.add("uid", f"hotseat-{hotseat.pk}@{domain}")
        event.add("dtstamp", now.astimezone(datetime.UTC))
        # UTC datetimes are written with a trailing Z: every calendar shows them in its own zone.
        event.add("dtstart", hotseat.opens_at.astimezone(datetime.UTC))
        event.add("dtend", hotseat.closes_at.astimezone(datetime.UTC))
        event.add("summary", f"Hot seat: {hotseat.title} with {hotseat.expert_display_name}")
        url = absolute_url(hotseat.get_absolute_url())
        event.add("description", f"{hotseat.topic}\n\nAsk your questions: {url}")
        event.add("url", url)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
