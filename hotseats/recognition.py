"""What hot seats add to recognition (communities.recognition): the "hot seat expert" badge and
the hot seat columns of the contribution record. Registered in HotseatsConfig.ready()."""

from django.db.models import Count, F

from communities.recognition import (
    BadgeRule,
    Kind,
    RecordSource,
    not_awarded,
    register_badge_rule,
    register_record_source,
)

from .models import HotSeat, Question

HELD = (HotSeat.Status.OPEN, HotSeat.Status.CLOSED)


def hotseat_experts(now):
    """Experts who answered at least one shown question in a hot seat of theirs."""
    return (
        Question.objects.shown()
        .filter(
            answered_at__isnull=False,
            hotseat__status__in=HELD,
            hotseat__expert__isnull=False,
            hotseat__expert__is_active=True,
            answered_by=F("hotseat__expert"),
        )
        .filter(
            not_awarded(Kind.HOTSEAT_EXPERT, user="hotseat__expert_id", community="hotseat__community_id")
        )
        .values_list("hotseat__expert_id", "hotseat__community_id")
        .distinct()
    )


def _hotseats(person, viewer, community_ids):
    """Hot seats held as the expert, and questions asked in hot seats: two queries."""
    held = (
        HotSeat.objects.visible_to(viewer)
        .filter(expert=person, status__in=HELD, community_id__in=community_ids)
        .values_list("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    out = {c: {"hotseats": n} for c, n in held}
    asked = (
        Question.objects.visible_to(viewer)
        .filter(author=person, hotseat__community_id__in=community_ids)
        .values_list("hotseat__community_id")
        .annotate(n=Count("pk"))
        .values_list("hotseat__community_id", "n")
    )
    for c, n in asked:
        out.setdefault(c, {})["asked"] = n
    return out


def register():
    register_badge_rule(
        BadgeRule(
            Kind.HOTSEAT_EXPERT,
            "Answer members' questions as the invited expert of a hot seat.",
            hotseat_experts,
            order=40,
        )
    )
    register_record_source(
        RecordSource(
            "hotseats",
            (("hotseats", "Hot seats as the expert"), ("asked", "Hot seat questions asked")),
            _hotseats,
            order=50,
        )
    )
