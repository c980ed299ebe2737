"""The monthly newsletter: drafting, scheduling, fan-out and the numbers facilitators see."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Activity, Article, Community, Document, Job, Link, Meeting, Membership, Theme
from cop_platform.refusals import Refused
from forums.models import BlogPost, Survey, Thread
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


class IssueError(Refused):
    """A facilitator asked for something the issue's state does not allow; the message says why."""


# --- the pre-filled draft ----------------------------------------------------------------------
# The draft reads like a note a facilitator wrote: short paragraphs and lists of titles, each
# thing once, links as site paths (easy to edit; made absolute when the e-mail is built), and
# the facilitator's name at the end. Each section reads its own app's models: no log lines.


def _md(text):
    return text.replace("[", "\\[").replace("]", "\\]")


def _plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


def top_discussions(community, since, now):
    """The month's liveliest discussions, most replies first (one query)."""
    threads = (
        Thread.objects.filter(community=community, hidden_at__isnull=True, last_post_at__gte=since)
        .filter(reply_count__gt=0)
        .order_by("-reply_count", "-last_post_at")[:5]
    )
    lines = []
    for thread in threads:
        thread.community = community
        answered = ", answered" if thread.accepted_post_id else ""
        replies = _plural(thread.reply_count, "reply", "replies")
        lines.append(f"- [{_md(thread.title)}]({thread.get_absolute_url()}) ({replies}{answered})")
    if not lines:
        return []
    return ["## Conversations worth reading", "", *lines, ""]


def hot_seats(community, since, now):
    """Transcripts of hot seats that closed this month, then the next ones (two queries)."""
    lines = []
    closed = (
        HotSeat.objects.filter(community=community)
        .past(now)
        .filter(closes_at__gte=since)
        .select_related("expert")
    )
    for h in closed.order_by("-closes_at")[:3]:
        url = reverse("hotseats:transcript", args=[community.slug, h.pk])
        lines.append(
            f"- {h.expert_display_name} answered your questions on [{_md(h.title)}]({url}): the transcript is up."
        )
    coming = HotSeat.objects.filter(community=community).current_or_upcoming(now).select_related("expert")
    for h in coming[:2]:
        h.community = community
        when = "open now" if h.opens_at <= now else f"opens {timezone.localtime(h.opens_at):%A %-d %B}"
        lines.append(
            f"- [{_md(h.title)}]({h.get_absolute_url()}) with {h.expert_display_name}, {when}: bring your questions."
        )
    return ["## Hot seats", "", *lines, ""] if lines else []


def article_of_the_month(community, since, now):
    """This month's article only; last month's belongs to last month's issue (one query)."""
    article = Article.objects.filter(community=community, month=now.date().replace(day=1)).first()
    if article is None:
        return []
    link = article.url or reverse("communities:articles", args=[community.slug])
    lines = ["## Article of the month", "", f"[{_md(article.title)}]({link})"]
    summary = (article.introduction or "").strip()
    if summary:
        lines += ["", summary.split("\n\n", 1)[0]]
    return [*lines, ""]


def new_in_library(community, since, now):
    """Documents and links added this month, by title; new versions are not news (two queries)."""
    documents = Document.objects.filter(community=community, created_at__gte=since, created_at__lte=now)
    links = Link.objects.filter(community=community, created_at__gte=since, created_at__lte=now)
    documents = list(documents.order_by("-created_at")[:6])
    for d in documents:
        d.community = community
    lines = [f"- [{_md(d.title)}]({d.get_absolute_url()})" for d in documents]
    lines += [f"- [{_md(link.title)}]({link.url})" for link in links.order_by("-created_at")[:4]]
    if not lines:
        return []
    return ["## New in the library", "", "Shared by members this month, ready to reuse:", "", *lines, ""]


def meetings(community, since, now):
    """Each meeting once: the next ones with their date, past ones whose notes are up (one query)."""
    rows = (
        Meeting.objects.filter(community=community)
        .filter(
            Q(ends_at__gte=now, starts_at__lte=now + datetime.timedelta(days=35))
            | Q(notes_posted_at__gte=since)
        )
        .order_by("starts_at")[:20]
    )
    lines, titles = [], set()
    for m in rows:
        if m.title in titles:  # a series (a weekly clinic) is mentioned once, at its next date
            continue
        titles.add(m.title)
        m.community = community
        if m.ends_at >= now:
            lines.append(
                f"- [{_md(m.title)}]({m.get_absolute_url()}), {timezone.localtime(m.starts_at):%A %-d %B at %H:%M}"
            )
        else:
            lines.append(f"- [{_md(m.title)}]({m.get_absolute_url()}): the notes are up")
    return ["## Meetings", "", *lines[:5], ""] if lines else []


def jobs(community, since, now):
    rows = Job.objects.filter(community=community, created_at__gte=since).open(now.date())[:5]
    lines = []
    for job in rows:
        job.community = community
        lines.append(
            f"- [{_md(job.title)}]({job.get_absolute_url()}), {job.organisation} (closes {job.closing_on:%-d %B})"
        )
    return ["## Jobs", "", *lines, ""] if lines else []


def blog_posts(community, since, now):
    """Blog posts published this month, featured first (one query)."""
    posts = (
        BlogPost.objects.published()
        .filter(community=community, published_at__gte=since, published_at__lte=now)
        .select_related("author")
        .order_by(F("featured_at").desc(nulls_last=True), "-published_at")[:5]
    )
    lines = []
    for post in posts:
        post.community = community
        by = f", by {post.author.name}" if post.author else ""
        lines.append(f"- [{_md(post.title)}]({post.get_absolute_url()}){by}: {post.teaser}")
    return ["## From the blog", "", *lines, ""] if lines else []


def surveys(community, since, now):
    """Surveys open now, so the newsletter brings answers (one query)."""
    rows = Survey.objects.filter(community=community).open_at(now).order_by("closes_at")[:3]
    lines = []
    for survey in rows:
        survey.community = community
        closes = timezone.localtime(survey.closes_at)
        lines.append(f"- [{_md(survey.title)}]({survey.get_absolute_url()}): open until {closes:%A %-d %B}")
    return ["## Have your say", "", *lines, ""] if lines else []


DRAFT_SECTIONS = [
    top_discussions,
    blog_posts,
    hot_seats,
    article_of_the_month,
    new_in_library,
    meetings,
    surveys,
    jobs,
]


def draft_for(community, now=None, author=None):
    """(subject, Markdown body) pre-filled from the last month of the community.

    About ten queries, each section reading its own app's models. `author` signs it (the
    facilitator composing it). The facilitator edits the result before anything is sent.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    theme = Theme.objects.current(now.date()).filter(community=community).order_by("-starts_on").first()
    newcomers = list(
        Membership.objects.active()
        .filter(community=community, joined_at__gte=since)
        .select_related("user")
        .order_by("joined_at")[:40]
    )
    replies = (
        Activity.objects.current()
        .filter(community=community, verb="post.created", created_at__gte=since, created_at__lte=now)
        .count()
    )
    month = f"{timezone.localtime(now):%B}"
    opening = f"Here is {month} in {community.name}"
    if replies or newcomers:
        bits = []
        if replies:
            bits.append(f"{_plural(replies, 'reply', 'replies')} in the discussions")
        if newcomers:
            bits.append(_plural(len(newcomers), "new member", "new members"))
        opening += ": " + " and ".join(bits)
    lines = ["Hello everyone,", "", opening + ". Thank you to everyone who asked, answered and shared.", ""]
    if theme is not None:
        theme.community = community
        lines += [f"## This month's theme: {theme.title}", ""]
        if theme.description:
            lines += [theme.description.strip().split("\n\n", 1)[0], ""]
        lines += [
            f"Everything on the theme, and how to join in, is on [the theme page]({theme_url(theme)}).",
            "",
        ]
    for section in DRAFT_SECTIONS:
        lines += section(community, since, now)
    if newcomers:
        names = [m.user.name for m in newcomers]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        lines += [
            "## Welcome",
            "",
            f"A warm welcome to {listed}. Do say hello in the discussions and tell us what you are working on.",
            "",
        ]
    lines += ["See you in the community,", ""]
    if author is not None:
        lines += [author.name, f"Facilitator, {community.name}", ""]
    return f"{community.name}: {timezone.localtime(now):%B %Y}", "\n".join(lines)


# --- writes -------------------------------------------------------------------------------------


def create_issue(author, community, *, subject, body):
    """Save a new draft; pressing "Save" twice (or a resubmitted form) gives back the same draft.

    The community row is locked while we look for a draft of the same name, so two requests
    racing each other cannot both create one.
    """
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        existing = Issue.objects.filter(
            community=community, subject=subject, status=Issue.Status.DRAFT
        ).first()
        if existing is not None:
            if existing.body != body:
                update_issue(existing, subject=subject, body=body)
            return existing
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
    """sending -> sent once no row waits to be sent and none is being sent by a live worker
    (another batch may hold a claimed chunk; rows of unknown fate do not hold it open)."""
    issue = Issue.objects.filter(pk=issue_id).only("pk").first()
    if issue is None:
        return False
    stale = timezone.now() - datetime.timedelta(seconds=unknown_after())
    waiting = Delivery.objects.filter(kind=KIND, key=f"issue:{issue_id}").filter(
        Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__gte=stale)
    )
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
