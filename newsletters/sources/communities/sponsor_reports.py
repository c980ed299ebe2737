"""The sponsors' quarterly e-mail: the value and volume of their community in the quarter just
ended (communities.Sponsorship; issue 11).

Figures, never content: members, new members, contributions and contributors, questions and how
many were answered, the median time to a first reply, hot seats held and their questions, and
the library's use. Every figure is the dashboard's own (communities.insight.dashboard over the
quarter as its period), so the e-mail and the page can never disagree. The only words from the
community are the names of its most used documents, and only when the community is open (anyone
signed in may read them); a closed community's report names nothing.

Beat runs `send_sponsor_reports` daily; for the quarter that ended last it fans out one ledger
row per sponsor (kind "sponsor_report", key "sponsor:<community>:<2026-Q3>"), so each sponsor
gets each quarter's report once, however often the task runs; a worker that was down on the
first day of the quarter catches up the next. Archived and proposed communities are skipped,
and so are sponsorships added after the quarter ended. The rows are checked again just before
sending (still a sponsor, community not archived).
"""

import datetime

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from communities import insight
from communities.models import Community, Sponsorship
from cop_platform.emails import build_email

from ... import sending
from ...sending import Kind

KIND = "sponsor_report"
REPORTED = (Community.Status.ACTIVE, Community.Status.DORMANT)
NOT_SPONSOR = "no longer a sponsor"
ARCHIVED = "community archived"


def key_for(community_id, label):
    return f"sponsor:{community_id}:{label}"


def parse_key(key):
    _, community_id, label = key.split(":")
    return int(community_id), label


def period_of(label):
    """The Period of quarter `label` ("2026-Q3")."""
    year, quarter = label.split("-Q")
    month = 3 * int(quarter) - 2
    start = datetime.datetime(int(year), month, 1, tzinfo=datetime.UTC)
    # quarter_before(a moment in the next quarter) is this quarter.
    return insight.quarter_before(start + datetime.timedelta(days=100))


def report(community, period):
    """The figures of one community's report: the dashboard's own, over the quarter."""
    figures = insight.dashboard(community, period)
    c = figures["community"]
    q = figures.get("questions") or {}
    h = figures.get("hotseats") or {}
    library = insight.documents_most_used(community)
    return {
        "members": c["members"],
        "new_members": c["new_member_count"],
        "contributions": c["contributions"],
        "contributors": c["contributors"],
        "contributor_share": c["contributor_share"],
        "questions": q.get("questions", 0),
        "answered": q.get("answered", 0),
        "unanswered_rate": q.get("unanswered_rate"),
        "median_hours": q.get("median_hours"),
        "replies": q.get("replies", 0),
        "hotseats": len(h.get("hotseats", ())),
        "hotseat_questions": h.get("questions", 0),
        "hotseat_answered_share": h.get("answered_share"),
        "documents": library["documents"],
        "downloads": library["downloads"],
        # Titles are content: named only where anyone signed in may read them.
        "top_documents": [(d.title, d.download_count) for d in library["top"]] if community.is_open else [],
        "top_downloads": [d.download_count for d in library["top"]],
    }


def quarter_words(period):
    last = period.end.date()
    return f"{period.start:%B} to {last:%B %Y}"


def build(row):
    community_id, label = parse_key(row.key)
    community = Community.objects.get(pk=community_id)
    _, period = period_of(label)
    context = {
        "recipient": row.recipient,
        "community": community,
        "label": label,
        "quarter": quarter_words(period),
        "figures": report(community, period),
        "dashboard_url": reverse("communities:dashboard", args=[community.slug]) + "?days=90",
    }
    return build_email("sponsor_report", context, to=row.email, list_id=f"sponsor-report.{community.slug}")


def check(rows):
    """Still a sponsor of a community that is not archived: one query for the batch."""
    pairs = {(row.recipient_id, parse_key(row.key)[0]) for row in rows}
    current = {
        (user_id, community_id): status
        for user_id, community_id, status in Sponsorship.objects.filter(
            user_id__in={u for u, _ in pairs}, community_id__in={c for _, c in pairs}
        ).values_list("user_id", "community_id", "community__status")
    }
    refused = {}
    for row in rows:
        status = current.get((row.recipient_id, parse_key(row.key)[0]))
        if status is None:
            refused[row.pk] = NOT_SPONSOR
        elif status not in REPORTED:
            refused[row.pk] = ARCHIVED
    return refused


sending.register(Kind(KIND, build=build, check=check, description="a sponsor's quarterly report"))


def send_reports(*, now=None):
    """Fan out the reports of the quarter that ended last. Returns {community id: sponsors}.
    Safe to run every day: existing (sponsor, kind, key) rows are never sent again."""
    label, period = insight.quarter_before(now or timezone.now())
    sponsorships = Sponsorship.objects.filter(
        community__status__in=REPORTED, created_at__lte=period.end, user__is_active=True
    ).values_list("community_id", "user_id", "user__email")
    by_community = {}
    for community_id, user_id, email in sponsorships:
        by_community.setdefault(community_id, []).append((user_id, email))
    for community_id, recipients in by_community.items():
        sending.fan_out(KIND, key_for(community_id, label), recipients)
    return {community_id: len(r) for community_id, r in by_community.items()}


@shared_task(name="newsletters.sponsor_reports.send_sponsor_reports", queue="email")
def send_sponsor_reports():
    """Beat, daily: each sponsor's report of the quarter just ended, once."""
    return send_reports()
