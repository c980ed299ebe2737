"""Full-text search index for hot seat questions and answers (see hotseats/search.py).

PostgreSQL: a stored, weighted tsvector column (question 'A', answer 'B') with a GIN index;
SQLite: an FTS5 table kept current by triggers. The declaration is copied here, not imported.
"""

from django.db import migrations

from cop_platform.fulltext import Index, migrate_backward, migrate_forward

INDEXES = [Index("hotseats_question", (("body", "A"), ("answer", "B")))]


class Migration(migrations.Migration):
    dependencies = [("hotseats", "0002_hotseat_tags")]

    operations = [migrations.RunPython(migrate_forward(INDEXES), migrate_backward(INDEXES))]
