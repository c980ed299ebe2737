"""Hot seat pages, split by what they act on: hotseats (list, create, edit, state changes, the
hot seat page, transcript, the expert's invitation, calendars) and questions (vote, edit, hide,
merge, answer, follow up). `urls.py` imports them from here."""

from .hotseats import (
    feed,
    hotseat_close,
    hotseat_create,
    hotseat_detail,
    hotseat_edit,
    hotseat_extend,
    hotseat_ics,
    hotseat_list,
    hotseat_open,
    hotseat_resend_invitation,
    hotseat_schedule,
    invitation,
    member_feed,
    transcript,
)
from .questions import (
    question_answer,
    question_edit,
    question_follow_up,
    question_hide,
    question_merge,
    question_vote,
)

__all__ = [
    "feed", "hotseat_close", "hotseat_create", "hotseat_detail", "hotseat_edit", "hotseat_extend",
    "hotseat_ics", "hotseat_list", "hotseat_open", "hotseat_resend_invitation", "hotseat_schedule",
    "invitation", "member_feed", "question_answer", "question_edit", "question_follow_up", "question_hide",
    "question_merge", "question_vote", "transcript",
]  # fmt: skip
