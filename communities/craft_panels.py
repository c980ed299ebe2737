"""Home-page panels of the facilitator's craft: the participation path and the first-week
checklist. Each costs one query whatever the size of the community (tests/communities/test_path.py)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cop_platform import pagecache

from . import path
from .extensions import ChecklistItem, checklist_items
from .path import Stage

FIRST_WEEK = datetime.timedelta(days=7)


def _url(name, community, query=""):
    """A link into another app by URL name (communities imports none of them); "" if absent."""
    try:
        return reverse(name, args=[community.slug]) + query
    except NoReverseMatch:
        return ""


def next_steps(community, progress):
    """Small concrete tasks towards the next stage."""
    if progress.stage == Stage.OBSERVER:
        steps = [
            (
                "Introduce yourself in the introductions thread",
                _url("forums:thread_list", community, "?tag=introductions"),
            ),
            (
                "Ask your first question: there is no such thing as a silly one",
                _url("forums:thread_create", community),
            ),
        ]
    elif progress.stage in (Stage.CONTRIBUTOR, Stage.REGULAR):
        steps = [
            (
                "Answer a question that is waiting for a reply",
                _url("forums:thread_list", community, "?kind=question"),
            ),
            (
                "Add a document, template or toolkit to the library",
                _url("communities:document_upload", community),
            ),
            ("Put a question to the next hot seat", _url("hotseats:list", community)),
        ]
    else:
        steps = []
    return [(label, url) for label, url in steps if url]


def path_panel(request, community, access):
    if access.can_see_nudges:
        ready = path.ready_members(community, limit=5)
        return {"facilitator_view": True, "ready": ready, "names": dict(path.stage_names(community))}
    if not access.is_member:
        return None
    # The member's own progress, kept in the community's cache under their membership: anything
    # they post (or a change of stage) is a write in the community, which forgets it.
    membership = access.membership
    progress = pagecache.community_cached(
        community, ("path-progress", membership.pk), lambda: path.my_progress(membership, community)
    )
    return {
        "facilitator_view": False,
        "progress": progress,
        "steps": next_steps(community, progress),
        "names": path.stage_names(community),
    }


def has_expertise(membership):
    return Exists(get_user_model().objects.filter(pk=OuterRef("pk"), expertise__isnull=False))


ADD_EXPERTISE = ChecklistItem(
    "expertise", "Add your expertise to your profile, so people know what to ask you", has_expertise,
    lambda community: reverse("accounts:edit_profile"), order=20,
)  # fmt: skip


def checklist_panel(request, community, access):
    membership = access.membership
    if not access.is_member or membership.checklist_dismissed_at is not None or membership.joined_at is None:
        return None
    if membership.joined_at < timezone.now() - FIRST_WEEK or access.is_facilitator:
        return None
    items = checklist_items()
    if not items:
        return None
    annotations = {f"done_{item.key}": item.done(membership) for item in items}
    done = (
        get_user_model()
        .objects.filter(pk=request.user.pk)
        .annotate(**annotations)
        .values(*annotations)
        .first()
        or {}
    )
    steps = [
        {
            "key": item.key,
            "label": item.label,
            "url": item.url(community),
            "done": bool(done.get(f"done_{item.key}")),
        }
        for item in items
    ]
    return {
        "steps": steps,
        "done_count": sum(s["done"] for s in steps),
        "all_done": all(s["done"] for s in steps),
    }


def dismiss_checklist(membership):
    """The newcomer hides the checklist for good."""
    from .models import Membership

    Membership.objects.filter(pk=membership.pk, checklist_dismissed_at__isnull=True).update(
        checklist_dismissed_at=timezone.now()
    )
