"""Who may see whose profile: each member chooses members of their communities, or everyone
signed in. Nobody signed out sees a profile; staff and the person themselves always do.

The same rule answers one profile (`can_see_profile`) and the people directory
(`people_visible_to`, a queryset), so the directory never lists someone whose page would 404.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Membership


def _my_community_ids(viewer):
    return Membership.objects.active().filter(user=viewer).values("community_id")


def people_visible_to(viewer):
    """Active users whose profile `viewer` may open (one SQL query when evaluated)."""
    users = get_user_model().objects.filter(is_active=True)
    if not viewer.is_authenticated:
        return users.none()
    if viewer.is_staff:
        return users
    sharing = Membership.objects.active().filter(community_id__in=_my_community_ids(viewer)).values("user_id")
    return users.filter(Q(profile_visibility="everyone") | Q(pk=viewer.pk) | Q(pk__in=sharing))


def can_see_profile(viewer, person):
    if not viewer.is_authenticated:
        return False
    if viewer.is_staff or viewer.pk == person.pk or person.profile_visibility == "everyone":
        return True
    return people_visible_to(viewer).filter(pk=person.pk).exists()


def can_see_last_active(viewer, person):
    return viewer.is_authenticated and (viewer.pk == person.pk or person.show_last_active)
