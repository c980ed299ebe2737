"""Small presentation filters used on every page (loaded as a template builtin).

Times: `ago` says how long ago in one unit ("just now", "5 minutes ago", "2 days ago"), and
`when` gives a date and time in the viewer's zone without naming the zone: the zone is named
once per page, in the footer (`zone_label`), rather than on every line.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value, now=None):
    """ "just now", "5 minutes ago", "2 days ago": one unit, never "0 minutes" or "2 days, 13 hours"."""
    if not value:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    if seconds < -60:  # a time in the future (scheduled items)
        return "in " + timesince(now, value, depth=1)
    if seconds < 60:
        return "just now"
    return timesince(value, now, depth=1) + " ago"


@register.filter
def ago_html(value):
    """`ago` inside a <time> whose title gives the full date and time, for hover and screen readers."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', value.isoformat(), f"{local:%-d %b %Y, %H:%M}", ago(value)
    )


@register.filter
def when(value):
    """ "Tue 25 Nov 2026, 14:00" in the viewer's zone (the footer names the zone once)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), f"{local:%a %-d %b %Y, %H:%M}")


@register.simple_tag
def zone_label():
    """The viewer's zone in words: "London time (GMT)", "UTC"."""
    zone = timezone.get_current_timezone()
    key = getattr(zone, "key", str(zone))
    abbreviation = timezone.localtime(timezone.now(), zone).tzname()
    if key in ("UTC", "Etc/UTC"):
        return "UTC"
    city = key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time ({abbreviation})"
