"""The monthly newsletter: drafting, scheduling, fan-out and the numbers facilitators see."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Activity, Community, Membership, Theme
from cop_platform.emails import absolute_url
from forums.models import Thread
from hotseats.models import HotSeat

from .digests import theme_url
from .models import Delivery, Issue, Preference

KIND = "newsletter"
BATCH_SIZE = 50


def unknown_after():
    """Seconds after which a row still "sending" is taken to belong to a dead worker."""
    return getattr(settings, "NEWSLETTER_UNKNOWN_AFTER", 120)


def stalled_after():
    """Seconds without progress after which beat re-enqueues an issue's waiting rows."""
    return getattr(settings, "NEWSLETTER_STALLED_AFTER", 300)


class IssueError(Exception):
    """A facilitator asked for something the issue's state does not allow; the message says why."""


# --- the pre-filled draft ----------------------------------------------------------------------


def top_discussions(community, since, now):
    """The month's liveliest discussions, most replies first (one query)."""
    threads = (
        Thread.objects.filter(community=community, hidden_at__isnull=True, last_post_at__gte=since)
        .filter(reply_count__gt=0)
        .order_by("-reply_count", "-last_post_at")[:5]
    )
    items = []
    for thread in threads:
        thread.community = community
        replies = f"{thread.reply_count} repl{'y' if thread.reply_count == 1 else 'ies'}"
        items.append((f"{thread.title} ({replies})", thread.get_absolute_url()))
    return items


def hot_seat_transcripts(community, since, now):
    """Hot seats that closed this month, linked to their transcripts (one query)."""
    closed = HotSeat.objects.filter(community=community).past(now).filter(closes_at__gte=since)
    return [
        (
            f"Transcript: {h.title}, with {h.expert_display_name}",
            reverse("hotseats:transcript", args=[community.slug, h.pk]),
        )
        for h in closed.select_related("expert").order_by("-closes_at")[:5]
    ]


# Each section is filled either by a function (community, since, now) -> [(text, url)] that
# reads an app's own models, or by activity-log verbs.
DRAFT_SECTIONS = [
    ("Top discussions", top_discussions),
    ("Questions answered", ["answer.accepted"]),
    ("Hot seat transcripts", hot_seat_transcripts),
    ("Hot seats", ["hotseat.scheduled", "hotseat.opened"]),
    ("Article of the month", ["article.featured"]),
    ("New in the repertoire", ["document.uploaded", "document.versioned", "link.added"]),
    ("Meetings", ["meeting.scheduled", "meeting.notes"]),
    ("Jobs", ["job.posted"]),
]


def _md_escape(text):
    return text.replace("[", "\\[").replace("]", "\\]")


def draft_for(community, now=None):
    """(subject, Markdown body) pre-filled from the last month of the community: five queries.

    The activity log gives what happened, the current theme what the community focuses on,
    and memberships who is new. The facilitator edits the result before anything is sent.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    rows = list(
        Activity.objects.current()
        .filter(community=community, created_at__gte=since, created_at__lte=now)
        .order_by("-created_at", "-pk")
        .values_list("verb", "summary", "url")[:500]
    )
    theme = Theme.objects.current(now.date()).filter(community=community).order_by("-starts_on").first()
    newcomers = list(
        Membership.objects.active()
        .filter(community=community, joined_at__gte=since)
        .select_related("user")
        .order_by("joined_at")[:40]
    )
    by_verb = defaultdict(list)
    for verb, summary, url in rows:
        by_verb[verb].append((summary, url))

    month = f"{now:%B %Y}"
    lines = ["Hello everyone,", "", f"Here is what happened in {community.name} this month.", ""]
    if theme is not None:
        theme.community = community
        lines += [f"## This month's theme: {theme.title}", ""]
        if theme.description:
            lines += [theme.description.strip(), ""]
        lines += [f"[Read and join in on the theme page]({absolute_url(theme_url(theme))})", ""]
    for title, source in DRAFT_SECTIONS:
        if callable(source):
            items = source(community, since, now)
        else:
            items = [item for verb in source for item in by_verb.get(verb, [])][:8]
        if not items:
            continue
        lines += [f"## {title}", ""]
        for summary, url in items:
            lines.append(f"- [{_md_escape(summary)}]({absolute_url(url)})" if url else f"- {summary}")
        lines.append("")
    replies = len(by_verb.get("post.created", []))
    if replies:
        lines += [f"Members wrote {replies} replies in the discussions this month. Thank you all!", ""]
    if newcomers:
        names = ", ".join(m.user.name for m in newcomers)
        lines += [
            "## Welcome to our new members",
            "",
            f"A warm welcome to {names}. Do say hello and tell us what you are working on!",
            "",
        ]
    lines += ["See you in the community,", ""]
    return f"{community.name}: {month}", "\n".join(lines)


# --- writes -------------------------------------------------------------------------------------


def create_issue(author, community, *, subject, body):
    return Issue.objects.create(community=community, author=author, subject=subject, body=body)


def update_issue(issue, *, subject, body):
    if not issue.is_editable:
        raise IssueError("This issue has already been sent, so it can no longer be edited.")
    issue.subject, issue.body, issue.updated_at = subject, body, timezone.now()
    issue.save(update_fields=["subject", "body", "updated_at"])


def _enqueue_start(issue_id):
    from . import tasks  # tasks import this module

    tasks.start_issue.delay_on_commit(issue_id)


@transaction.atomic
def send_now(issue):
    """Start sending: draft/scheduled -> sending, once. The fan-out runs in a task after commit."""
    won = Issue.objects.filter(pk=issue.pk, status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]).update(
        status=Issue.Status.SENDING, started_at=timezone.now(), scheduled_for=None
    )
    if not won:
        raise IssueError("This issue is already being sent or was sent: it goes out only once.")
    issue.refresh_from_db()
    _enqueue_start(issue.pk)


def schedule(issue, when):
    if when <= timezone.now():
        raise IssueError("Please choose a time in the future, or use “Send now”.")
    won = Issue.objects.filter(pk=issue.pk, status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]).update(
        status=Issue.Status.SCHEDULED, scheduled_for=when
    )
    if not won:
        raise IssueError("This issue is already being sent or was sent.")
    issue.refresh_from_db()


def unschedule(issue):
    won = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
        status=Issue.Status.DRAFT, scheduled_for=None
    )
    if not won:
        raise IssueError("This issue is not scheduled any more.")
    issue.refresh_from_db()


def send_due_issues(now=None):
    """Start every scheduled issue whose time has come (beat, every minute). Safe to run twice."""
    now = now or timezone.now()
    started = 0
    for pk in Issue.objects.filter(status=Issue.Status.SCHEDULED, scheduled_for__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if Issue.objects.filter(pk=pk, status=Issue.Status.SCHEDULED).update(
                status=Issue.Status.SENDING, started_at=now
            ):
                _enqueue_start(pk)
                started += 1
    return started


def send_test(issue, user):
    """E-mail the issue, as members will see it, to the facilitator alone (not in the issue's numbers)."""
    from . import tasks

    tasks.send_issue_test.delay_on_commit(issue.pk, user.pk, timezone.now().strftime("%Y%m%d%H%M%S%f"))


# --- fan-out ------------------------------------------------------------------------------------


def recipients(community):
    """Active members of a live community who have not switched its newsletter off."""
    off = Preference.objects.filter(community=community, newsletter=False).values("user_id")
    return (
        Membership.objects.active()
        .filter(community=community, user__is_active=True, community__status__in=Community.LIVE_STATUSES)
        .exclude(user_id__in=off)
        .values_list("user_id", "user__email")
    )


def start_issue(issue_id):
    """Create a Delivery row per recipient (bulk, ignoring ones that exist) and enqueue batches.

    Running it again for the same issue adds only members who were not there before and
    enqueues only rows still pending, so nobody gets the issue twice. Returns the batch count.
    """
    issue = Issue.objects.select_related("community").filter(pk=issue_id).first()
    if issue is None or issue.status not in (Issue.Status.SENDING, Issue.Status.SENT):
        return 0
    Delivery.objects.bulk_create(
        [
            Delivery(recipient_id=uid, email=email, kind=KIND, key=issue.delivery_key)
            for uid, email in recipients(issue.community)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    rows = Delivery.objects.filter(kind=KIND, key=issue.delivery_key)
    Issue.objects.filter(pk=issue.pk).update(recipient_count=rows.count())
    return enqueue_pending(issue)


def enqueue_pending(issue):
    from . import tasks

    pending = list(
        Delivery.objects.filter(kind=KIND, key=issue.delivery_key, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = 0
    for start in range(0, len(pending), BATCH_SIZE):
        tasks.send_issue_batch.delay(issue.pk, pending[start : start + BATCH_SIZE])
        batches += 1
    if not batches:
        finish_if_done(issue.pk)
    return batches


def finish_if_done(issue_id):
    """sending -> sent once no row waits to be sent (rows of unknown fate do not hold it open)."""
    issue = Issue.objects.filter(pk=issue_id).only("pk").first()
    if issue is None:
        return False
    waiting = Delivery.objects.filter(kind=KIND, key=f"issue:{issue_id}", status=Delivery.Status.PENDING)
    if waiting.exists():
        return False
    return bool(
        Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, finished_at=timezone.now()
        )
    )


def resume(issue):
    """Re-enqueue the rows still waiting (after a worker was lost); claims keep it at-most-once."""
    if issue.status != Issue.Status.SENDING:
        raise IssueError("Only an issue that is being sent can be resumed.")
    from . import tasks

    tasks.resume_issue.delay_on_commit(issue.pk)


def resume_stalled(now=None):
    """Beat: re-enqueue waiting rows of issues that made no progress for a while."""
    now = now or timezone.now()
    quiet = now - datetime.timedelta(seconds=stalled_after())
    resumed = 0
    for issue in Issue.objects.filter(status=Issue.Status.SENDING, started_at__lt=quiet):
        rows = Delivery.objects.filter(kind=KIND, key=issue.delivery_key)
        last = rows.aggregate(last=Max("claimed_at"))["last"]
        if last is None or last < quiet:
            resumed += enqueue_pending(issue)
    return resumed


# --- what the issue page shows ------------------------------------------------------------------


@dataclass
class IssueStats:
    total: int
    sent: int
    remaining: int
    in_flight: int
    failed: int
    unknown: int
    skipped: int = 0

    @property
    def done(self):
        return self.remaining == 0 and self.in_flight == 0

    @property
    def percent(self):
        done = self.sent + self.failed + self.unknown + self.skipped
        return round(100 * done / self.total) if self.total else 100


def stats(issue, now=None):
    """Counts by fate, in one query. "Unknown": the connection was lost once the message was
    handed over (the server may have accepted it), or a row is still "sending" long after it
    was claimed (its worker died mid-send). Unknown rows are never resent. "Skipped": the
    member was no longer eligible when their turn came (left, removed, unsubscribed, bounced)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=unknown_after())
    s = Delivery.Status
    counts = Delivery.objects.filter(kind=KIND, key=issue.delivery_key).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=s.SENT)),
        remaining=Count("pk", filter=Q(status=s.PENDING)),
        failed=Count("pk", filter=Q(status=s.FAILED)),
        unknown=Count("pk", filter=Q(status=s.UNKNOWN) | Q(status=s.SENDING, claimed_at__lt=stale)),
        in_flight=Count("pk", filter=Q(status=s.SENDING, claimed_at__gte=stale)),
        skipped=Count("pk", filter=Q(status=s.SKIPPED)),
    )
    return IssueStats(**counts)


def problem_rows(issue, now=None, limit=50):
    """Failed and unknown deliveries, for the facilitator to follow up by hand."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=unknown_after())
    s = Delivery.Status
    return list(
        Delivery.objects.filter(kind=KIND, key=issue.delivery_key)
        .filter(Q(status__in=[s.FAILED, s.UNKNOWN]) | Q(status=s.SENDING, claimed_at__lt=stale))
        .select_related("recipient")
        .order_by("status", "email")[:limit]
    )
