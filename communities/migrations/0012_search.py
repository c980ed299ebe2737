"""Full-text search indexes for the repertoire (see communities/search.py and cop_platform/fulltext.py).

PostgreSQL: stored, weighted tsvector columns generated from the text (every write keeps them
current, bulk ones included) with GIN indexes. SQLite: FTS5 tables kept current by triggers.
The declarations are copied here, not imported, so that this migration keeps its meaning.
"""

from django.db import migrations

from cop_platform.fulltext import Index, migrate_backward, migrate_forward

INDEXES = [
    Index("communities_document", (("title", "A"), ("description", "B"))),
    Index("communities_documentversion", (("text", "C"),)),
    Index("communities_link", (("title", "A"), ("description", "B"), ("url", "D"))),
    Index("communities_meeting", (("title", "A"), ("agenda", "B"), ("notes", "B"))),
]


class Migration(migrations.Migration):
    dependencies = [("communities", "0011_watched_words")]

    operations = [migrations.RunPython(migrate_forward(INDEXES), migrate_backward(INDEXES))]
