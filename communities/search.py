"""Search over the shared repertoire: documents (with the words inside PDF and Word files),
links and meeting notes, filtered by the same visibility rule as the pages.

`search_repertoire(user, q, community=None)` is what a site-wide search page calls too.
It uses case-insensitive containment, which works the same on SQLite and PostgreSQL; with
the sizes a community library reaches (hundreds of documents) it answers in milliseconds.
PostgreSQL full-text ranking is a later step (see docs/repertoire.md).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .models import Document, DocumentVersion, Link, Meeting

LIMIT = 20


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
    documents = (
        documents.filter(Q(title__icontains=q) | Q(description__icontains=q) | tagged | in_versions)
        .select_related("community", "current_version")
        .distinct()
        .order_by("-updated_at")[:limit]
    )
    links = (
        links.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(url__icontains=q) | tagged)
        .select_related("community")
        .distinct()
        .order_by("title")[:limit]
    )
    meetings = (
        meetings.filter(Q(title__icontains=q) | Q(agenda__icontains=q) | Q(notes__icontains=q))
        .select_related("community")
        .order_by("-starts_at")[:limit]
    )
    return Results(list(documents), list(links), list(meetings))
