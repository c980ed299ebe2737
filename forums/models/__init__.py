"""Discussion models, split by aggregate (shared/STYLE.md #2): threads (threads, posts, polls,
flags, watches, moderation), blog, personal (reactions, bookmarks, drafts, images), surveys.
Import them from here: `from forums.models import Thread`."""

from .blog import BlogPost, BlogPostQuerySet
from .personal import Bookmark, Draft, PostImage, Reaction, image_path
from .surveys import (
    QuickPoll,
    QuickPollVoter,
    Survey,
    SurveyAnswer,
    SurveyParticipant,
    SurveyQuerySet,
    SurveyQuestion,
    SurveyResponse,
    SurveyTheme,
)
from .threads import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    CommunityWatch,
    Flag,
    Helpful,
    ModerationAction,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostQuerySet,
    PostRevision,
    ReadState,
    Thread,
    ThreadQuerySet,
    ThreadWatch,
)

__all__ = [
    "POSTS_PER_PAGE", "THREADS_PER_PAGE", "BlogPost", "BlogPostQuerySet", "Bookmark", "CommunityWatch",
    "Draft", "Flag", "Helpful", "ModerationAction", "Poll", "PollOption", "PollVote", "Post", "PostImage",
    "PostQuerySet", "PostRevision", "QuickPoll", "QuickPollVoter", "Reaction", "ReadState", "Survey",
    "SurveyAnswer", "SurveyParticipant", "SurveyQuerySet", "SurveyQuestion", "SurveyResponse", "SurveyTheme",
    "Thread", "ThreadQuerySet", "ThreadWatch", "image_path",
]  # fmt: skip
