"""Discussion pages, split by what they act on; URLs and apps.py import them from here."""

from .moderation import (
    approve,
    dismiss,
    flags,
    hide,
    moderation_log,
    queue,
    reject,
    thread_moderate,
    thread_move,
)
from .posts import accept, flag, helpful, post_delete, post_edit, post_history, thank
from .search import search
from .threads import (
    home_panel,
    my_questions,
    poll_vote,
    reply,
    similar,
    theme_section,
    thread_create,
    thread_detail,
    thread_list,
    watch_community,
    watch_thread,
)

__all__ = [
    "accept", "approve", "queue", "reject", "dismiss", "flag", "flags", "helpful", "thank", "hide", "home_panel", "moderation_log",
    "my_questions", "poll_vote", "post_delete", "post_edit", "post_history", "reply", "search",
    "similar", "theme_section", "thread_create", "thread_detail", "thread_list", "thread_move",
    "thread_moderate", "watch_community", "watch_thread",
]  # fmt: skip
