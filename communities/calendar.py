"""The community calendar: one model of "what happens when", one .ics builder, feed tokens.

Meetings and theme periods come from this app; hot seats, survey deadlines and anything else
are contributed by other apps through `extensions.register_calendar_source`, so communities
imports none of them. Every source loads its entries for a set of communities and a window
with one query, whatever the number of events.

Times are stored and written to .ics files in UTC (with a trailing Z), so every calendar
application shows them in its own zone; pages show them in the viewer's zone (the middleware
activates it). Theme periods and survey deadlines by day are all-day entries.

Feed addresses: an open community's feed is public; a closed community's is reached through
a per-member secret URL, a signed token naming the membership and when it began, checked
against an active membership on every request: it stops working when the member leaves (and
a later re-join gets a new one). "My calendar" has one secret URL per member covering the
communities they are an active member of at the moment of each request.
"""

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar, Event

from cop_platform.emails import absolute_url

from .extensions import calendar_sources
from .models import Community, EventFollow, Meeting, Membership, Rsvp, Theme
from .services import CommunityError

# The salt predates the community calendar (hot seat feeds): keeping it keeps members' URLs.
SALT = "hotseats.calendar"
MY_SALT = "communities.my-calendar"
FEED_PAST = datetime.timedelta(days=92)
FEED_FUTURE = datetime.timedelta(days=366)


@dataclass
class Entry:
    """One thing on the calendar. `start`/`end` are aware datetimes, or dates when `all_day`
    (then `end` is the last day, inclusive)."""

    uid: str
    kind: str  # "meeting", "hotseat", "theme", "survey", ...
    title: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    url: str
    community: Community
    description: str = ""
    location: str = ""
    all_day: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    def local_start_date(self):
        if self.all_day:
            return self.start
        return timezone.localtime(self.start).date()

    def local_end_date(self):
        if self.all_day:
            return self.end
        # An event ending at midnight belongs to the day before.
        return timezone.localtime(self.end - datetime.timedelta(microseconds=1)).date()

    def sort_key(self):
        if self.all_day:
            start = datetime.datetime.combine(
                self.start, datetime.time.min, tzinfo=timezone.get_current_timezone()
            )
            return (start, 0, self.title)
        return (self.start, 1, self.title)


KIND_LABELS = {"meeting": "Meeting", "hotseat": "Hot seat", "theme": "Theme", "survey": "Survey"}


# --- the sources of this app ---------------------------------------------------------------


def meeting_entries(community_ids, start, end):
    """Meetings overlapping [start, end): one query."""
    meetings = Meeting.objects.filter(
        community_id__in=community_ids, starts_at__lt=end, ends_at__gt=start
    ).select_related("community")
    return meeting_entries_of(meetings)


def meeting_entries_of(meetings):
    return [
        Entry(
            uid=f"meeting-{m.pk}",
            kind="meeting",
            title=m.title,
            start=m.starts_at,
            end=m.ends_at,
            url=m.get_absolute_url(),
            community=m.community,
            description=m.agenda,
            location=", ".join(part for part in (m.place, m.online_url) if part),
            extra={"pk": m.pk},
        )
        for m in meetings
    ]


def theme_entries(community_ids, start, end):
    """Theme periods overlapping the window, as all-day entries: one query."""
    themes = Theme.objects.filter(
        community_id__in=community_ids, starts_on__lt=end.date() + datetime.timedelta(days=1),
        ends_on__gte=start.date() - datetime.timedelta(days=1),
    ).select_related("community")  # fmt: skip
    return [
        Entry(
            uid=f"theme-{t.pk}",
            kind="theme",
            title=f"Theme: {t.title}",
            start=t.starts_on,
            end=t.ends_on,
            url=t.get_absolute_url(),
            community=t.community,
            description=t.description,
            all_day=True,
        )
        for t in themes
    ]


def entries_for(community_ids, start, end):
    """Every source's entries for these communities in [start, end), in time order.

    Costs one query per registered source (meetings, themes, hot seats, surveys...).
    """
    community_ids = list(community_ids)
    if not community_ids:
        return []
    entries = []
    for source in calendar_sources():
        entries.extend(source.load(community_ids, start, end))
    return sorted(entries, key=Entry.sort_key)


def feed_window(now=None):
    now = now or timezone.now()
    return now - FEED_PAST, now + FEED_FUTURE


# --- one .ics builder for every calendar file of the site --------------------------------


def domain():
    return absolute_url("/").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def build_ics(entries, name):
    """An iCalendar file (bytes) of `entries`. Used by meeting and hot seat files and all feeds."""
    cal = Calendar()
    cal.add("prodid", "-//Practice Commons//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = timezone.now().astimezone(datetime.UTC)
    host = domain()
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now)
        if entry.all_day:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.end + datetime.timedelta(days=1))  # DTEND of a date is exclusive
        else:
            # UTC datetimes are written with a trailing Z: every calendar shows them in its own zone.
            event.add("dtstart", entry.start.astimezone(datetime.UTC))
            event.add("dtend", entry.end.astimezone(datetime.UTC))
        event.add("summary", entry.title)
        url = absolute_url(entry.url)
        event.add("description", f"{entry.description}\n\n{url}".strip())
        if entry.location:
            event.add("location", entry.location)
        event.add("url", url)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


# --- secret feed addresses --------------------------------------------------------------------


def _sign(data, salt):
    """A stable signed token (no timestamp): the same member gets the same address every time."""
    return signing.Signer(salt=salt).sign_object(data)


def _unsign(token, salt):
    """The data of a token, or None. Accepts older timestamped tokens (signing.dumps) too."""
    for unsign in (signing.Signer(salt=salt).unsign_object, lambda t: signing.loads(t, salt=salt)):
        try:
            data = unsign(token)
        except (signing.BadSignature, ValueError):
            continue
        return data if isinstance(data, dict) else None
    return None


def _joined(membership):
    return int(membership.joined_at.timestamp()) if membership.joined_at else 0


def feed_token(membership):
    """A member's secret token for one community's feeds (community calendar, hot seats)."""
    return _sign({"m": membership.pk, "j": _joined(membership)}, SALT)


def membership_for_token(token, community):
    """The active membership a feed token belongs to, or None (bad, revoked or other community)."""
    data = _unsign(token, SALT)
    if data is None:
        return None
    membership = (
        Membership.objects.active()
        .filter(pk=data.get("m"), community=community)
        .select_related("user")
        .first()
    )
    if membership is None or not membership.user.is_active:
        return None
    return membership if _joined(membership) == data.get("j") else None


def my_token(user):
    """The member's secret token for "my calendar"; it covers only current memberships."""
    return _sign({"u": user.pk}, MY_SALT)


def user_for_my_token(token):
    from django.contrib.auth import get_user_model

    data = _unsign(token, MY_SALT)
    if data is None:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


def my_community_ids(user):
    """Live communities the user is an active member of (one query)."""
    return list(
        Community.objects.filter(
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
            status__in=Community.LIVE_STATUSES,
        ).values_list("pk", flat=True)
    )


# --- reminders ------------------------------------------------------------------------------


def meeting_reminder_recipients(meeting):
    """Members who said they would (or might) come: their user ids, one query."""
    return list(
        meeting.rsvps.filter(response__in=[Rsvp.Response.GOING, Rsvp.Response.MAYBE]).values_list(
            "user_id", flat=True
        )
    )


# --- writes: "remind me the day before" on an entry ---------------------------------------------


def follow_event(access, kind, object_id):
    """Ask for a reminder of one entry (kind, pk) of access.community; idempotent."""
    if not access.can_follow_events:
        raise CommunityError("Only members can ask for reminders.")
    try:
        with transaction.atomic():
            EventFollow.objects.get_or_create(
                user=access.user, kind=kind, object_id=object_id, defaults={"community": access.community}
            )
    except IntegrityError:
        pass  # the same click twice at once: the first one is enough


def unfollow_event(user, community, kind, object_id):
    EventFollow.objects.filter(user=user, community=community, kind=kind, object_id=object_id).delete()
