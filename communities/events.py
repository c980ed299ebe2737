"""The registry of activity verbs: every event the platform records, with what it means.

Each app declares its verbs in `<app>/events.py`, imported from its `AppConfig.ready()`::

    THREAD_CREATED = events.register("thread.created", "started a discussion")

`communities.activity.record()` refuses a verb nobody registered (`UnknownVerb`), and a system
check (`manage.py check`, run by every test session and deploy) fails on a verb registered
without a description and on a verb that a reader (dashboard, digest, notification rule)
`expect()`s but nothing registers. So the activity log, notifications, digests and dashboards
share one vocabulary, and a new content type plugs in by registering its verbs once.

Verbs read `<noun>.<event>`; descriptions are short predicates ("started a discussion") that
read well after a member's name.
"""

import re

from django.core import checks

VERB_FORMAT = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
_verbs = {}
_expected = {}


class UnknownVerb(LookupError):
    """Recording an event whose verb no app registered."""


def register(verb, description):
    """Declare `verb` with its human description; returns the verb, to keep as a constant."""
    if not VERB_FORMAT.match(verb):
        raise ValueError(f"Activity verbs read '<noun>.<event>' in lower case, not {verb!r}.")
    _verbs[verb] = description
    return verb


def expect(verb, by):
    """A reader (`by`, e.g. "communities.engagement") relies on `verb`: checked at start-up."""
    _expected.setdefault(verb, set()).add(by)
    return verb


def describe(verb):
    """The description of `verb`; raises UnknownVerb for one nobody registered."""
    try:
        return _verbs[verb]
    except KeyError:
        raise UnknownVerb(f"Unknown activity verb {verb!r}: register it in your app's events.py.") from None


def is_registered(verb):
    return verb in _verbs


def registered():
    """{verb: description} of every registered verb."""
    return dict(_verbs)


@checks.register(checks.Tags.models)
def check_verbs(app_configs=None, **kwargs):
    errors = []
    for verb, description in sorted(_verbs.items()):
        if not isinstance(description, str) or not description.strip():
            errors.append(
                checks.Error(
                    f"Activity verb {verb!r} is registered without a description.",
                    hint="Pass a short description: events.register(verb, 'started a discussion').",
                    id="communities.E001",
                )
            )
    for verb, readers in sorted(_expected.items()):
        if verb not in _verbs:
            errors.append(
                checks.Error(
                    f"Activity verb {verb!r} is read by {', '.join(sorted(readers))} but nothing registers it.",
                    hint="Register it in the events.py of the app that records it.",
                    id="communities.E002",
                )
            )
    return errors


# --- the communities app's own verbs -----------------------------------------------------------

COMMUNITY_APPROVED = register("community.approved", "had the community approved")
MEMBER_JOINED = register("member.joined", "joined the community")
MEMBER_FACILITATOR = register("member.facilitator", "became a facilitator")
DOCUMENT_UPLOADED = register("document.uploaded", "shared a document")
DOCUMENT_VERSIONED = register("document.versioned", "added a new version of a document")
LINK_ADDED = register("link.added", "added a link")
JOB_POSTED = register("job.posted", "posted a job advert")
ARTICLE_FEATURED = register("article.featured", "featured the article of the month")
THEME_STARTED = register("theme.started", "started a theme")
MEETING_SCHEDULED = register("meeting.scheduled", "scheduled a meeting")
MEETING_NOTES = register("meeting.notes", "posted meeting notes")
COMMUNITY_DORMANT = register("community.dormant", "marked the community dormant")
COMMUNITY_ARCHIVED = register("community.archived", "archived the community")
COMMUNITY_REOPENED = register("community.reopened", "reopened the community")
MEMBER_STAGE_CHANGED = register("member.stage_changed", "moved along the participation path")
