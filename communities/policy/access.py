"""The predicates: every "may this user ...?" question is answered here.

Views, templates, search, feeds, digests and downloads ask this module; none checks roles
itself. Predicates work on an already-loaded membership and cost no query. Anything a user
may not see answers 404, so that closed communities do not reveal what exists. "May see this
object" is `CommunityAccess.can_see(obj)`, answered by the object's audience (readers.py), the
same rule `readers_of(obj)` and the `visible_to` querysets use.
"""

import functools
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import FilteredRelation, Q
from django.http import Http404

from ..models import Community, Membership, Sponsorship


@dataclass(frozen=True)
class CommunityAccess:
    user: object
    community: Community
    membership: Membership | None

    # --- who the user is here ---------------------------------------------------------
    @property
    def is_staff(self):
        return bool(self.user.is_authenticated and self.user.is_staff)

    @property
    def is_member(self):
        return self.membership is not None and self.membership.is_active

    @property
    def is_facilitator(self):
        return self.membership is not None and self.membership.is_facilitator

    @property
    def is_pending(self):
        return self.membership is not None and self.membership.state == Membership.State.PENDING

    @property
    def is_banned(self):
        return self.membership is not None and self.membership.is_banned

    @property
    def is_restricted(self):
        """Suspended from the site, or silenced in this community: may read, may not post."""
        return bool(
            (self.user.is_authenticated and getattr(self.user, "suspended_at", None) is not None)
            or (self.membership is not None and self.membership.is_silenced)
        )

    @property
    def is_proposer(self):
        return self.user.is_authenticated and self.community.proposed_by_id == self.user.pk

    # --- what the user may do -----------------------------------------------------------
    @property
    def can_view(self):
        if self.is_staff:
            return True
        if not self.community.is_live:
            return self.is_proposer
        return self.community.is_open or self.is_member

    @property
    def can_see_members(self):
        return self.can_view

    @property
    def can_see_knowledge_map(self):
        """Who knows what names people, so like profiles it needs signing in."""
        return self.can_view and self.user.is_authenticated

    @property
    def can_join(self):
        return (
            self.user.is_authenticated
            and self.community.status == Community.Status.ACTIVE
            and self.community.is_open
            and not self.is_member
            and not self.is_banned
        )

    @property
    def can_request(self):
        return (
            self.user.is_authenticated
            and self.community.status == Community.Status.ACTIVE
            and not self.community.is_open
            and not self.is_member
            and not self.is_pending
            and not self.is_banned
        )

    @property
    def can_leave(self):
        return self.is_member

    @property
    def can_post(self):
        return (
            self.is_member
            and not self.is_restricted
            and self.community.status
            in (
                Community.Status.ACTIVE,
                Community.Status.DORMANT,
            )
        )

    @property
    def can_moderate(self):
        return self.is_facilitator or self.is_staff

    can_manage_members = can_moderate
    can_moderate_members = can_moderate  # ban, silence, lift (communities/moderation.py)
    can_edit_community = can_moderate
    can_see_dashboard = can_moderate
    can_run_hotseat = can_moderate
    can_send_newsletter = can_moderate

    # --- the facilitator's craft (path, nudges, invitations) -------------------------------
    can_manage_path = can_moderate
    can_invite = can_moderate

    @property
    def can_see_nudges(self):
        """The nudge queue is a facilitator's own worklist: staff do not get one."""
        return self.is_facilitator and self.community.is_live

    @property
    def can_thank(self):
        """A public thanks speaks for the community: its own facilitators only (not staff), and
        not in an archived community, which is read-only."""
        return self.is_facilitator and self.can_post

    @property
    def can_see_path(self):
        return self.is_member or self.can_manage_path

    # --- discussions (forums) -------------------------------------------------------------
    # Each takes an already-loaded thread or post and costs no query.
    @property
    def can_post_announcement(self):
        return self.can_moderate and (self.can_post or self.is_staff)

    @property
    def can_watch(self):
        return bool(self.user.is_authenticated and self.can_view)

    can_see_hidden_posts = can_moderate
    can_see_edit_history = can_moderate

    def can_see(self, obj):
        """May this viewer see `obj` (a thread, post, hot seat, document, ...) now? No query."""
        from .readers import audience_of

        return audience_of(obj).admits(self)

    def _is_author(self, obj):
        return self.user.is_authenticated and obj.author_id == self.user.pk

    def can_view_thread(self, thread):
        return self.can_see(thread)

    def can_reply(self, thread):
        # Nobody replies to a thread held for approval: it is not public yet.
        return (
            (self.can_post or (self.is_staff and self.community.is_live))
            and (not thread.is_locked or self.can_moderate)
            and thread.held_at is None
        )

    def can_accept_answer(self, thread):
        return thread.kind == "question" and (
            self.can_moderate or (self.is_member and self._is_author(thread))
        )

    def can_edit_post(self, post):
        return (
            self.can_post
            and self._is_author(post)
            and post.deleted_at is None
            # Hidden by a facilitator: no; waiting for approval: yes (not once it was refused).
            and (post.hidden_at is None or (post.held_at is not None and post.rejected_at is None))
            and not post.thread.is_locked
        )

    def can_review_held(self, post):
        """Approve or refuse a post held for approval (facilitators and staff)."""
        return self.can_moderate and post.held_at is not None and post.rejected_at is None

    def can_delete_post(self, post):
        return self.is_member and self._is_author(post) and post.deleted_at is None and post.number > 1

    def can_mark_helpful(self, post):
        return self.is_member and not self._is_author(post)

    def can_react(self, post):
        """Reactions (agree, thanks, ...) follow the same rule as "Helpful"."""
        return self.can_mark_helpful(post)

    def can_flag(self, post):
        return self.is_member and not self._is_author(post)

    def can_vote(self, poll):
        return self.is_member and not poll.is_closed

    # --- the shared repertoire (documents, links, jobs, themes, meetings) -----------------
    can_upload_document = can_post
    can_add_link = can_post
    can_post_job = can_post
    can_rsvp = can_post
    can_manage_themes = can_moderate
    can_feature_article = can_moderate
    can_moderate_jobs = can_moderate
    can_remove_links = can_moderate
    can_schedule_meeting = can_moderate

    # --- surveys and quick polls (duck-typed: communities imports no other app) ----------
    can_run_surveys = can_moderate

    def can_answer_survey(self, survey):
        return self.is_member and survey.state == "open"

    def can_see_survey_results(self, survey):
        """Facilitators follow the answers as they come; members see them once it has closed."""
        return self.can_run_surveys or (self.can_view and survey.state == "closed")

    def can_vote_quick_poll(self, poll):
        return self.is_member and poll.is_open

    # --- the blog (duck-typed on the post: author_id, published_at) ---------------------
    @property
    def can_publish_blog(self):
        """Members, or only core members and facilitators, as the community chooses."""
        if not self.can_post:
            return False
        if self.community.blog_publishers == "members":
            return True
        return self.membership.role in ("core", "facilitator")

    def can_view_blog_post(self, post):
        if post.published_at is not None:
            return self.can_view
        return self.can_view and (self._is_author(post) or self.can_moderate)

    def can_edit_blog_post(self, post):
        return self.can_moderate or (self.can_post and self._is_author(post))

    can_feature_blog_post = can_moderate

    # --- the calendar --------------------------------------------------------------------
    @property
    def can_follow_events(self):
        """Ask for a reminder the day before a hot seat (meetings: by saying you will come)."""
        return self.is_member

    def can_edit_document(self, document):
        """Its uploader (while a member who may post) or a facilitator may add versions and edit it."""
        return self.can_moderate or (self.can_post and document.uploaded_by_id == self.user.pk)

    def can_post_meeting_notes(self, meeting):
        return self.can_moderate or (self.can_post and meeting.created_by_id == self.user.pk)

    # --- expert hot seats -----------------------------------------------------------------
    # The invited expert is a guest of a published hot seat's audience (readers.py): the only
    # door a non-member has into a closed community, and it opens on that one hot seat (and
    # its questions); get_community_for() still answers 404 to them everywhere else.
    can_ask_in_hotseat = can_post
    can_vote_in_hotseat = can_post

    def is_hotseat_expert(self, hotseat):
        return is_hotseat_expert(self.user, hotseat)

    def can_view_hotseat(self, hotseat):
        """Published hot seats: whoever may view the community, and the invited expert; drafts:
        facilitators and staff."""
        return self.can_see(hotseat)

    def can_answer_in_hotseat(self, hotseat):
        """Only the invited expert answers; facilitators edit and tidy questions, not answers."""
        return self.is_hotseat_expert(hotseat)

    def can_follow_up_in_hotseat(self, hotseat):
        return self.can_post or self.is_hotseat_expert(hotseat)

    def can_edit_hotseat_question(self, question):
        """Facilitators edit any question for clarity; members only their own."""
        if self.can_run_hotseat:
            return True
        return self.user.is_authenticated and question.author_id == self.user.pk and self.can_post


def access_for(user, community, membership=...):
    """Build the access object; looks the membership up (one query) unless it is given."""
    if membership is ...:
        membership = None
        if user.is_authenticated:
            membership = Membership.objects.filter(user=user, community=community).first()
    return CommunityAccess(user=user, community=community, membership=membership)


VIEWER_MEMBERSHIP = "viewer_membership"


def with_viewer_membership(queryset, user, path=""):
    """`queryset` that also brings the viewer's membership of the community at `path` (""
    for a queryset of communities, "community" for things in one), in the same query; read it
    back with `take_viewer_membership`."""
    if not user.is_authenticated:
        return queryset
    relation = f"{path}__memberships" if path else "memberships"
    return queryset.annotate(
        **{VIEWER_MEMBERSHIP: FilteredRelation(relation, condition=Q(**{f"{relation}__user": user}))}
    ).select_related(VIEWER_MEMBERSHIP)


def take_viewer_membership(obj, user, community):
    """The membership loaded by `with_viewer_membership` (None if there is none), taken off `obj`
    so that nothing about this viewer travels further with it (into a cache, say)."""
    membership = obj.__dict__.pop(VIEWER_MEMBERSHIP, None) if user.is_authenticated else None
    if membership is not None:
        membership.user, membership.community = user, community
    return membership


@functools.cache
def _standing_sql():
    """The community's row (but its long texts) and the viewer's membership of it, by slug."""
    qn = connection.ops.quote_name
    shown = [
        f"c.{qn(f.column)}" for f in Community._meta.concrete_fields if not isinstance(f, models.TextField)
    ]
    shown += [f"m.{qn(f.column)}" for f in Membership._meta.concrete_fields]
    community_id = qn(Membership._meta.get_field("community").column)
    user_id = qn(Membership._meta.get_field("user").column)
    return (
        f"SELECT {', '.join(shown)} FROM {qn(Community._meta.db_table)} c "  # noqa: S608 - our own names
        f"LEFT JOIN {qn(Membership._meta.db_table)} m ON m.{community_id} = c.{qn('id')} AND m.{user_id} = %s "
        f"WHERE c.{qn('slug')} = %s"
    )


def viewer_standing(user, slug):
    """Everything the policy reads about a signed-in viewer and a community, as one value (one
    query): a page cached for the viewer (cop_platform/pagecache.py) is served only while this
    is unchanged, so a membership ended or a role changed, even by a write that sends no signal,
    shows at once. (Plain SQL: it runs on every cached answer, and the ORM would take longer
    to build it than the database takes to answer.)"""
    with connection.cursor() as cursor:
        cursor.execute(_standing_sql(), [user.pk, slug])
        row = cursor.fetchone()
    return (user.pk, user.is_active, user.is_staff, user.is_superuser, row)


def get_community_for(user, slug):
    """Return (community, access) for a community page, or raise 404 if the user may not see it.
    One query: the community with the viewer's membership."""
    community = with_viewer_membership(Community.objects.filter(slug=slug), user).first()
    if community is None:
        raise Http404("No such community.")
    access = access_for(user, community, take_viewer_membership(community, user, community))
    if not access.can_view:
        raise Http404("No such community.")
    return community, access


def get_public_profile_for(user, slug):
    """Return (community, access) for the public profile of a community the user may not open.

    A closed community listed in the directory shows its name, purpose and "Ask to join" at its
    own address; every page of its content stays a 404. Anything unlisted raises 404 as before.
    """
    community = Community.objects.listed().filter(slug=slug).first()
    if community is None:
        raise Http404("No such community.")
    return community, access_for(user, community)


def get_dashboard_for(user, slug):
    """(community, access, as_sponsor) for the dashboard, or 404.

    Facilitators and staff see everything on it. A sponsor of the community sees its figures
    only (`as_sponsor` is True): never names, titles or links into content, and no community
    tabs, since a sponsor is not a member and may not read a closed community.
    """
    if not user.is_authenticated:
        raise Http404("No such community.")
    community = with_viewer_membership(Community.objects.filter(slug=slug), user).first()
    if community is None:
        raise Http404("No such community.")
    access = access_for(user, community, take_viewer_membership(community, user, community))
    if access.can_see_dashboard and access.can_view:
        return community, access, False
    if community.is_live and Sponsorship.objects.filter(community=community, user=user).exists():
        return community, access, True
    raise Http404("No such community.")


def can_manage_sponsors(user):
    return user.is_authenticated and user.is_staff


def can_review_proposals(user):
    return user.is_authenticated and user.is_staff


def can_propose_community(user):
    return user.is_authenticated


def mark_viewer_state(communities, user):
    """Set `my_state` and `show_counts` on each community of a page, with one query.

    Closed communities keep their member numbers to themselves: only members see them.
    """
    communities = list(communities)
    states = {}
    if user.is_authenticated and communities:
        states = dict(
            Membership.objects.filter(user=user, community__in=[c.pk for c in communities]).values_list(
                "community_id", "state"
            )
        )
    for community in communities:
        community.my_state = states.get(community.pk)
        community.show_counts = (
            community.is_open or community.my_state == Membership.State.ACTIVE or user.is_staff
        )
    return communities


# --- hot seats: module-level spellings of the CommunityAccess methods, kept for callers ------


def is_hotseat_expert(user, hotseat):
    """The user is the expert invited to `hotseat`."""
    return bool(user.is_authenticated and hotseat.expert_id is not None and hotseat.expert_id == user.pk)


def can_view_hotseat(access, hotseat):
    return access.can_view_hotseat(hotseat)


def can_ask_in_hotseat(access):
    return access.can_ask_in_hotseat


def can_vote_in_hotseat(access):
    return access.can_vote_in_hotseat


def can_answer_in_hotseat(access, hotseat):
    return access.can_answer_in_hotseat(hotseat)


def can_follow_up_in_hotseat(access, hotseat):
    return access.can_follow_up_in_hotseat(hotseat)


def can_edit_hotseat_question(access, question):
    return access.can_edit_hotseat_question(question)


def get_in_community(user, community_slug, queryset, /, **lookup):
    """(community, access, obj) for a page about one thing in a community, or 404.

    The community is checked first with the same rule as its home page, then the object is
    looked up inside it, so nothing of a closed community answers a non-member.
    """
    community, access = get_community_for(user, community_slug)
    obj = queryset.filter(community=community, **lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return community, access, obj
