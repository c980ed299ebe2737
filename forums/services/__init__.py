"""Every change to discussions goes through these functions.

Each checks the policy, owns its transaction (locking the thread row where post numbers or
counters change), records the activity log and sends forums.signals for newsletters. A refused
change raises ForumError whose message is shown to the member as it is.

Split by aggregate: posting (threads, posts, polls), following (watches, reading,
recipients), moderation (flags and facilitators' tools), review (the approval queue). Everything is re-exported here.
"""

from .errors import ForumError
from .following import (
    mark_read,
    set_community_watch,
    set_thread_watch,
)
from .moderation import (
    dismiss_flags,
    flag_post,
    hide_post,
    move_targets,
    move_thread,
    restore_post,
    set_locked,
    set_pinned,
)
from .posting import (
    accept_answer,
    check_links,
    count_links,
    delete_post,
    edit_post,
    find_mentions,
    is_new_account,
    post_reply,
    start_thread,
    themes_for,
    toggle_helpful,
    vote,
)
from .review import approve_post, held_posts, reject_post

__all__ = [
    "ForumError",
    "accept_answer",
    "approve_post",
    "held_posts",
    "reject_post",
    "check_links",
    "count_links",
    "delete_post",
    "dismiss_flags",
    "edit_post",
    "find_mentions",
    "flag_post",
    "hide_post",
    "is_new_account",
    "mark_read",
    "move_targets",
    "move_thread",
    "post_reply",
    "restore_post",
    "set_community_watch",
    "set_locked",
    "set_pinned",
    "set_thread_watch",
    "start_thread",
    "themes_for",
    "toggle_helpful",
    "vote",
]
