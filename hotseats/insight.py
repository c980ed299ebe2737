"""What hot seats add to the community dashboard: their outcomes.

For each hot seat open at some time in the period (published, not a draft): its questions
(shown ones: not hidden, not merged), the share the expert answered, and its first-time askers
(members whose first hot seat question in this community was asked in this hot seat).
Registered with `communities.extensions.register_insight` in HotseatsConfig.ready().
"""

from django.db.models import Exists, OuterRef

from communities.insight import share

from .models import HotSeat, Question


def dashboard_figures(community, period):
    """Two queries: the period's hot seats, then their questions with an "asked before" flag."""
    in_period = HotSeat.objects.filter(
        community=community,
        status__in=[HotSeat.Status.OPEN, HotSeat.Status.CLOSED],
        opens_at__lte=period.end,
        closes_at__gte=period.start,
    )
    hotseats = list(in_period.order_by("opens_at"))
    for hotseat in hotseats:
        hotseat.community = community  # its URL needs the slug; saves a query per row
    earlier = Question.objects.filter(
        hotseat__community=community, author=OuterRef("author"), created_at__lt=OuterRef("created_at")
    )
    # Filtered by the same conditions rather than by the ids above, so that it is always one query.
    questions = (
        Question.objects.shown()
        .filter(hotseat__in=in_period)
        .annotate(asked_before=Exists(earlier))
        .values_list("hotseat_id", "author_id", "answered_at", "asked_before")
    )
    by_seat = {h.pk: {"hotseat": h, "questions": 0, "answered": 0, "first_timers": set()} for h in hotseats}
    for hotseat_id, author_id, answered_at, asked_before in questions:
        row = by_seat[hotseat_id]
        row["questions"] += 1
        row["answered"] += answered_at is not None
        if author_id is not None and not asked_before:
            row["first_timers"].add(author_id)
    rows = []
    for row in by_seat.values():
        rows.append(
            {
                "hotseat": row["hotseat"],
                "questions": row["questions"],
                "answered": row["answered"],
                "answered_share": share(row["answered"], row["questions"]),
                "first_time_askers": len(row["first_timers"]),
            }
        )
    total = sum(r["questions"] for r in rows)
    answered = sum(r["answered"] for r in rows)
    return {
        "hotseats": rows,
        "questions": total,
        "answered": answered,
        "answered_share": share(answered, total),
        "first_time_askers": sum(r["first_time_askers"] for r in rows),
    }
