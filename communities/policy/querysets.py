"""The policy's queryset builders: lists, search, feeds and digests filter with these.

They state the audience rule of readers.py as SQL, so a list can never show what the page would
answer 404 to. Models' ``visible_to(user)`` methods are one call to ``restrict`` each.
"""

import contextlib
import contextvars

from django.db.models import Exists, OuterRef, Q, Value

from ..models import Community, Membership

# (user pk, communities they may view, those of them they moderate), inside `read_once`.
_read_once = contextvars.ContextVar("policy_read_once", default=None)


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


@contextlib.contextmanager
def read_once(user):
    """Inside the block, `restrict` filters `user`'s rows by the communities they may view and
    moderate as read here, once (one query), instead of repeating that rule as a subquery in
    every query: for a page that runs many queries for one viewer (the site search, five
    sources). The same rule, read at one moment; nothing outlives the block."""
    scoped = _read_once.get()
    if scoped is not None and scoped[0] == user.pk:
        yield  # already read for this viewer by an enclosing block
        return
    if not user.is_authenticated:
        moderates = Value(False)
    elif user.is_staff:
        moderates = Value(True)
    else:
        moderates = Exists(Membership.objects.facilitators().filter(community=OuterRef("pk"), user=user))
    rows = list(visible_communities(user).annotate(moderates=moderates).values_list("pk", "moderates"))
    token = _read_once.set((user.pk, [pk for pk, _ in rows], [pk for pk, mod in rows if mod]))
    try:
        yield
    finally:
        _read_once.reset(token)


def _communities_of(user):
    """(visible, moderated): lists read by `read_once`, or the rules as subqueries."""
    scoped = _read_once.get()
    if scoped is not None and scoped[0] == user.pk:
        return scoped[1], scoped[2]
    return visible_communities(user), moderated_communities(user)


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
    visible, moderated = _communities_of(user)
    rule = Q(**{f"{community}__in": visible})
    if moderators_only is not None:
        allowed = ~moderators_only | Q(**{f"{community}__in": moderated})
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
