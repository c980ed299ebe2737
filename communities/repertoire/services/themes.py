"""Themes (a period with a title) and what is attached to them."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ... import activity
from ...models import Theme
from ...policy import access_for
from ...services import CommunityError

RESERVED_THEME_SLUGS = {"new"}


# --- themes -------------------------------------------------------------------------------


def _theme_slug(community, title, exclude_pk=None):
    base = slugify(title)[:70] or "theme"
    if base in RESERVED_THEME_SLUGS:
        base = f"{base}-theme"
    slug, n = base, 2
    taken = Theme.objects.filter(community=community).exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_dates(starts_on, ends_on):
    if ends_on < starts_on:
        raise CommunityError("The theme must end on or after the day it starts.")
    if ends_on - starts_on > datetime.timedelta(days=366):
        raise CommunityError("A theme runs for a period of up to a year. Please choose an earlier end date.")


def create_theme(user, community, *, title, starts_on, ends_on, description=""):
    """Start (or schedule) a theme: a focus on one topic for a period."""
    if not access_for(user, community).can_manage_themes:
        raise CommunityError("Only facilitators can run themes.")
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        theme = Theme.objects.create(
            community=community, title=title.strip(), slug=_theme_slug(community, title),
            description=description, starts_on=starts_on, ends_on=ends_on, created_by=user,
        )  # fmt: skip
        theme.community = community
        if ends_on < timezone.localdate():
            return theme  # recording a past theme for the archive is not news
        activity.record(
            community, user, "theme.started",
            f"New theme: {theme.title} ({starts_on:%-d %b} to {ends_on:%-d %b %Y})",
            url=theme.get_absolute_url(), target=theme,
        )  # fmt: skip
    return theme


def update_theme(user, theme, *, title, starts_on, ends_on, description=""):
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can edit themes.")
    _check_dates(starts_on, ends_on)
    theme.title, theme.starts_on, theme.ends_on, theme.description = (
        title.strip(),
        starts_on,
        ends_on,
        description,
    )
    theme.save()
    return theme


def attach_document(user, theme, document, *, attach=True):
    """Attach a library document to a theme (or take it off)."""
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can attach documents to a theme.")
    if document.community_id != theme.community_id:
        raise CommunityError("That document belongs to another community.")
    document.theme = theme if attach else None
    document.save(update_fields=["theme"])
    return document


def attach_meeting(user, theme, meeting, *, attach=True):
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can attach meetings to a theme.")
    if meeting.community_id != theme.community_id:
        raise CommunityError("That meeting belongs to another community.")
    meeting.theme = theme if attach else None
    meeting.save(update_fields=["theme"])
    return meeting
