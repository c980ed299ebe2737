"""Events newsletters turns into notifications and e-mail; forums imports no receiver.

Signals are sent inside the service's transaction, after the change is saved, so a receiver
that enqueues a task must use `delay_on_commit`.
"""

from django.dispatch import Signal

# thread: a new Thread (its opening post exists). Watchers of the community hear of it.
thread_created = Signal()
# post: a new reply; mentioned: list of users @mentioned in it (active members of the community,
# never the author).
post_created = Signal()
# post: an existing post whose edit added @mentions; mentioned: only the newly mentioned users.
post_mentioned = Signal()
# thread, post: the accepted answer; accepted_by: who accepted it.
answer_accepted = Signal()
# user, thread, number: the member's read marker moved forward to post `number` (they read it).
thread_read = Signal()
# survey, reminder: a facilitator asked to e-mail the members (reminder=False) or to remind
# those who have not answered yet (reminder=True). Each happens at most once per survey.
survey_invitations = Signal()
# post: a BlogPost just published (its comments thread exists).
blog_published = Signal()
# post: a post that was held for approval; approved: True (now public) or False (refused, with
# post.review_note); reviewer: the facilitator. Its author is told either way.
post_reviewed = Signal()
# post: a post just held for a facilitator's approval (new, or after an edit). The community's
# facilitators hear of it; nobody else does until it is approved.
post_held = Signal()
