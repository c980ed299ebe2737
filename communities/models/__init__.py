"""Models of the communities app, split by aggregate and re-exported here."""

from .articles import Article, ArticleQuerySet
from .calendar import EventFollow
from .community import (
    DEFAULT_WELCOME,
    Activity,
    ActivityQuerySet,
    Community,
    CommunityQuerySet,
    Membership,
    MembershipQuerySet,
    Presence,
)
from .craft import Invitation, InvitationQuerySet, Nudge, NudgeQuerySet
from .guests import MeetingGuest
from .insight import Badge, Sponsorship, Thanks
from .jobs import Job, JobQuerySet
from .links import Link, LinkQuerySet, web_url
from .meetings import Meeting, MeetingQuerySet, Rsvp
from .messaging import (
    MAX_PARTICIPANTS,
    Block,
    Conversation,
    Message,
    MessageReport,
    MessagingSettings,
    Participant,
    ParticipantQuerySet,
)
from .repository import Document, DocumentQuerySet, DocumentVersion, version_upload_to
from .stages import StageChange
from .themes import Theme, ThemeQuerySet
from .watched import WatchedWord

__all__ = [
    "MAX_PARTICIPANTS",
    "Block",
    "Conversation",
    "Invitation",
    "InvitationQuerySet",
    "Message",
    "MessageReport",
    "MessagingSettings",
    "Nudge",
    "NudgeQuerySet",
    "Participant",
    "ParticipantQuerySet",
    "DEFAULT_WELCOME",
    "Activity",
    "ActivityQuerySet",
    "Article",
    "ArticleQuerySet",
    "Badge",
    "StageChange",
    "Community",
    "CommunityQuerySet",
    "Document",
    "DocumentQuerySet",
    "EventFollow",
    "DocumentVersion",
    "Job",
    "JobQuerySet",
    "Link",
    "LinkQuerySet",
    "Meeting",
    "MeetingGuest",
    "MeetingQuerySet",
    "Membership",
    "MembershipQuerySet",
    "Presence",
    "Rsvp",
    "Sponsorship",
    "Thanks",
    "Theme",
    "ThemeQuerySet",
    "version_upload_to",
    "web_url",
    "WatchedWord",
]
