"""Recognition: badges awarded by beat, a facilitator's public thanks, a member's contribution record.

**Badges.** Each kind has one rule, registered with `register_badge_rule(BadgeRule(...))` by the
app that owns the data (communities here: first post, library curator, a year of facilitating;
forums: first accepted answer, ten helpful marks, welcomed ten newcomers; hotseats: hot seat
expert). A rule's `earners(now)` is ONE query listing (user id, community id) pairs that have
earned the badge and do not hold it yet (`not_awarded(kind)` in its filter). `award_badges` then
inserts them in one statement per kind under the unique constraint (user, community, kind), so a
second run, or two workers at once, never award twice; the rows this run inserted carry its run
id and only their owners are told (signal `badges_awarded`, newsletters notifies them).

Stewardship (welcoming newcomers, curating the library, facilitating) earns badges exactly as
posting does: three of the seven kinds are stewardship, and the badges page says how each is
earned (`BADGE_RULES[kind].how`).

**Contribution record.** What a member has done, per community, counted only where the viewer
may read (communities.policy): sources are registered by the apps that own the items
(`register_record_source`), each one query for all communities at once.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cop_platform.refusals import Refused

from . import events, signals
from .models import Activity, Badge, Community, Membership, Thanks

Kind = Badge.Kind

FIRST_POST_VERBS = tuple(
    events.expect(v, by="communities.recognition") for v in ("thread.created", "post.created")
)
LIBRARY_VERBS = tuple(
    events.expect(v, by="communities.recognition")
    for v in ("document.uploaded", "document.versioned", "link.added")
)
CURATOR_THRESHOLD = 5
FACILITATING_DAYS = 365


@dataclass(frozen=True)
class BadgeRule:
    """kind: a Badge.Kind; how: one sentence for the badges page; stewardship: work that keeps the
    community alive rather than posting; earners: now -> iterable of (user_id, community_id)."""

    kind: str
    how: str
    earners: Callable
    stewardship: bool = False
    order: int = 50


_rules: dict[str, BadgeRule] = {}


def register_badge_rule(rule: BadgeRule):
    _rules[rule.kind] = rule


def badge_rules():
    """The registered rules in page order."""
    return sorted(_rules.values(), key=lambda r: r.order)


def not_awarded(kind, user="actor_id", community="community_id"):
    """A filter for a rule's query: the (user, community) of the row holds no badge of `kind`."""
    return ~Exists(Badge.objects.filter(kind=kind, user_id=OuterRef(user), community_id=OuterRef(community)))


def award_badges(*, now=None):
    """Beat: award every badge earned since the last run. Returns {kind: badges awarded}.

    Two queries per kind (the rule's, one INSERT ... ON CONFLICT DO NOTHING) and one to read back
    this run's rows. Safe to run twice and on two workers at once: the unique constraint admits
    one row per (user, community, kind), and each run only tells the owners of rows it inserted.
    """
    from django.utils import timezone

    now = now or timezone.now()
    run = uuid.uuid4()
    for rule in badge_rules():
        pairs = {(u, c) for u, c in rule.earners(now) if u is not None and c is not None}
        if pairs:
            Badge.objects.bulk_create(
                [Badge(user_id=u, community_id=c, kind=rule.kind, awarded_at=now, run=run) for u, c in pairs],
                ignore_conflicts=True,
                batch_size=300,
            )
    new = list(Badge.objects.filter(run=run).values_list("pk", "kind"))
    if new:
        signals.badges_awarded.send(sender=Badge, badge_ids=[pk for pk, _ in new])
    counts = {}
    for _, kind in new:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


# --- the communities app's own rules ---------------------------------------------------------


def first_posts(now):
    return (
        Activity.objects.current()
        .filter(verb__in=FIRST_POST_VERBS, actor__isnull=False, actor__is_active=True)
        .filter(not_awarded(Kind.FIRST_POST))
        .values_list("actor_id", "community_id")
        .distinct()
    )


def library_curators(now):
    return (
        Activity.objects.current()
        .filter(verb__in=LIBRARY_VERBS, actor__isnull=False, actor__is_active=True)
        .filter(not_awarded(Kind.CURATOR))
        .values_list("actor_id", "community_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=CURATOR_THRESHOLD)
        .values_list("actor_id", "community_id")
    )


def year_facilitators(now):
    """Facilitators now, since at least a year: from the "became a facilitator" event naming
    them, or from joining for those who were facilitators from the start (founders)."""
    became = (
        Activity.objects.filter(
            verb=events.MEMBER_FACILITATOR,
            community_id=OuterRef("community_id"),
            target_type="accounts.user",
            target_id=OuterRef("user_id"),
        )
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values("first")[:1]
    )
    return (
        Membership.objects.facilitators()
        .filter(user__is_active=True)
        .annotate(since=Coalesce(Subquery(became), "joined_at"))
        .filter(since__lte=now - datetime.timedelta(days=FACILITATING_DAYS))
        .filter(not_awarded(Kind.FACILITATOR_YEAR, user="user_id"))
        .values_list("user_id", "community_id")
    )


register_badge_rule(
    BadgeRule(
        Kind.FIRST_POST, "Start a discussion or reply to one for the first time.", first_posts, order=10
    )
)
register_badge_rule(
    BadgeRule(
        Kind.CURATOR,
        f"Add {CURATOR_THRESHOLD} things to the library: documents shared, new versions of them, or links.",
        library_curators,
        stewardship=True,
        order=60,
    )
)
register_badge_rule(
    BadgeRule(
        Kind.FACILITATOR_YEAR,
        "Facilitate the community for a year (counted from the day you became a facilitator).",
        year_facilitators,
        stewardship=True,
        order=70,
    )
)


# --- thanks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThanksTarget:
    """A kind of thing a facilitator may thank someone for (forums registers posts).

    visible_ids(viewer, ids) -> the ids among `ids` the viewer may see now (one query), so a
    thanks on a hidden or deleted post disappears with it."""

    type: str  # "forums.post"
    visible_ids: Callable


_thanks_targets: dict[str, ThanksTarget] = {}


def register_thanks_target(target: ThanksTarget):
    _thanks_targets[target.type] = target


PROFILE_TARGET = "accounts.user"


def visible_thanks(viewer, *, user=None, targets=None):
    """Thanks the viewer may see: to `user` (a profile), or on `targets` ([(type, id)]).

    Only in communities the viewer may open; thanks on a post only while the viewer may see the
    post. One query, plus one per target type present."""
    qs = Thanks.objects.filter(community__in=Community.objects.visible_to(viewer)).select_related(
        "thanked_by", "community"
    )
    if user is not None:
        qs = qs.filter(user=user)
    if targets is not None:
        by_type = {}
        for t, pk in targets:
            by_type.setdefault(t, []).append(pk)
        cond = Q(pk__in=[])
        for t, ids in by_type.items():
            cond |= Q(target_type=t, target_id__in=ids)
        qs = qs.filter(cond)
    rows = list(qs)
    wanted = {}
    for row in rows:
        if row.target_type != PROFILE_TARGET:
            wanted.setdefault(row.target_type, set()).add(row.target_id)
    allowed = {}
    for t, ids in wanted.items():
        source = _thanks_targets.get(t)
        allowed[t] = set(source.visible_ids(viewer, ids)) if source else set()
    return [
        r for r in rows if r.target_type == PROFILE_TARGET or r.target_id in allowed.get(r.target_type, ())
    ]


class ThanksRefused(Refused):
    """A thanks that may not be given (not a facilitator, empty, twice...)."""


def give_thanks(facilitator, community, person, message, *, target=None, url=""):
    """A facilitator's public thanks to `person`, for `target` (a post) or on their profile.

    Only facilitators of `community` may thank; one thanks per facilitator and target (a second
    is refused, not repeated); the member is told (signal `thanks_given`). Raises ThanksRefused."""
    from .policy import access_for

    message = " ".join((message or "").split())
    if not access_for(facilitator, community).can_thank:
        raise ThanksRefused(f"Only the facilitators of {community.name} can thank its members here.")
    if person is None or person.pk == facilitator.pk:
        raise ThanksRefused("You cannot thank yourself.")
    if not message:
        raise ThanksRefused("Please write a short note to say what you are thanking them for.")
    if len(message) > 300:
        raise ThanksRefused(f"Please keep your thanks under 300 characters (it has {len(message)}).")
    target_type = target._meta.label_lower if target is not None else PROFILE_TARGET
    target_id = target.pk if target is not None else person.pk
    try:
        with transaction.atomic():
            thanks = Thanks.objects.create(
                community=community,
                thanked_by=facilitator,
                user=person,
                message=message,
                target_type=target_type,
                target_id=target_id,
                url=url or person.get_absolute_url(),
            )
    except IntegrityError:
        if target is None:
            raise ThanksRefused(f"You have already thanked {person.name} on their profile.") from None
        raise ThanksRefused(f"You have already thanked {person.name} for this.") from None
    signals.thanks_given.send(sender=Thanks, thanks=thanks)
    return thanks


# --- the contribution record -----------------------------------------------------------------


@dataclass(frozen=True)
class RecordSource:
    """Columns of the contribution record from one app.

    columns: ((key, label), ...), in page order.
    count(person, viewer, community_ids) -> {community_id: {key: n}}: what `person` did in those
    communities (already restricted to those `viewer` may open), counting only items `viewer`
    may see. One query for every column of the source."""

    name: str
    columns: tuple
    count: Callable
    order: int = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: str


_record_sources: dict[str, RecordSource] = {}


def register_record_source(source: RecordSource):
    _record_sources[source.name] = source


def record_sources():
    return sorted(_record_sources.values(), key=lambda s: s.order)


def record_columns():
    return [Column(key, label) for source in record_sources() for key, label in source.columns]


@dataclass
class RecordRow:
    community: Community
    values: list


def contribution_record(person, viewer, *, thanks=None):
    """{"columns": [Column], "rows": [RecordRow], "totals": [n]}: what `person` did, per community
    the viewer may open where the person is or was a member, or has done something.

    Queries: one for the communities, one per source (constant whatever the data). `thanks`:
    the `visible_thanks(viewer, user=person)` the caller already loaded, to count them again
    without a query."""
    communities = list(
        Community.objects.visible_to(viewer)
        .filter(Q(memberships__user=person) | Q(badges__user=person))
        .distinct()
        .order_by("name")
    )
    ids = [c.pk for c in communities]
    columns = record_columns()
    counts = {c.pk: {} for c in communities}
    if ids:
        for source in record_sources():
            if source.name == "thanks" and thanks is not None:
                found = _count_thanks(thanks, ids)
            else:
                found = source.count(person, viewer, ids)
            for community_id, values in found.items():
                if community_id in counts:
                    counts[community_id].update(values)
    rows = []
    for c in communities:
        values = [counts[c.pk].get(col.key) or 0 for col in columns]
        if any(values):
            rows.append(RecordRow(c, values))
    totals = [sum(r.values[i] for r in rows) for i in range(len(columns))]
    # Pages show one line per measure and a column per community (people belong to a few
    # communities, and eight measures side by side do not fit a phone); the CSV keeps one row
    # per community, as a spreadsheet expects.
    measures = [
        {"label": col.label, "key": col.key, "values": [r.values[i] for r in rows], "total": totals[i]}
        for i, col in enumerate(columns)
    ]
    return {"columns": columns, "rows": rows, "totals": totals, "measures": measures}


def _thanks_received(person, viewer, community_ids):
    # The same rule as the profile's list of thanks: a thanks on a post the viewer may not see
    # (hidden, deleted) is not counted either.
    return _count_thanks(visible_thanks(viewer, user=person), community_ids)


def _count_thanks(thanks, community_ids):
    out = {}
    for t in thanks:
        if t.community_id in community_ids:
            row = out.setdefault(t.community_id, {"thanks": 0})
            row["thanks"] += 1
    return out


def _documents(person, viewer, community_ids):
    from .models import Document

    rows = (
        Document.objects.visible_to(viewer)
        .filter(uploaded_by=person, community_id__in=community_ids)
        .values_list("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    return {c: {"documents": n} for c, n in rows}


register_record_source(RecordSource("library", (("documents", "Documents shared"),), _documents, order=40))
register_record_source(RecordSource("thanks", (("thanks", "Thanks received"),), _thanks_received, order=90))
