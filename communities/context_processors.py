from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from cop_platform import memberstate

from .models import Community, Membership


def sidebar_communities(user):
    """The member's communities and their own proposals still waiting (or turned down), in one
    query, so a proposer finds their proposal in the sidebar without another."""
    mine = Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
    proposed = Q(proposed_by=user, status__in=[Community.Status.PROPOSED, Community.Status.REJECTED])
    return list(
        Community.objects.filter(mine | proposed).distinct().only("name", "slug", "visibility", "status")
    )


memberstate.register("sidebar", sidebar_communities, communities=True)


def my_communities(request):
    """The communities in the signed-in member's sidebar: cached per member until their
    memberships or any community change (cop_platform/memberstate.py); one query otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_communities": []}
    communities = SimpleLazyObject(lambda: memberstate.get(user, "sidebar"))
    return {
        "my_communities": SimpleLazyObject(lambda: [c for c in communities if c.is_live]),
        "my_proposals": SimpleLazyObject(lambda: [c for c in communities if not c.is_live]),
    }
