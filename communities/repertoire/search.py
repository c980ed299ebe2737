"""Search over the shared repertoire: documents (with the words inside PDF and Word files),
links and meeting notes, filtered by the same visibility rule as the pages.

`search_repertoire(user, q, community=None)` is what a site-wide search page calls too.
Everywhere it matches by case-insensitive containment; on PostgreSQL it also uses full-text
search (English stemming, words in any order). Results are newest first, not ranked; a GIN
index and ranking are the next step if libraries grow past a few thousand documents.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from ..models import Document, DocumentVersion, Link, Meeting

LIMIT = 20


def _fulltext_query(q):
    if connection.vendor != "postgresql":
        return None
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(q, search_type="websearch", config="english")


@dataclass
class Results:
    documents: list
    links: list
    meetings: list

    @property
    def count(self):
        return len(self.documents) + len(self.links) + len(self.meetings)


def search_repertoire(user, q, community=None, limit=LIMIT):
    """Up to `limit` documents, links and meetings matching `q` that `user` may see (3 queries)."""
    q = (q or "").strip()
    if not q:
        return Results([], [], [])
    documents = Document.objects.visible_to(user)
    links = Link.objects.visible_to(user)
    meetings = Meeting.objects.visible_to(user)
    if community is not None:
        documents = documents.filter(community=community)
        links = links.filter(community=community)
        meetings = meetings.filter(community=community)
    in_versions = Exists(DocumentVersion.objects.filter(document=OuterRef("pk"), text__icontains=q))
    tagged = Q(tags__name__iexact=q)
    document_match = Q(title__icontains=q) | Q(description__icontains=q) | tagged | in_versions
    link_match = Q(title__icontains=q) | Q(description__icontains=q) | Q(url__icontains=q) | tagged
    meeting_match = Q(title__icontains=q) | Q(agenda__icontains=q) | Q(notes__icontains=q)
    fulltext = _fulltext_query(q)
    if fulltext is not None:
        # On PostgreSQL, also match words in any order and form ("benefit owners" finds "owner of
        # the benefits"), with English stemming. Containment above still catches partial words.
        from django.contrib.postgres.search import SearchVector

        def matching(model, *fields, key="pk"):
            vector = SearchVector(*fields, config="english")
            return model.objects.annotate(fts=vector).filter(fts=fulltext).values(key)

        document_match |= Q(pk__in=matching(Document, "title", "description"))
        document_match |= Q(pk__in=matching(DocumentVersion, "text", key="document_id"))
        link_match |= Q(pk__in=matching(Link, "title", "description"))
        meeting_match |= Q(pk__in=matching(Meeting, "title", "agenda", "notes"))
    documents = (
        documents.filter(document_match)
        .select_related("community", "current_version")
        .distinct()
        .order_by("-updated_at")[:limit]
    )
    links = links.filter(link_match).select_related("community").distinct().order_by("title")[:limit]
    meetings = meetings.filter(meeting_match).select_related("community").order_by("-starts_at")[:limit]
    return Results(list(documents), list(links), list(meetings))
