from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


def zone_label(dt):
    """("14:00", "BST", "Europe/London") for an aware datetime in the active (viewer's) zone."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(dt, zone)
    return local, local.tzname(), getattr(zone, "key", str(zone))


@register.filter
def when(dt):
    """A time in the viewer's zone: “Tue 25 Nov 2026, 14:00”. The page footer names the zone once."""
    if dt is None:
        return ""
    local, _label, _key = zone_label(dt)
    return format_html('<time datetime="{}">{}</time>', dt.isoformat(), f"{local:%a %-d %b %Y, %H:%M}")


@register.simple_tag
def state_badge(hotseat):
    state = hotseat.state
    css = {"open": "badge--open", "scheduled": "badge--pending", "draft": "", "closed": "badge--closed"}[
        state
    ]
    return format_html('<span class="badge {}">{}</span>', css, hotseat.state_label)
