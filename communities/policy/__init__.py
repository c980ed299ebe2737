"""The one permission policy: every "may this user ...?" question is answered here.

See access.py (predicates on an already-loaded membership, 404 helpers).
"""

from .access import (  # noqa: F401 - the policy's public names, importable from communities.policy
    CommunityAccess,
    access_for,
    can_answer_in_hotseat,
    can_ask_in_hotseat,
    can_edit_hotseat_question,
    can_follow_up_in_hotseat,
    can_propose_community,
    can_review_proposals,
    can_view_hotseat,
    can_vote_in_hotseat,
    get_community_for,
    get_in_community,
    is_hotseat_expert,
    mark_viewer_state,
    visible_communities,
)
