"""The nudge queue: a daily worklist for each facilitator, built by beat.

Sources (communities.extensions.register_nudge_source) find candidates per community: first
posts without a reply and waiting questions (forums), newcomers who have not posted, core
members gone quiet and join requests waiting (here). `build_queues` turns them into one Nudge
per facilitator and key (a unique constraint makes the job safe to run twice). A facilitator
sends a personal message from an editable template (a private message), snoozes, or marks the
item done. A nudge's outcome: did the member post within seven days of the message?
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cop_platform.refusals import Refused

from . import messaging
from .extensions import NudgeCandidate, nudge_sources, register_nudge_source
from .models import Activity, Community, Membership, Nudge
from .path import POST_VERBS
from .policy import access_for

OUTCOME_DAYS = 7
NEWCOMER_AFTER = datetime.timedelta(days=7)
NEWCOMER_UNTIL = datetime.timedelta(days=45)
QUIET_CORE_AFTER = datetime.timedelta(days=60)
JOIN_REQUEST_AFTER = datetime.timedelta(days=3)
SNOOZE_DAYS = 3


def first_post_hours():
    return getattr(settings, "NUDGE_FIRST_POST_HOURS", 24)


DEFAULT_TEMPLATES = {
    Nudge.Kind.FIRST_POST: (
        "Hello {name},\n\nThank you for your first post in {community}, “{title}”. It's a good question, "
        "and I'm making sure the right people see it. If you can add a little about your situation, "
        "that often helps others answer.\n\n{facilitator}"
    ),
    Nudge.Kind.NEWCOMER: (
        "Hello {name},\n\nYou joined {community} a little while ago, and I wanted to say hello personally. "
        "What are you working on at the moment? Even a short question is welcome here: there is no such "
        "thing as a silly question.\n\n{facilitator}"
    ),
    Nudge.Kind.WAITING_QUESTION: (
        "Hello {name},\n\nSomeone in {community} asked “{title}” and nobody has answered yet. "
        "Given your experience, I thought you might be able to help, even with a few lines:\n{url}\n\n{facilitator}"
    ),
    Nudge.Kind.QUIET_CORE: (
        "Hello {name},\n\nWe have not heard from you in {community} for a while and I miss your voice "
        "in the discussions. Is there anything you are working on that the community could help with?"
        "\n\n{facilitator}"
    ),
    Nudge.Kind.JOIN_REQUEST: "",
}


class NudgeError(Refused):
    """A nudge action was refused; str(error) is a message for the facilitator."""


class _SafeDict(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def template_for(community, kind):
    return (community.nudge_templates or {}).get(kind) or DEFAULT_TEMPLATES.get(kind, "")


def fill(template, **values):
    return template.format_map(_SafeDict(values))


def update_templates(facilitator, community, templates):
    if not access_for(facilitator, community).can_manage_path:
        raise NudgeError("Only this community's facilitators can edit the nudge templates.")
    community.nudge_templates = {
        kind: text.strip()[:4000]
        for kind, text in templates.items()
        if kind in Nudge.Kind.values and text and text.strip() != DEFAULT_TEMPLATES.get(kind)
    }
    community.save(update_fields=["nudge_templates"])


# --- building the queues (beat) ----------------------------------------------------------------


def _posted(community, since=None):
    posts = Activity.objects.current().filter(
        community=community, actor=OuterRef("user_id"), verb__in=POST_VERBS
    )
    if since is not None:
        posts = posts.filter(created_at__gte=since)
    return Exists(posts)


def newcomers(community, now):
    members = (
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.PERIPHERAL)
        .filter(joined_at__lte=now - NEWCOMER_AFTER, joined_at__gte=now - NEWCOMER_UNTIL)
        .filter(~_posted(community))
        .select_related("user")
    )
    return [
        NudgeCandidate(
            Nudge.Kind.NEWCOMER,
            f"newcomer:{m.user_id}",
            f"{m.user.name} joined {m.joined_at:%-d %b} and has not posted yet",
            url=m.user.get_absolute_url(),
            member_id=m.user_id,
        )  # fmt: skip
        for m in members
    ]


def quiet_core(community, now):
    members = (
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.CORE, joined_at__lte=now - QUIET_CORE_AFTER)
        .filter(~_posted(community, since=now - QUIET_CORE_AFTER))
        .select_related("user")
    )
    return [
        NudgeCandidate(
            Nudge.Kind.QUIET_CORE,
            f"quiet_core:{m.user_id}:{now:%Y-%m}",
            f"{m.user.name} (core) has been quiet for over {QUIET_CORE_AFTER.days} days",
            url=m.user.get_absolute_url(),
            member_id=m.user_id,
        )  # fmt: skip
        for m in members
    ]


def waiting_requests(community, now):
    from django.urls import reverse

    pending = Membership.objects.filter(
        community=community, state=Membership.State.PENDING, requested_at__lte=now - JOIN_REQUEST_AFTER
    ).select_related("user")
    url = reverse("communities:requests", args=[community.slug])
    return [
        NudgeCandidate(
            Nudge.Kind.JOIN_REQUEST,
            f"join_request:{m.pk}:{m.requested_at:%Y%m%d}",
            f"{m.user.name} asked to join {(now - m.requested_at).days} days ago",
            url=url,
        )  # fmt: skip
        for m in pending
    ]


for _source in (newcomers, quiet_core, waiting_requests):
    register_nudge_source(_source)


def build_queue(community, now=None):
    """Add today's items to each facilitator's worklist; close open items that resolved themselves.

    Safe to run twice: one row per (facilitator, key). Returns how many items were added.
    """
    now = now or timezone.now()
    facilitators = list(
        Membership.objects.facilitators().filter(community=community).values_list("user_id", flat=True)
    )
    if not facilitators:
        return 0
    candidates = {}
    for source in nudge_sources():
        for candidate in source(community, now):
            candidates.setdefault(candidate.key, candidate)
    rows = [
        Nudge(
            community=community,
            facilitator_id=f,
            kind=c.kind,
            key=c.key,
            member_id=c.member_id,
            title=c.title[:300],
            url=c.url[:300],
            suggestions=list(c.suggestions),
            created_at=now,
        )  # fmt: skip
        for c in candidates.values()
        for f in facilitators
        if c.member_id != f
    ]
    with transaction.atomic():
        before = Nudge.objects.filter(community=community).count()
        Nudge.objects.bulk_create(rows, ignore_conflicts=True)
        added = Nudge.objects.filter(community=community).count() - before
        # A first post that got its reply, a newcomer who posted: nothing left to do.
        Nudge.objects.filter(community=community, status=Nudge.Status.OPEN).exclude(
            key__in=list(candidates)
        ).update(status=Nudge.Status.DONE, acted_at=now)
    return added


def build_queues(now=None):
    """Beat, daily: build every live community's queues. Returns how many items were added."""
    now = now or timezone.now()
    total = 0
    for community in Community.objects.filter(status__in=(Community.Status.ACTIVE, Community.Status.DORMANT)):
        total += build_queue(community, now)
    settle_outcomes(now)
    return total


# --- acting on an item ---------------------------------------------------------------------------


def get_nudge_for(facilitator, community, pk):
    from django.http import Http404

    nudge = (
        Nudge.objects.select_related("member")
        .filter(pk=pk, community=community, facilitator=facilitator)
        .first()
    )
    if nudge is None:
        raise Http404
    return nudge


def recipients_for(nudge):
    """Who the facilitator may write to about this item: the member, then any suggested helpers."""
    from django.contrib.auth import get_user_model

    ids = ([nudge.member_id] if nudge.member_id else []) + [s["id"] for s in nudge.suggestions if "id" in s]
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, is_active=True)}
    return [people[i] for i in dict.fromkeys(ids) if i in people]


def draft_for(nudge, recipient, facilitator):
    community = nudge.community
    return fill(
        template_for(community, nudge.kind),
        name=recipient.name, community=community.name, title=nudge.title, facilitator=facilitator.name,
        url=(settings.SITE_URL.rstrip("/") + nudge.url) if nudge.url.startswith("/") else nudge.url,
    )  # fmt: skip


def send_nudge(facilitator, nudge, recipient, body):
    """Send the nudge as a private message and start watching its outcome (seven days)."""
    if nudge.facilitator_id != facilitator.pk:
        raise NudgeError("This item is on another facilitator's list.")
    if nudge.status != Nudge.Status.OPEN:
        raise NudgeError("This item was already handled.")
    if recipient.pk not in {u.pk for u in recipients_for(nudge)}:
        raise NudgeError("Please choose someone this item is about.")
    try:
        conversation = messaging.start_conversation(facilitator, [recipient], body)
    except messaging.MessagingError as error:
        raise NudgeError(str(error)) from error
    now = timezone.now()
    Nudge.objects.filter(pk=nudge.pk).update(
        status=Nudge.Status.SENT, acted_at=now, messaged=recipient,
        outcome_due_at=now + datetime.timedelta(days=OUTCOME_DAYS),
    )  # fmt: skip
    return conversation


def snooze(facilitator, nudge, days=SNOOZE_DAYS):
    if nudge.facilitator_id != facilitator.pk:
        raise NudgeError("This item is on another facilitator's list.")
    Nudge.objects.filter(pk=nudge.pk).update(snoozed_until=timezone.now() + datetime.timedelta(days=days))


def mark_done(facilitator, nudge):
    if nudge.facilitator_id != facilitator.pk:
        raise NudgeError("This item is on another facilitator's list.")
    Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.OPEN).update(
        status=Nudge.Status.DONE, acted_at=timezone.now()
    )


# --- outcomes ----------------------------------------------------------------------------------


def posted_after_nudge():
    """Did the messaged member post in the community between the message and seven days later?"""
    return Exists(
        Activity.objects.current().filter(
            community=OuterRef("community"), actor=OuterRef("messaged"), verb__in=POST_VERBS,
            created_at__gte=OuterRef("acted_at"), created_at__lte=OuterRef("outcome_due_at"),
        )
    )  # fmt: skip


def settle_outcomes(now=None):
    """Record each sent nudge's outcome: converted once the member posts; not, seven days on."""
    now = now or timezone.now()
    waiting = Nudge.objects.filter(status=Nudge.Status.SENT, converted__isnull=True)
    converted = waiting.filter(posted_after_nudge())
    Nudge.objects.filter(pk__in=list(converted.values_list("pk", flat=True))).update(converted=True)
    waiting.filter(outcome_due_at__lt=now).update(converted=False)


def conversion(facilitator, community):
    """{"sent", "converted", "rate"} for this facilitator's nudges in the community (one query)."""
    stats = (
        Nudge.objects.filter(facilitator=facilitator, community=community, status=Nudge.Status.SENT)
        .annotate(posted=posted_after_nudge())
        .aggregate(sent=Count("pk"), converted=Count("pk", filter=Q(converted=True) | Q(posted=True)))
    )
    stats["rate"] = round(100 * stats["converted"] / stats["sent"]) if stats["sent"] else None
    return stats
