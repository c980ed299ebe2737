"""The site-wide search (`/search/`): discussions, documents, links, meetings and hot seat
questions in one place, each from its own app's search and `visible_to` rule, so nothing a
member may not see is searched.

Every source matches words (not substrings) through a stored index (`cop_platform.fulltext`),
ranks in the database and highlights only the rows shown. Filters: the kind of thing and the
community; the discussions' own page adds author, dates, kind of thread and solved.
"""

from communities.models import Community
from communities.policy import read_once
from communities.repertoire.search import search_documents, search_links, search_meetings
from forums import search as discussions
from hotseats import search as hotseat_questions

KINDS = [
    ("", "Everything"),
    ("discussions", "Discussions"),
    ("documents", "Documents"),
    ("links", "Links"),
    ("meetings", "Meetings"),
    ("questions", "Hot seat questions"),
]
SECTION_SIZE = 6  # of each kind, when searching everything
KIND_SIZE = 20  # when searching one kind


def kind_from(value):
    """The kind asked for, or "" (everything) for anything else."""
    return value if value in dict(KINDS) else ""


def communities_for(user):
    """The communities whose content `user` may search, for the filter."""
    return Community.objects.visible_to(user).filter(status__in=Community.LIVE_STATUSES).order_by("name")


def search(user, q, *, kind="", community=None):
    """{"threads", "more_threads", "documents", "links", "meetings", "questions", "count"}."""
    size = KIND_SIZE if kind else SECTION_SIZE

    def wanted(name):
        return not kind or kind == name

    with read_once(user):  # who may see what: read once for the five sources
        found = discussions.Results()
        if wanted("discussions"):
            found = discussions.search(user, q, discussions.Filters(community=community), per_page=size)
        results = {
            "threads": found.hits,
            "more_threads": found.count > len(found.hits),
            "documents": search_documents(user, q, community, size) if wanted("documents") else [],
            "links": search_links(user, q, community, size) if wanted("links") else [],
            "meetings": search_meetings(user, q, community, size) if wanted("meetings") else [],
            "questions": hotseat_questions.search(user, q, community=community, limit=size)
            if wanted("questions")
            else [],
        }
    results["count"] = found.count + sum(
        len(results[name]) for name in ("documents", "links", "meetings", "questions")
    )
    return results
