"""Reminder e-mails the day before a meeting a member said they would (or might) attend, or a
hot seat they asked to be reminded of ("Remind me the day before" on the calendar).

Beat runs `send_event_reminders` every 15 minutes; it picks events starting within the next
24 hours and enqueues batch tasks of 50 members per event. Each batch goes through the sending
engine as one batch (`sending.send_now`: one connection, claims and checks for the whole batch);
each message is a delivery row keyed (member, "reminder", "<kind>:<pk>"), so a member is never
reminded twice of one event, whatever retries, overlapping beats or restarted workers do. The
kind's check re-reads the event and who may see it just before sending: someone who left in
between, an event cancelled or already started, hears nothing (skipped with the reason).
"""

import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from communities.calendar import meeting_reminder_recipients
from communities.models import Community, EventFollow, Meeting, MeetingGuest, Membership
from communities.policy import readers_of
from cop_platform.accounts.models import User
from cop_platform.emails import absolute_url, build_email
from hotseats.models import HotSeat

from ... import sending
from ...models import Delivery
from ...sending import Kind
from ..hotseats.emails import when_for

AHEAD = datetime.timedelta(hours=24)
BATCH = 50
EVENT_GONE = "event cancelled"
TOO_LATE = "event started"
NOT_ALLOWED = "no longer a member"


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


def _allowed(kind, obj, community, user_ids):
    """Those of `user_ids` who may be reminded now: active accounts who may see the event (the
    one visibility rule) and are still members; a meeting's invited guests (communities.guests)
    too, the meeting being the one thing they may see. One query."""
    members = Membership.objects.active().filter(community=community).values("user_id")
    allowed = Q(pk__in=readers_of(obj).filter(pk__in=members).values("pk"))
    if kind == "meeting":
        allowed |= Q(pk__in=MeetingGuest.objects.filter(meeting=obj).values("user_id"))
    return User.objects.filter(is_active=True, pk__in=list(user_ids)).filter(allowed)


def check_reminders(rows):
    """Just before sending (sending engine): the event is still live and still ahead, and each
    member may still see it. One query per event in the batch (a batch has one event)."""
    by_key = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    refused = {}
    for key, event_rows in by_key.items():
        kind, _, pk = key.partition(":")
        event = _event(kind, int(pk)) if pk.isdigit() else None
        if event is None:
            refused.update(dict.fromkeys((row.pk for row in event_rows), EVENT_GONE))
            continue
        obj, _, starts_at, _, _, community, _ = event
        if starts_at <= timezone.now():
            refused.update(dict.fromkeys((row.pk for row in event_rows), TOO_LATE))
            continue
        ids = {row.recipient_id for row in event_rows}
        allowed = set(_allowed(kind, obj, community, ids).values_list("pk", flat=True))
        refused.update({row.pk: NOT_ALLOWED for row in event_rows if row.recipient_id not in allowed})
    return refused


def _message(user, kind, event):
    _, title, starts_at, ends_at, url, community, where = event
    context = {
        "recipient": user, "title": title, "when": when_for(user, starts_at),
        "until": when_for(user, ends_at), "url": absolute_url(url), "community": community,
        "where": where, "kind": kind,
    }  # fmt: skip
    return build_email("event_reminder", context, to=user.email, list_id="reminders")


def build_reminder(row):
    kind, _, pk = row.key.partition(":")
    return _message(row.recipient, kind, _event(kind, int(pk)))


sending.register(
    Kind(
        "reminder",
        build=build_reminder,
        check=check_reminders,
        description="a reminder the day before an event",
    )
)


class TemporaryFailure(Exception):
    """Some reminders went back to pending (the mail server said "later"): retry the batch."""


def remind(kind, pk, user_ids):
    """E-mail the reminder of one event to those of `user_ids` who may still be reminded, as one
    batch of the sending engine (one connection, eligibility re-checked just before sending).

    Returns the count sent; raises TemporaryFailure when rows went back to pending.
    """
    event = _event(kind, pk)
    if event is None:
        return 0
    obj, _, starts_at, _, _, community, _ = event
    if starts_at <= timezone.now():
        return 0  # too late to remind
    # Rows only for who may be reminded now: someone who left, was removed or lost access in
    # between hears nothing, and may still be reminded by a later beat if they come back.
    users = list(_allowed(kind, obj, community, user_ids))
    result = sending.send_now(
        "reminder", f"{kind}:{pk}", users, lambda row: _message(row.recipient, kind, event)
    )
    if result.retry:
        raise TemporaryFailure(str(result.error)) from result.error
    return result.sent


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
    bind=True, queue="email", max_retries=5, name="newsletters.calendar_reminders.send_event_reminder_batch"
)
def send_event_reminder_batch(self, kind, pk, user_ids):
    """Remind one batch of members of one event (idempotent per member and event); rows a
    mail server deferred are retried with jittered backoff, then given up as failed."""
    try:
        return remind(kind, pk, user_ids)
    except TemporaryFailure as error:
        if self.request.retries >= self.max_retries:
            Delivery.objects.filter(
                kind="reminder", key=f"{kind}:{pk}", recipient_id__in=user_ids, status=Delivery.Status.PENDING
            ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])
            return 0
        raise self.retry(exc=error, countdown=sending.backoff(self.request.retries)) from error
