"""Discussion forms, split by aggregate: threads (threads, replies, edits, flags, moves, list
filters, search), blog, surveys. Import them from here: `from forums.forms import ThreadForm`."""

from .blog import BlogPostForm, CommentForm
from .surveys import QuestionForm, QuickPollForm, SurveyForm, answer_fields
from .threads import (
    EditPostForm,
    FlagForm,
    ListFilterForm,
    MoveForm,
    RejectForm,
    ReplyForm,
    SearchForm,
    ThreadForm,
)

__all__ = [
    "BlogPostForm", "CommentForm", "EditPostForm", "FlagForm", "ListFilterForm", "MoveForm", "QuestionForm",
    "QuickPollForm", "RejectForm", "ReplyForm", "SearchForm", "SurveyForm", "ThreadForm", "answer_fields",
]  # fmt: skip
