from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from .models import Community, Membership


def my_communities(request):
    """The communities in the signed-in member's sidebar (one query, only when rendered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_communities": []}

    def load():
        # The same query also brings the member's own proposals still waiting (or turned down),
        # so a proposer finds their proposal in the sidebar without another query.
        mine = Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
        proposed = Q(proposed_by=user, status__in=[Community.Status.PROPOSED, Community.Status.REJECTED])
        return list(
            Community.objects.filter(mine | proposed).distinct().only("name", "slug", "visibility", "status")
        )

    communities = SimpleLazyObject(load)
    return {
        "my_communities": SimpleLazyObject(lambda: [c for c in communities if c.is_live]),
        "my_proposals": SimpleLazyObject(lambda: [c for c in communities if not c.is_live]),
    }
