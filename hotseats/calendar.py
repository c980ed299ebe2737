"""Hot seats on calendars: an .ics per hot seat, the community's hot seat feed, and the
entries hot seats contribute to the community calendar (communities.calendar builds them all).

Closed communities' feeds are reached through the member's secret URL; the token functions
live in communities.calendar and are re-exported here for the hot seat feed.
"""

from communities.calendar import Entry, build_ics, feed_token, membership_for_token

from .models import HotSeat

__all__ = ["build_calendar", "feed_token", "hotseat_entries", "membership_for_token", "remindable"]


def entry_for(hotseat):
    return Entry(
        uid=f"hotseat-{hotseat.pk}",
        kind="hotseat",
        title=f"Hot seat: {hotseat.title} with {hotseat.expert_display_name}",
        start=hotseat.opens_at,
        end=hotseat.closes_at,
        url=hotseat.get_absolute_url(),
        community=hotseat.community,
        description=f"{hotseat.topic}\n\nAsk your questions:",
        extra={"pk": hotseat.pk},
    )


def build_calendar(hotseats, name):
    return build_ics([entry_for(h) for h in hotseats], name)


def hotseat_entries(community_ids, start, end):
    """Published hot seats overlapping [start, end): one query."""
    hotseats = (
        HotSeat.objects.published()
        .filter(community_id__in=community_ids, opens_at__lt=end, closes_at__gt=start)
        .select_related("community", "expert")
    )
    return [entry_for(h) for h in hotseats]


def remindable(community, pk):
    return HotSeat.objects.published().filter(community=community, pk=pk).exists()
