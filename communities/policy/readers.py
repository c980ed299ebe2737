"""Who may see an object now: one rule, read three ways.

Every object a member can see reduces to an **audience**: the community it lives in and how far
inside that community it reaches.

- ``EVERYONE``: whoever may view the community (anyone signed in for an open community, its
  active members for a closed one, staff always; for a community not yet live, only its
  proposer and staff). Archived communities stay readable by the same people.
- ``MODERATORS``: of those, only the community's facilitators and staff (a hidden thread or
  post, a draft hot seat, a hidden question, a hidden or closed job advert, a draft newsletter).
- ``NOBODY``: content gone for everyone (a deleted reply, a question merged into another).

Besides the level, an audience may name **guests**: users let in although they may not view the
community, while it is live (the invited expert of a published hot seat, to that hot seat and its
questions only). Narrowing an audience to moderators or nobody drops the guests.

An audience narrowed to moderators may also name **owners**: users who may view the community
and see this object although they do not moderate it: the author of a post or thread **held**
for a facilitator's approval (``Audience.held_for(author_id)``). Narrowing drops them too.

The same audience answers:

- the predicate ``CommunityAccess.can_see(obj)`` (no query: it reads the loaded membership),
- ``readers_of(obj)``: a queryset of the (active) users who may see it now,
- and the ``visible_to(user)`` querysets, built with ``querysets.restrict(...)`` from the same
  three ingredients (see querysets.py).

Content apps say how their types resolve with ``register(Model, audience_fn)`` from their
``AppConfig.ready()`` (communities imports no other app), where ``audience_fn(obj)`` returns an
``Audience`` and costs no query when the objects it reads (thread of a post, hot seat of a
question) are already loaded.
"""

from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Community, Membership

EVERYONE, MODERATORS, NOBODY = 0, 1, 2
LEVEL_NAMES = {EVERYONE: "everyone", MODERATORS: "moderators", NOBODY: "nobody"}


@dataclass(frozen=True)
class Audience:
    community_id: int
    level: int = EVERYONE
    guests: tuple = ()
    # Let in at the moderators' level if they may view the community (the author of held content).
    owners: tuple = ()
    # The loaded community, when the caller has it (saves readers() one query).
    community: Community | None = None

    def narrow(self, level):
        """The stricter of this audience and `level` (guests leave once it is not everyone)."""
        level = max(self.level, level)
        return replace(self, level=level, guests=self.guests if level == EVERYONE else (), owners=())

    def held_for(self, *owner_ids):
        """Narrowed to moderators, plus `owner_ids` (held for approval: its author still sees it)."""
        return replace(self.narrow(MODERATORS), owners=tuple(pk for pk in owner_ids if pk))

    def admits(self, access):
        """True if the viewer described by `access` (a CommunityAccess) is in this audience."""
        if access.community.pk != self.community_id:
            return False
        if self.level == NOBODY:
            inside = False
        elif self.level == MODERATORS:
            owner = access.user.is_authenticated and access.user.pk in self.owners
            inside = access.can_view and (access.can_moderate or owner)
        else:
            inside = access.can_view
        if inside:
            return True
        user = access.user
        return bool(user.is_authenticated and user.pk in self.guests and access.community.is_live)

    def readers(self):
        """The active users in this audience, as a queryset (builds one SQL query)."""
        User = get_user_model()
        users = User.objects.filter(is_active=True)
        community = self.community
        if community is None or community.pk != self.community_id:
            community = Community.objects.get(pk=self.community_id)
        if self.level == NOBODY:
            return users.none()
        staff = Q(is_staff=True)
        if not community.is_live:
            rule = staff | Q(pk=community.proposed_by_id) if community.proposed_by_id else staff
        elif community.is_open:
            rule = None  # everyone signed in
        else:
            members = Membership.objects.filter(community_id=community.pk, state=Membership.State.ACTIVE)
            rule = staff | Q(pk__in=members.values("user_id"))
        if self.level == MODERATORS:
            facilitators = Membership.objects.facilitators().filter(community_id=community.pk)
            moderators = staff | Q(pk__in=facilitators.values("user_id"))
            if self.owners:
                moderators |= Q(pk__in=list(self.owners))
            rule = moderators if rule is None else rule & moderators
        if self.guests and community.is_live and rule is not None:
            rule |= Q(pk__in=list(self.guests))
        return users if rule is None else users.filter(rule)


_resolvers = {}


def register(model, audience_fn):
    """Say how objects of `model` resolve to an Audience (call from AppConfig.ready())."""
    _resolvers[model] = audience_fn


def audience_of(obj):
    """The Audience of `obj`, by the resolver registered for its type."""
    if isinstance(obj, Community):
        return Audience(obj.pk, community=obj)
    for cls in type(obj).__mro__:
        resolver = _resolvers.get(cls)
        if resolver is not None:
            return resolver(obj)
    raise LookupError(
        f"No audience is registered for {type(obj).__name__}: "
        "call communities.policy.readers.register() from the app's ready()."
    )


def readers_of(obj):
    """The users who may see `obj` now (a queryset of active users; one SQL query to evaluate).

    Every recipient list (notifications, e-mail, digests, newsletters, nudges) starts here, so
    "who is told" never drifts from "who may see".
    """
    return audience_of(obj).readers()


def registered_types():
    return list(_resolvers)


# --- the communities app's own types -------------------------------------------------------


def in_community(obj):
    """Audience of something everyone who may view its community may see."""
    return Audience(obj.community_id, community=loaded(obj, "community"))


def loaded(obj, field):
    """The related object if it is already loaded (never a query), else None."""
    return obj._state.fields_cache.get(field)


def job_audience(job):
    from django.utils import timezone

    audience = in_community(job)
    # Hidden and closed adverts are gone for members; facilitators still open them to restore.
    if job.hidden_at is not None or job.closing_on < timezone.localdate():
        audience = audience.narrow(MODERATORS)
    return audience


def register_communities_types():
    from ..models import Article, Document, DocumentVersion, Job, Link, Meeting, Theme

    for model in (Article, Document, Link, Meeting, Theme):
        register(model, in_community)
    register(Job, job_audience)
    register(DocumentVersion, lambda version: in_community(version.document))
