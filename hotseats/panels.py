"""What hot seats add to community pages through communities.extensions (see apps.py)."""

from django.utils import timezone

from communities.policy import can_view_hotseat

from .models import HotSeat


def home_panel(request, community, access):
    """Open and upcoming hot seats on the community home page: one query."""
    if not access.can_view:
        return None
    hotseats = list(
        HotSeat.objects.filter(community=community)
        .current_or_upcoming()
        .select_related("expert", "community")[:3]
    )
    return {"hotseat_panel": hotseats, "now": timezone.now()}


def theme_section(request, theme, access):
    """Hot seats linked to a theme, on the theme page: one query."""
    hotseats = [
        h
        for h in HotSeat.objects.filter(theme=theme).published().select_related("expert", "community")
        if can_view_hotseat(access, h)
    ]
    if not hotseats:
        return None
    return {"theme_hotseats": hotseats}
