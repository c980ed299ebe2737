"""Every change to a hot seat goes through these functions, split by aggregate: scheduling (the
hot seat, its expert, opening and closing), questions (ask, vote, edit, hide, merge), answers
(the expert's answers, follow-ups). Import them from here: `from hotseats import services`.

Each checks the policy, owns its transaction and raises HotSeatError with a message fit to
show the person who asked. Opening and closing on time is `advance_due()`, run by the beat
task; it claims each transition with a conditional UPDATE, so running it twice is harmless.
"""

from .answers import answer_question, follow_up
from .questions import ask_question, edit_question, hide_question, merge_question, vote, withdraw_vote
from .scheduling import (
    DEFAULT_LENGTH,
    HotSeatError,
    accept_invitation,
    advance_due,
    claim_invitations,
    close_early,
    create_hotseat,
    extend,
    open_early,
    resend_invitation,
    schedule_hotseat,
    update_hotseat,
)

__all__ = [
    "DEFAULT_LENGTH", "HotSeatError", "accept_invitation", "advance_due", "answer_question", "ask_question",
    "claim_invitations", "close_early", "create_hotseat", "edit_question", "extend", "follow_up",
    "hide_question", "merge_question", "open_early", "resend_invitation", "schedule_hotseat",
    "update_hotseat", "vote", "withdraw_vote",
]  # fmt: skip
