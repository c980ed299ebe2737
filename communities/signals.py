"""Events other apps react to (newsletters sends the e-mail); communities imports none of them.

Each signal is sent after the change is saved, inside the service's transaction, so a
receiver that enqueues a task must use `delay_on_commit`.
"""

from django.dispatch import Signal

# membership: Membership that just became active; welcomed_by: the facilitator who signs the
# welcome (None when the member founded the community and needs no welcome).
membership_activated = Signal()
# membership: a new pending request to join a closed community.
membership_requested = Signal()
# membership: a request that was just approved or declined; approved: bool.
membership_decided = Signal()
# community: a proposal that staff just approved or rejected; approved: bool.
community_decided = Signal()
# community: a new proposal waiting for review.
community_proposed = Signal()
# membership: whose path stage a facilitator just changed; moved_by: the facilitator; note: their
# personal note (may be empty); stage_name: the new stage's name in this community.
stage_changed = Signal()
# message: a new private Message; recipients: the users to tell (never its author).
message_sent = Signal()
# invitation: an Invitation to (re)send by e-mail; number: which sending this is (1, 2, ...).
invitation_sent = Signal()
# invitations: Invitations created together (one form), to send by e-mail as one batch; number: 1.
invitations_sent = Signal()
# community: staff warned its facilitators it will be marked dormant; by: the admin.
dormancy_warned = Signal()
# community: an active community whose facilitators have all gone quiet (or that has none);
# last_seen: when a facilitator last did anything there (None if never).
facilitator_lost = Signal()
# badge_ids: badges the beat just awarded (communities.recognition.award_badges), after commit.
badges_awarded = Signal()
# thanks: a facilitator's public Thanks just given to thanks.user.
thanks_given = Signal()
