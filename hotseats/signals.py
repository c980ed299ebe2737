"""Hot-seat events; newsletters turns them into notifications and e-mail (newsletters/sources/hotseats/receivers.py).

Each is sent inside the service's transaction, after the change is saved: receivers enqueue
their work with `delay_on_commit`.
"""

from django.dispatch import Signal

# hotseat: just scheduled (members are told it is coming); actor: who scheduled it.
hotseat_scheduled = Signal()
# hotseat: just opened for questions; actor: the facilitator who opened it early, or None (beat).
hotseat_opened = Signal()
# hotseat: just closed; actor: who closed it early, or None (beat).
hotseat_closed = Signal()
# hotseat: the expert's e-mail has no account yet; they need an invitation to sign up.
expert_invited = Signal()
# hotseat: an existing account was made the expert.
expert_assigned = Signal()
# question: answered for the first time (askers and voters are told).
question_answered = Signal()
# follow_up: a follow-up under an answer (the expert hears of members' ones, the asker of the expert's).
follow_up_posted = Signal()
