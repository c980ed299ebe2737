"""The participation path: observer → contributor → regular → core → facilitator.

A member's stage is the highest of:
- what their role says (core members are at "core", facilitators at "facilitator"),
- what a facilitator moved them to (`Membership.stage`),
- "contributor" once they have posted anything (automatic: the first post is the hardest step).

Moving up to "regular" and "core" is a facilitator's personal act: the path lists who is ready
(the community's criteria are met, counted from the activity log) and the facilitator moves them
with a note. Criteria and stage names live in `Community.path_settings` (missing keys fall back to
DEFAULTS). Every count here comes from the activity log, in one query.
"""

import datetime
from dataclasses import dataclass
from enum import IntEnum

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cop_platform.refusals import Refused

from . import events
from .models import Activity, Membership, StageChange


class Stage(IntEnum):
    OBSERVER = 0
    CONTRIBUTOR = 1
    REGULAR = 2
    CORE = 3
    FACILITATOR = 4


DEFAULT_NAMES = {
    Stage.OBSERVER: "Observer",
    Stage.CONTRIBUTOR: "Contributor",
    Stage.REGULAR: "Regular",
    Stage.CORE: "Core member",
    Stage.FACILITATOR: "Facilitator",
}

DEFAULTS = {
    "names": {str(int(k)): v for k, v in DEFAULT_NAMES.items()},
    # Regular: five replies or one accepted answer in 90 days.
    "regular_replies": 5,
    "regular_accepted": 1,
    "regular_days": 90,
    # Core: twenty replies or three accepted answers in 180 days.
    "core_replies": 20,
    "core_accepted": 3,
    "core_days": 180,
}

# The path reads these verbs of the log (checked at start-up: communities.events.expect).
POST_VERBS = (
    events.expect("thread.created", "communities.path"),
    events.expect("post.created", "communities.path"),
)
REPLY_VERB = "post.created"
ACCEPTED_VERB = events.expect("answer.accepted", "communities.path")
STAGE_VERB = events.MEMBER_STAGE_CHANGED


def settings_for(community):
    merged = dict(DEFAULTS)
    stored = community.path_settings or {}
    merged.update({k: v for k, v in stored.items() if k in DEFAULTS and k != "names"})
    merged["names"] = {**DEFAULTS["names"], **(stored.get("names") or {})}
    return merged


def stage_name(community, stage, settings=None):
    settings = settings or settings_for(community)
    return settings["names"].get(str(int(stage))) or DEFAULT_NAMES[Stage(stage)]


def stage_names(community):
    settings = settings_for(community)
    return [(stage, stage_name(community, stage, settings)) for stage in Stage]


def _counts(community, since_regular, since_core):
    """Per-member counts as annotations for a Membership queryset (correlated subqueries on the log).

    accepted answers: "answer.accepted" rows whose target is a post the member created (the
    log's "post.created" row names its author), so no other app is read.
    """
    mine = Activity.objects.current().filter(community=community, actor=OuterRef("user_id"))

    def count(qs):
        return Coalesce(
            Subquery(qs.order_by().values("community").annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        )

    my_posts = Activity.objects.filter(
        community=community, actor=OuterRef(OuterRef("user_id")), verb=REPLY_VERB, target_type="forums.post"
    ).values("target_id")
    accepted = Activity.objects.current().filter(
        community=community, verb=ACCEPTED_VERB, target_type="forums.post", target_id__in=my_posts
    )
    return {
        "posts_total": count(mine.filter(verb__in=POST_VERBS)),
        "replies_regular": count(mine.filter(verb=REPLY_VERB, created_at__gte=since_regular)),
        "accepted_regular": count(accepted.filter(created_at__gte=since_regular)),
        "replies_core": count(mine.filter(verb=REPLY_VERB, created_at__gte=since_core)),
        "accepted_core": count(accepted.filter(created_at__gte=since_core)),
    }


def with_progress(memberships, community, now=None):
    """Annotate memberships of `community` with the counts the path needs (no extra query)."""
    settings = settings_for(community)
    now = now or timezone.now()
    return memberships.annotate(
        **_counts(
            community,
            now - datetime.timedelta(days=int(settings["regular_days"])),
            now - datetime.timedelta(days=int(settings["core_days"])),
        )
    )


ROLE_STAGE = {Membership.Role.FACILITATOR: Stage.FACILITATOR, Membership.Role.CORE: Stage.CORE}


def shown_stage(role, stage, has_posted):
    """The stage a member is shown at, from their role, the stage a facilitator gave them and
    whether they have posted (the same rule as `progress_of`, without a query)."""
    if role in ROLE_STAGE:
        return ROLE_STAGE[role]
    shown = Stage(min(int(stage or 0), Stage.REGULAR))
    if has_posted and shown < Stage.CONTRIBUTOR:
        shown = Stage.CONTRIBUTOR
    return shown


def state_at(moment, changes, current):
    """(role, stage) of one member at `moment`, from their StageChange rows oldest first as
    (role_before, stage_before, role, stage, changed_at): the last change before `moment`, or
    the state before the first change after it, or (no change at all) `current`."""
    before = None
    for role_before, stage_before, role, stage, changed_at in changes:
        if changed_at < moment:
            before = (role, stage)
        else:
            return before or (role_before, stage_before)
    return before or current


def record_change(membership, role_before, stage_before, changed_by=None, when=None):
    """Keep one step of the member's history (the dashboard's stages over time read it)."""
    if (role_before, int(stage_before or 0)) == (membership.role, int(membership.stage or 0)):
        return None
    return StageChange.objects.create(
        community_id=membership.community_id, membership=membership, user_id=membership.user_id,
        role_before=role_before, stage_before=int(stage_before or 0), role=membership.role,
        stage=int(membership.stage or 0), changed_by=changed_by, changed_at=when or timezone.now(),
    )  # fmt: skip


@dataclass
class Progress:
    stage: Stage
    name: str
    next_stage: Stage | None
    next_name: str
    ready: bool
    posts_total: int
    replies: int
    accepted: int
    replies_needed: int
    accepted_needed: int
    days: int


def progress_of(membership, community, settings=None):
    """Where an annotated membership stands on the path (no query)."""
    settings = settings or settings_for(community)
    posts_total = getattr(membership, "posts_total", 0)
    stage = Stage(min(int(membership.stage or 0), Stage.REGULAR))
    if posts_total and stage < Stage.CONTRIBUTOR:
        stage = Stage.CONTRIBUTOR
    if membership.role == Membership.Role.FACILITATOR:
        stage = Stage.FACILITATOR
    elif membership.role == Membership.Role.CORE:
        stage = Stage.CORE
    next_stage = Stage(stage + 1) if stage < Stage.FACILITATOR else None
    prefix = "core" if next_stage == Stage.CORE else "regular"
    replies = getattr(membership, f"replies_{prefix}", 0)
    accepted = getattr(membership, f"accepted_{prefix}", 0)
    replies_needed, accepted_needed = int(settings[f"{prefix}_replies"]), int(settings[f"{prefix}_accepted"])
    ready = next_stage in (Stage.REGULAR, Stage.CORE) and (
        replies >= replies_needed or accepted >= accepted_needed
    )
    return Progress(
        stage=stage,
        name=stage_name(community, stage, settings),
        next_stage=next_stage,
        next_name=stage_name(community, next_stage, settings) if next_stage is not None else "",
        ready=ready,
        posts_total=posts_total,
        replies=replies,
        accepted=accepted,
        replies_needed=replies_needed,
        accepted_needed=accepted_needed,
        days=int(settings[f"{prefix}_days"]),
    )


def my_progress(membership, community, now=None):
    """The signed-in member's progress (one query)."""
    annotated = with_progress(Membership.objects.filter(pk=membership.pk), community, now).first()
    return progress_of(annotated or membership, community)


def ready_members(community, limit=None, now=None):
    """Active members who meet the criteria of their next step (one query)."""
    settings = settings_for(community)
    memberships = with_progress(
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.PERIPHERAL)
        .select_related("user"),
        community,
        now,
    )
    # Regular: contributor (posted, not moved yet) meeting the regular criteria; core: a regular
    # meeting the core criteria. Filtering in SQL keeps the list one query whatever the size.
    regular = Q(posts_total__gt=0, stage__lt=Stage.REGULAR) & (
        Q(replies_regular__gte=int(settings["regular_replies"]))
        | Q(accepted_regular__gte=int(settings["regular_accepted"]))
    )
    core = Q(stage=Stage.REGULAR) & (
        Q(replies_core__gte=int(settings["core_replies"]))
        | Q(accepted_core__gte=int(settings["core_accepted"]))
    )
    memberships = memberships.filter(regular | core).order_by("joined_at", "pk")
    if limit:
        memberships = memberships[:limit]
    return [(m, progress_of(m, community, settings)) for m in memberships]


# --- changes (services) ------------------------------------------------------------------------


class PathError(Refused):
    """A path change was refused; str(error) is a message for the facilitator."""


def move_up(facilitator, membership, note=""):
    """Move a member to the next stage of the path, with the facilitator's personal note.

    Regular is a path stage only; moving a regular up to core also makes them a core member
    (their role). Records a "member.stage_changed" event and tells the member (signals.stage_changed).
    """
    from django.db import transaction

    from . import activity, signals
    from .policy import access_for

    community = membership.community
    if not access_for(facilitator, community).can_manage_path:
        raise PathError("Only this community's facilitators can move members along the path.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if not membership.is_active:
            raise PathError("Only active members can move along the path.")
        current = my_progress(membership, community)
        if current.next_stage is None or current.next_stage > Stage.CORE:
            raise PathError(f"{membership.user.name} is already at the last step a facilitator can give.")
        new = current.next_stage
        role_before, stage_before = membership.role, membership.stage
        membership.stage = new
        fields = ["stage"]
        if new == Stage.CORE:
            membership.role = Membership.Role.CORE
            fields.append("role")
        membership.save(update_fields=fields)
        record_change(membership, role_before, stage_before, changed_by=facilitator)
        name = stage_name(community, new)
        activity.record(
            community, membership.user, STAGE_VERB, f"{membership.user.name} is now: {name}",
            url=membership.user.get_absolute_url(), target=membership,
        )  # fmt: skip
        signals.stage_changed.send(
            sender=Membership, membership=membership, moved_by=facilitator, note=(note or "").strip()[:2000],
            stage_name=name,
        )  # fmt: skip
    return membership


def update_settings(facilitator, community, data):
    """Store the facilitators' stage names and criteria (only known keys; numbers clamped)."""
    from .policy import access_for

    if not access_for(facilitator, community).can_manage_path:
        raise PathError("Only this community's facilitators can change the path.")
    stored = {
        "names": {str(int(s)): (data.get(f"name_{int(s)}") or DEFAULT_NAMES[s]).strip()[:40] for s in Stage}
    }
    for key in DEFAULTS:
        if key != "names" and key in data:
            stored[key] = max(0, min(int(data[key]), 3650))
    community.path_settings = stored
    community.save(update_fields=["path_settings"])
    return community
