"""Reminder e-mails the day before a meeting a member said they would (or might) attend, or a
hot seat they asked to be reminded of ("Remind me the day before" on the calendar).

Beat runs `send_event_reminders` every 15 minutes; it picks events starting within the next
24 hours and enqueues one batch task per event. Each message is a delivery row keyed
(member, "reminder", "<kind>:<pk>"), so a member is never reminded twice of one event,
whatever retries, overlapping beats or restarted workers do. Membership is re-checked at
send time: someone who left in between hears nothing.
"""

import datetime
import smtplib

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from communities.calendar import meeting_reminder_recipients
from communities.models import Community, EventFollow, Meeting, MeetingGuest, Membership
from communities.policy import readers_of
from cop_platform.accounts.models import User
from cop_platform.emails import absolute_url, build_email
from hotseats.models import HotSeat

from ... import delivery
from ..hotseats.emails import when_for

RETRYABLE = (smtplib.SMTPException, OSError)
AHEAD = datetime.timedelta(hours=24)
BATCH = 50


def _event(kind, pk):
    """(event, title, starts_at, ends_at, url, community, location) of a remindable event, or None."""
    live = Q(community__status__in=Community.LIVE_STATUSES)
    if kind == "meeting":
        m = Meeting.objects.filter(live, pk=pk).select_related("community").first()
        if m is None:
            return None
        where = ", ".join(part for part in (m.place, m.online_url) if part)
        return m, m.title, m.starts_at, m.ends_at, m.get_absolute_url(), m.community, where
    if kind == "hotseat":
        h = HotSeat.objects.published().filter(live, pk=pk).select_related("community", "expert").first()
        if h is None:
            return None
        title = f"Hot seat: {h.title} with {h.expert_display_name}"
        return h, title, h.opens_at, h.closes_at, h.get_absolute_url(), h.community, ""
    return None


def due_events(now=None):
    """[(kind, pk, [user ids])] of events starting within 24 hours that someone asked about."""
    now = now or timezone.now()
    window = {"community__status__in": Community.LIVE_STATUSES}
    due = []
    for meeting in Meeting.objects.filter(starts_at__gt=now, starts_at__lte=now + AHEAD, **window):
        ids = meeting_reminder_recipients(meeting)
        if ids:
            due.append(("meeting", meeting.pk, ids))
    hotseat_ids = list(
        HotSeat.objects.published()
        .filter(opens_at__gt=now, opens_at__lte=now + AHEAD, **window)
        .values_list("pk", flat=True)
    )
    follows = {}
    for object_id, user_id in EventFollow.objects.filter(
        kind="hotseat", object_id__in=hotseat_ids
    ).values_list("object_id", "user_id"):
        follows.setdefault(object_id, []).append(user_id)
    due.extend(("hotseat", pk, ids) for pk, ids in follows.items())
    return due


def remind(kind, pk, user_ids):
    """E-mail the reminder of one event to those of `user_ids` still active members. Returns the count sent."""
    event = _event(kind, pk)
    if event is None:
        return 0
    obj, title, starts_at, ends_at, url, community, where = event
    if starts_at <= timezone.now():
        return 0  # too late to remind
    # Who may see the event now (the one visibility rule), and still a member: someone who
    # left, was removed or lost access in between hears nothing. A meeting's invited guests
    # (communities.guests) are reminded too: the meeting is the one thing they may see.
    members = Membership.objects.active().filter(community=community).values("user_id")
    allowed = Q(pk__in=readers_of(obj).filter(pk__in=members).values("pk"))
    if kind == "meeting":
        allowed |= Q(pk__in=MeetingGuest.objects.filter(meeting=obj).values("user_id"))
    recipients = User.objects.filter(is_active=True, pk__in=user_ids).filter(allowed)
    sent = 0
    for user in recipients:

        def build(user=user):
            context = {
                "recipient": user, "title": title, "when": when_for(user, starts_at),
                "until": when_for(user, ends_at), "url": absolute_url(url), "community": community,
                "where": where, "kind": kind,
            }  # fmt: skip
            return build_email("event_reminder", context, to=user.email, list_id="reminders")

        sent += bool(delivery.send_once(user, "reminder", f"{kind}:{pk}", build))
    return sent


# Task names are those of the module's old place (newsletters.calendar_reminders): queued tasks and the beat schedule
# refer to them by name.
@shared_task(queue="email", name="newsletters.calendar_reminders.send_event_reminders")
def send_event_reminders():
    """Beat, every 15 minutes: enqueue reminder batches for events starting within a day."""
    count = 0
    for kind, pk, user_ids in due_events():
        for start in range(0, len(user_ids), BATCH):
            send_event_reminder_batch.delay(kind, pk, user_ids[start : start + BATCH])
            count += 1
    return count


@shared_task(
    bind=True,
    queue="email",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    max_retries=6,
    name="newsletters.calendar_reminders.send_event_reminder_batch",
)
def send_event_reminder_batch(self, kind, pk, user_ids):
    """Remind one batch of members of one event (idempotent per member and event)."""
    return remind(kind, pk, user_ids)
