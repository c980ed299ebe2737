"""E-mail preferences per member and community, and what an unsubscribe link changes.

No Preference row means the defaults (weekly digest, newsletter on, immediate e-mail on).
"""

from django.db import transaction
from django.urls import reverse

from communities.models import Community, Membership

from .models import Preference
from .tokens import ListRef, make_token


def unsubscribe_path(user_id, list_name):
    return reverse("newsletters:unsubscribe", args=[make_token(user_id, list_name)])


def preferences_path():
    return reverse("newsletters:preferences")


def member_communities(user):
    """The communities whose e-mail `user` can tune: where they are an active member."""
    return list(
        Community.objects.filter(
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
            status__in=Community.LIVE_STATUSES,
        ).order_by("name")
    )


def preferences_for(user, communities):
    """[(community, preference)] with unsaved defaults where no row exists: one query."""
    saved = {p.community_id: p for p in Preference.objects.filter(user=user, community__in=communities)}
    return [(c, saved.get(c.pk) or Preference(user=user, community=c)) for c in communities]


@transaction.atomic
def save_preference(user, community, *, digest, newsletter, immediate):
    Preference.objects.update_or_create(
        user=user,
        community=community,
        defaults={"digest": digest, "newsletter": newsletter, "immediate": immediate},
    )


@transaction.atomic
def unsubscribe(ref: ListRef):
    """Switch off the list a token names, for that member only. Returns a sentence saying what changed.

    Safe to run twice. Only rows of `ref.user_id` are touched.
    """
    if ref.community_id is not None:
        community_ids = [ref.community_id]
    else:
        community_ids = list(
            Membership.objects.filter(user_id=ref.user_id).values_list("community_id", flat=True)
        )
    changes = {
        "digest": {"digest": Preference.Digest.OFF},
        "newsletter": {"newsletter": False},
        "immediate": {"immediate": False},
        "all": {"digest": Preference.Digest.OFF, "newsletter": False, "immediate": False},
    }[ref.name]
    existing = set(
        Preference.objects.filter(user_id=ref.user_id, community_id__in=community_ids).values_list(
            "community_id", flat=True
        )
    )
    Preference.objects.filter(user_id=ref.user_id, community_id__in=existing).update(**changes)
    Preference.objects.bulk_create(
        [
            Preference(user_id=ref.user_id, community_id=cid, **changes)
            for cid in community_ids
            if cid not in existing
        ],
        ignore_conflicts=True,
    )


def describe(ref: ListRef, community=None):
    where = f" from {community.name}" if community else ""
    return {
        "digest": "the e-mail digest of your communities",
        "newsletter": f"the monthly newsletter{where}",
        "immediate": f"immediate notification e-mails{where}",
        "all": "all optional e-mail from every community",
    }[ref.name]


def lift_suppression(user):
    """Take the member's own address off the suppression list (they fixed it); True if it was on."""
    from .models import Suppression

    deleted, _ = Suppression.objects.filter(email=user.email.strip().lower()).delete()
    return bool(deleted)
