from django import template
from django.urls import reverse

from communities.extensions import tabs_for

register = template.Library()


@register.inclusion_tag("communities/_tabs.html", takes_context=True)
def community_tabs(context, community, access):
    """The community navigation: built-in tabs plus those other apps registered."""
    request = context["request"]
    current = request.resolver_match.view_name if request.resolver_match else ""
    registered = tabs_for(access)
    tabs = [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, args=[community.slug]),
            "current": current == tab.url_name or current in tab.also_current,
            "more": tab.more,
            "manage": tab.order >= MANAGE_ORDER,
        }
        for tab in registered
    ]
    # Facilitators' own pages (requests, dashboard, settings) sit in a "Manage" menu at the end
    # of the row and the less-used tabs in a "More" menu, so the tabs fit on one line.
    manage = [tab for tab in tabs if tab["manage"]]
    more = [tab for tab in tabs if tab["more"] and not tab["manage"]]
    return {
        "tabs": [tab for tab in tabs if not (tab["manage"] or tab["more"])],
        "more": more,
        "more_current": any(tab["current"] for tab in more),
        "manage": manage,
        "manage_current": any(tab["current"] for tab in manage),
        "community": community,
        "pending_count": context.get("pending_count", 0),
    }


MANAGE_ORDER = 90  # tabs registered with this order or more are facilitators' pages


@register.simple_tag(takes_context=True)
def render_panel(context, template_name, panel_context):
    """Render one registered home panel with its own context plus the page's."""
    tpl = template.loader.get_template(template_name)
    flat = context.flatten()
    flat.update(panel_context)
    return tpl.render(flat, context.get("request"))


@register.simple_tag
def restriction_message(access):
    """Why this member may read but not post (or not rejoin) here, in words; "" otherwise."""
    from communities.moderation import restriction_message as message

    return (message(access) or "") if access is not None else ""
