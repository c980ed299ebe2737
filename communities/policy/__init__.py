"""The one permission policy: who may see and do what, answered in one place.

- access.py: the predicates (`CommunityAccess`, built by `access_for`; `get_community_for` and
  `get_in_community` answer 404).
- readers.py: every object's audience, `readers_of(obj)` (the users who may see it now) and the
  registry content apps fill from their `AppConfig.ready()`.
- messaging.py: private messages (who may write to whom, staff reading reports).
- querysets.py: the queryset builders (`visible_communities`, `restrict`, ...) behind every
  model's `visible_to(user)`.
"""

from .access import (
    CommunityAccess,
    access_for,
    can_answer_in_hotseat,
    can_ask_in_hotseat,
    can_edit_hotseat_question,
    can_follow_up_in_hotseat,
    can_manage_sponsors,
    can_propose_community,
    can_review_proposals,
    can_view_hotseat,
    can_vote_in_hotseat,
    get_community_for,
    get_dashboard_for,
    get_in_community,
    get_public_profile_for,
    is_hotseat_expert,
    mark_viewer_state,
    take_viewer_membership,
    viewer_standing,
    with_viewer_membership,
)
from .messaging import can_read_reports, facilitated_community, may_write_to, message_refusals
from .people import can_see_last_active, can_see_profile, people_visible_to
from .querysets import (
    community_moderators,
    community_readers,
    moderated_communities,
    read_once,
    restrict,
    visible_communities,
)
from .readers import EVERYONE, MODERATORS, NOBODY, Audience, audience_of, in_community, readers_of, register

__all__ = [
    "can_see_last_active",
    "can_see_profile",
    "people_visible_to",
    "EVERYONE",
    "MODERATORS",
    "NOBODY",
    "Audience",
    "CommunityAccess",
    "access_for",
    "audience_of",
    "can_answer_in_hotseat",
    "can_ask_in_hotseat",
    "can_read_reports",
    "can_edit_hotseat_question",
    "can_follow_up_in_hotseat",
    "can_propose_community",
    "can_review_proposals",
    "can_view_hotseat",
    "can_manage_sponsors",
    "can_vote_in_hotseat",
    "community_moderators",
    "community_readers",
    "facilitated_community",
    "get_community_for",
    "get_dashboard_for",
    "get_in_community",
    "get_public_profile_for",
    "in_community",
    "is_hotseat_expert",
    "mark_viewer_state",
    "may_write_to",
    "message_refusals",
    "moderated_communities",
    "readers_of",
    "register",
    "read_once",
    "restrict",
    "visible_communities",
    "take_viewer_membership",
    "viewer_standing",
    "with_viewer_membership",
]
