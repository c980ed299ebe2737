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
from .insight import Badge, Sponsorship, Thanks
from .jobs import Job, JobQuerySet
from .links import Link, LinkQuerySet, web_url
from .meetings import Meeting, MeetingQuerySet, Rsvp
from .repository import Document, DocumentQuerySet, DocumentVersion, version_upload_to
from .themes import Theme, ThemeQuerySet

__all__ = [
    "DEFAULT_WELCOME",
    "Activity",
    "ActivityQuerySet",
    "Article",
    "Badge",
    "ArticleQuerySet",
    "Community",
    "CommunityQuerySet",
    "Document",
    "EventFollow",
    "DocumentQuerySet",
    "DocumentVersion",
    "Job",
    "JobQuerySet",
    "Link",
    "LinkQuerySet",
    "Meeting",
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
]
