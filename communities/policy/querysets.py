"""The policy's queryset builders: lists, search, feeds and digests filter with these.

They state the audience rule of readers.py as SQL, so a list can never show what the page would
answer 404 to. Models' ``visible_to(user)`` methods are one call to ``restrict`` each.
"""

from django.db.models import Exists, OuterRef, Q

from ..models import Community, Membership


def visible_communities(user, queryset=None):
    """Communities whose pages `user` may open: the same rule as CommunityAccess.can_view."""
    communities = Community.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_staff:
        return communities
    live = Q(status__in=Community.LIVE_STATUSES)
    rule = live & Q(visibility=Community.Visibility.OPEN)
    if user.is_authenticated:
        is_member = Exists(
            Membership.objects.filter(community=OuterRef("pk"), user=user, state=Membership.State.ACTIVE)
        )
        rule |= live & is_member
        rule |= Q(proposed_by=user)
    return communities.filter(rule)


def moderated_communities(user):
    """Communities where `user` is a moderator (facilitator or staff); combine with visibility."""
    if not user.is_authenticated:
        return Community.objects.none()
    if user.is_staff:
        return Community.objects.all()
    return Community.objects.filter(
        pk__in=Membership.objects.facilitators().filter(user=user).values("community_id")
    )


def restrict(
    queryset, user, *, community="community", moderators_only=None, nobody=None, guest=None, also=None
):
    """Rows of `queryset` that `user` may see, by the audience rule of readers.py.

    community:       lookup path from the row to its Community ("hotseat__community").
    moderators_only: a Q matching rows whose audience is narrowed to moderators (hidden, draft).
    nobody:          a Q matching rows no one sees (deleted, merged).
    guest:           lookup path to a user let in as a guest (the hot seat's expert), on rows
                     that are for everyone, while the community is live.
    also:            a Q matching rows narrowed to moderators that `user` may see all the same,
                     if they may view the community: their own posts held for approval (the
                     audience's owners).
    """
    rule = Q(**{f"{community}__in": visible_communities(user)})
    if moderators_only is not None:
        allowed = ~moderators_only | Q(**{f"{community}__in": moderated_communities(user)})
        if also is not None:
            allowed |= also
        rule &= allowed
    if guest is not None and user.is_authenticated:
        let_in = Q(**{guest: user}) & Q(**{f"{community}__status__in": Community.LIVE_STATUSES})
        if moderators_only is not None:
            let_in &= ~moderators_only
        rule |= let_in
    if nobody is not None:
        rule &= ~nobody
    return queryset.filter(rule)


def community_readers(community):
    """Users who may view `community` now (active members of a closed one, staff, ...)."""
    from .readers import Audience

    return Audience(community.pk, community=community).readers()


def community_moderators(community):
    """Users who moderate `community` now: its active facilitators and staff."""
    from .readers import MODERATORS, Audience

    return Audience(community.pk, level=MODERATORS, community=community).readers()
