from django import template

from forums.models import Reaction

register = template.Library()


@register.simple_tag
def reactions_for(post, flags):
    """[(kind, label, emoji, count, mine)] for a post fragment: counts stored on the post,
    "mine" from the viewer's overlay (flags.reacted_<kind>)."""
    counts = post.reaction_counts or {}
    return [
        (kind, label, Reaction.EMOJI[kind], counts.get(kind, 0), bool(flags.get(f"reacted_{kind}")))
        for kind, label in Reaction.Kind.choices
    ]
