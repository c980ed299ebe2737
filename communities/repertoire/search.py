"""Search over the shared repertoire: documents (with the words inside PDF and Word files),
links and meetings (agenda and notes), filtered by the same visibility rule as the pages.

Words, not substrings, on both backends (`cop_platform.fulltext`): PostgreSQL reads stored,
weighted `search_vector` columns through GIN indexes (communities migration 0012_search), SQLite FTS5 tables
kept by triggers. A title weighs most ('A'), then the description, agenda or notes ('B'), then
a document's extracted text ('C'), then a link's address ('D').

`search_repertoire(user, q, community=None, limit=LIMIT)` is what the library's search page and
the site-wide search call: up to `limit` of each kind, best first, each with `title_parts` and
`snippet_parts` ([(text, highlighted)], escaped by the template one by one). Three queries
whatever the number of matches: the ranking is done by the database and only the rows shown are
read for highlighting.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce

from cop_platform import fulltext
from cop_platform.fulltext import Index

from ..models import Document, Link, Meeting

LIMIT = 20

DOCUMENTS = Index("communities_document", (("title", "A"), ("description", "B")))
VERSIONS = Index("communities_documentversion", (("text", "C"),))
LINKS = Index("communities_link", (("title", "A"), ("description", "B"), ("url", "D")))
MEETINGS = Index("communities_meeting", (("title", "A"), ("agenda", "B"), ("notes", "B")))
INDEXES = [DOCUMENTS, VERSIONS, LINKS, MEETINGS]


@dataclass
class Results:
    documents: list
    links: list
    meetings: list

    @property
    def count(self):
        return len(self.documents) + len(self.links) + len(self.meetings)


CURRENT_VERSION = "communities_document.current_version_id"


def _mark(objects, title_field, snippet_fields, plain_field):
    for obj in objects:
        obj.title_parts = fulltext.parts(getattr(obj, f"{title_field}_marked") or getattr(obj, title_field))
        for name in snippet_fields:
            text = getattr(obj, f"{name}_marked", None)
            if fulltext.has_mark(text):
                obj.snippet_parts = fulltext.parts(text)
                break
        else:
            obj.snippet_parts = (
                fulltext.plain(getattr(obj, plain_field), 30) if getattr(obj, plain_field) else []
            )
    return objects


def search_documents(user, q, community=None, limit=LIMIT):
    documents = Document.objects.visible_to(user)
    if community is not None:
        documents = documents.filter(community=community)
    tagged = Document.objects.filter(tags__name__iexact=q).values("pk")
    in_text = fulltext.match_sql(VERSIONS, q, row=CURRENT_VERSION)
    match = Q(fulltext.match_sql(DOCUMENTS, q)) | Q(in_text) | Q(pk__in=tagged)
    found = (
        documents.filter(match)
        .annotate(
            rank=Coalesce(fulltext.rank_sql(DOCUMENTS, q), 0.0)
            + Coalesce(fulltext.rank_sql(VERSIONS, q, row=CURRENT_VERSION), 0.0),
            title_marked=fulltext.marked(DOCUMENTS, "title", q, whole=True),
            description_marked=fulltext.marked(DOCUMENTS, "description", q),
            text_marked=fulltext.marked(VERSIONS, "text", q, row=CURRENT_VERSION),
        )
        .select_related("community", "current_version")
        .order_by("-rank", "-updated_at", "-pk")[:limit]
    )
    return _mark(list(found), "title", ("description", "text"), "description")


def search_links(user, q, community=None, limit=LIMIT):
    links = Link.objects.visible_to(user)
    if community is not None:
        links = links.filter(community=community)
    tagged = Link.objects.filter(tags__name__iexact=q).values("pk")
    found = (
        links.filter(Q(fulltext.match_sql(LINKS, q)) | Q(pk__in=tagged))
        .annotate(
            rank=Coalesce(fulltext.rank_sql(LINKS, q), 0.0),
            title_marked=fulltext.marked(LINKS, "title", q, whole=True),
            description_marked=fulltext.marked(LINKS, "description", q, whole=True),
        )
        .select_related("community")
        .order_by("-rank", "title", "pk")[:limit]
    )
    return _mark(list(found), "title", ("description",), "description")


def search_meetings(user, q, community=None, limit=LIMIT):
    meetings = Meeting.objects.visible_to(user)
    if community is not None:
        meetings = meetings.filter(community=community)
    found = (
        fulltext.matching(meetings, MEETINGS, q)
        .annotate(
            title_marked=fulltext.marked(MEETINGS, "title", q, whole=True),
            notes_marked=fulltext.marked(MEETINGS, "notes", q),
            agenda_marked=fulltext.marked(MEETINGS, "agenda", q),
        )
        .select_related("community")
        .order_by("-rank", "-starts_at", "-pk")[:limit]
    )
    return _mark(list(found), "title", ("notes", "agenda"), "agenda")


def search_repertoire(user, q, community=None, limit=LIMIT):
    """Up to `limit` documents, links and meetings matching `q` that `user` may see (3 queries)."""
    q = (q or "").strip()
    if not fulltext.words(q):
        return Results([], [], [])
    return Results(
        search_documents(user, q, community, limit),
        search_links(user, q, community, limit),
        search_meetings(user, q, community, limit),
    )
