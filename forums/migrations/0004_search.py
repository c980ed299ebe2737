"""Full-text search indexes for discussions (see forums/search.py).

PostgreSQL: stored tsvector columns generated from the text (every insert and update, bulk ones
included, keeps them current) and GIN indexes. SQLite: FTS5 tables kept current by triggers.
Neither is part of the Django models: only forums/search.py reads them.
"""

from django.db import migrations

POSTGRES = [
    (
        "ALTER TABLE forums_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('english'::regconfig, coalesce(body, ''))) STORED",
        "ALTER TABLE forums_post DROP COLUMN search_vector",
    ),
    (
        "CREATE INDEX forums_post_search ON forums_post USING gin (search_vector)",
        "DROP INDEX IF EXISTS forums_post_search",
    ),
    (
        "ALTER TABLE forums_thread ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')) STORED",
        "ALTER TABLE forums_thread DROP COLUMN search_vector",
    ),
    (
        "CREATE INDEX forums_thread_search ON forums_thread USING gin (search_vector)",
        "DROP INDEX IF EXISTS forums_thread_search",
    ),
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql, _ in POSTGRES:
            schema_editor.execute(sql)
    else:
        from forums.fts import ensure_sqlite_fts

        ensure_sqlite_fts(connection)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for _, sql in reversed(POSTGRES):
            schema_editor.execute(sql)
    else:
        from forums.fts import drop_sqlite_fts

        drop_sqlite_fts(connection)


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_blog")]

    operations = [migrations.RunPython(forward, backward)]
