"""The built-in e-mail kinds and how digest and newsletter batches run on the sending engine.

Kinds (registered here, see newsletters/sending/kinds.py):
- "newsletter": one community's issue, rendered once per batch and personalised per member
  (sending/stencil.py); rows claimed 25 at a time just before they go out (the issue page's
  numbers move as it sends; a crash leaves at most 25 rows unknown);
  skipped when the member left or was removed, switched the newsletter off, or the
  community is no longer live.
- "digest": optional (counts towards the daily cap); composed for a batch of members,
  claimed, sent and marked in bulk (a constant number of queries per batch).
- "notification": optional and folding (over the daily cap it waits for the next digest);
  skipped when the member left the community, switched immediate e-mail off, or may no longer
  see what it is about.
- "welcome": skipped when the membership is no longer active.
"""

import smtplib
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from communities.models import Community, Membership

from . import digests, mail, sending, targets
from .models import Delivery, Issue, Notification, Preference
from .sending import Kind

LEFT = "no longer a member"
LIST_OFF = "list switched off"
CONTENT_GONE = "content hidden"
COMMUNITY_GONE = "community not live"


class TemporaryFailure(Exception):
    """Some rows could not be sent now and are pending again; the caller retries later."""


def is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key_pk(key):
    return int(key.rsplit(":", 1)[1])


def _active_pairs(pairs):
    """{(user_id, community_id)} of ACTIVE memberships among `pairs`: one query."""
    if not pairs:
        return set()
    users = {u for u, _ in pairs}
    communities = {c for _, c in pairs}
    return set(
        Membership.objects.active()
        .filter(user_id__in=users, community_id__in=communities)
        .values_list("user_id", "community_id")
    )


def _active_pairs_and_off(pairs, switch):
    """The ACTIVE (user_id, community_id) memberships among `pairs`, and those of them whose
    preference `switch` ("newsletter", "immediate") is off: one query."""
    if not pairs:
        return set(), set()
    switched_off = Preference.objects.filter(
        user_id=OuterRef("user_id"), community_id=OuterRef("community_id"), **{switch: False}
    )
    rows = (
        Membership.objects.active()
        .filter(user_id__in={u for u, _ in pairs}, community_id__in={c for _, c in pairs})
        .annotate(off=Exists(switched_off))
        .values_list("user_id", "community_id", "off")
    )
    active, off = set(), set()
    for user_id, community_id, is_off in rows:
        active.add((user_id, community_id))
        if is_off:
            off.add((user_id, community_id))
    return active, off


# --- newsletter -------------------------------------------------------------------------------


def check_newsletter(rows):
    issue_ids = {_key_pk(row.key) for row in rows}
    issues = Issue.objects.select_related("community").in_bulk(issue_ids)
    pairs = {
        (row.recipient_id, issues[_key_pk(row.key)].community_id)
        for row in rows
        if _key_pk(row.key) in issues
    }
    active, off = _active_pairs_and_off(pairs, "newsletter")
    refused = {}
    for row in rows:
        issue = issues.get(_key_pk(row.key))
        if issue is None or not issue.is_published:
            refused[row.pk] = CONTENT_GONE
        elif issue.community.status not in Community.LIVE_STATUSES:
            refused[row.pk] = COMMUNITY_GONE
        elif (row.recipient_id, issue.community_id) not in active:
            refused[row.pk] = LEFT
        elif (row.recipient_id, issue.community_id) in off:
            refused[row.pk] = LIST_OFF
    return refused


sending.register(
    Kind("newsletter", check=check_newsletter, claim_chunk=25, description="a community's newsletter issue")
)


def send_issue_batch(issue, delivery_ids, *, connection=None):
    """Send `issue` to the recipients of these Delivery rows; returns the BatchResult.

    Rows not pending are left alone, so running the same batch twice (a duplicate task, a
    re-enqueued batch after a crash) sends nothing twice.
    """
    rows = list(
        Delivery.objects.filter(
            pk__in=list(delivery_ids),
            kind="newsletter",
            key=issue.delivery_key,
            status=Delivery.Status.PENDING,
        )
        .select_related("recipient")
        .order_by("pk")
    )
    stencil = None

    def build(row):
        # Rendered once per batch, on the first eligible row; each member gets their own copy.
        nonlocal stencil
        stencil = stencil or mail.newsletter_stencil(issue)
        return stencil.message_for(row.recipient)

    return sending.send_batch("newsletter", rows, build, connection=connection)


def give_up_issue_batch(issue, delivery_ids, error):
    Delivery.objects.filter(
        pk__in=list(delivery_ids), kind="newsletter", key=issue.delivery_key, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])


# --- digests ----------------------------------------------------------------------------------

sending.register(Kind("digest", optional=True, description="the daily or weekly digest"))


def send_digest_batch(user_ids, period, *, connection=None):
    """Compose and send one digest per member of `user_ids` who has something new.

    Returns {"composed", "sent", "failed", "skipped", "unknown"}. Idempotent per (member,
    period key). Raises TemporaryFailure when rows went back to pending, so the task retries.
    """
    batch = digests.Batch(user_ids, period)
    composed = batch.compose()
    stats = {"composed": len(composed), "sent": 0, "failed": 0, "skipped": 0, "unknown": 0}
    if not composed:
        return stats
    users = batch.users
    sending.reserve_many("digest", period.key, [(uid, users[uid].email) for uid in composed])
    rows = list(
        Delivery.objects.filter(
            kind="digest", key=period.key, recipient_id__in=list(composed), status=Delivery.Status.PENDING
        ).order_by("recipient_id")
    )
    for row in rows:
        row.recipient = users[row.recipient_id]  # loaded by the batch: no query per row
    result = sending.send_batch(
        "digest",
        rows,
        lambda row: mail.digest_email(users[row.recipient_id], composed[row.recipient_id], batch),
        connection=connection,
    )
    stats.update(sent=result.sent, failed=result.failed, skipped=result.skipped_count, unknown=result.unknown)
    if result.retry:
        raise TemporaryFailure(str(result.error)) from result.error
    return stats


def give_up_digest_batch(user_ids, period, error):
    """Retries are exhausted: record the batch's unsent rows as failed (visible in the admin)."""
    Delivery.objects.filter(
        kind="digest", key=period.key, recipient_id__in=list(user_ids), status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])


# --- notifications ----------------------------------------------------------------------------


def _notifications(rows):
    ids = {_key_pk(row.key) for row in rows}
    return Notification.objects.select_related("community").in_bulk(ids)


def check_notification(rows):
    """Immediate e-mail still on for that community, and the member may still see what the
    notice is about (readers_of its target: removed members, hidden threads, communities turned
    closed all drop out here, as they do from the notification fan-out)."""
    notices = _notifications(rows)
    pairs = {
        (row.recipient_id, n.community_id)
        for row in rows
        if (n := notices.get(_key_pk(row.key))) and n.community_id
    }
    off = set(
        Preference.objects.filter(
            Q(user_id__in={u for u, _ in pairs}) & Q(community_id__in={c for _, c in pairs}), immediate=False
        ).values_list("user_id", "community_id")
    ) if pairs else set()  # fmt: skip
    # Who may still see what each notice is about: readers_of(target), one query per target.
    wanted = defaultdict(set)
    for row in rows:
        notice = notices.get(_key_pk(row.key))
        if notice is not None and notice.target:
            wanted[notice.target].add(row.recipient_id)
    objects = targets.load_many(wanted)
    readers = {ref: targets.readers_among(objects.get(ref), ids) for ref, ids in wanted.items()}
    refused = {}
    for row in rows:
        notice = notices.get(_key_pk(row.key))
        if notice is None:
            refused[row.pk] = CONTENT_GONE
            continue
        if notice.community_id and (row.recipient_id, notice.community_id) in off:
            refused[row.pk] = LIST_OFF
        elif notice.target and row.recipient_id not in readers[notice.target]:
            refused[row.pk] = CONTENT_GONE
    return refused


def build_notification(row):
    notification = Notification.objects.select_related("community").get(pk=_key_pk(row.key))
    return mail.notification_email(notification, row.recipient)


sending.register(
    Kind(
        "notification",
        build=build_notification,
        check=check_notification,
        optional=True,
        folds=True,
        description="an immediate e-mail of an in-app notification",
    )
)


# --- welcome ----------------------------------------------------------------------------------


def check_welcome(rows):
    pairs = {(row.recipient_id, _key_pk(row.key)) for row in rows}
    active = _active_pairs(pairs)
    return {row.pk: LEFT for row in rows if (row.recipient_id, _key_pk(row.key)) not in active}


sending.register(Kind("welcome", check=check_welcome, description="a community's welcome to a new member"))
