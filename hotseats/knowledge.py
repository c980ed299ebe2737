"""What hot seats tell the knowledge map (communities.knowledge): the expert of a published hot
seat who answered at least one shown question knows its tags. Registered in HotseatsConfig.ready().
"""

from django.db.models import Max, Q

from .models import HotSeat


def experts_answered(communities, person=None):
    """(community, expert, hot seat tag, last answer) per hot seat and tag. One query."""
    answered = Q(
        questions__answered_at__isnull=False,
        questions__hidden_at__isnull=True,
        questions__merged_into__isnull=True,
    )
    rows = HotSeat.objects.published().filter(community__in=communities, expert__isnull=False)
    if person is not None:
        rows = rows.filter(expert=person)
    return (
        rows.values("pk", "community_id", "expert_id", "tags__name")
        .annotate(last=Max("questions__answered_at", filter=answered))
        .filter(last__isnull=False)
        .values_list("community_id", "expert_id", "tags__name", "last")
        .order_by()
    )
