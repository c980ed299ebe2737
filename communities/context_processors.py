from django.utils.functional import SimpleLazyObject

from .models import Community, Membership


def my_communities(request):
    """The communities in the signed-in member's sidebar (one query, only when rendered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_communities": []}

    def load():
        return list(
            Community.objects.filter(memberships__user=user, memberships__state=Membership.State.ACTIVE).only(
                "name", "slug", "visibility"
            )
        )

    return {"my_communities": SimpleLazyObject(load)}
