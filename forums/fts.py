"""SQLite full-text tables for discussions (FTS5, Porter stemming), kept current by triggers.

Created by migration 0004_search and checked again after every `migrate`: Django rebuilds a
SQLite table to alter it, which drops its triggers, so `ensure_sqlite_fts` recreates whatever is
missing and then rebuilds the index from the tables. PostgreSQL uses generated tsvector columns
instead (see the migration).
"""

TABLES = [("forums_post", "body"), ("forums_thread", "title")]


# Table and column names below are the constants of TABLES, never user input.
def _statements(table, column):
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def ensure_sqlite_fts(connection):
    """Create the FTS tables and triggers that are missing; rebuild an index that lost one."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for table, column in TABLES:
            fts = f"{table}_fts"
            if table not in present:
                continue
            wanted = {fts, f"{fts}_insert", f"{fts}_delete", f"{fts}_update"}
            if wanted <= present:
                continue
            for sql in _statements(table, column):
                cursor.execute(sql)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608 - constant names


def drop_sqlite_fts(connection):
    with connection.cursor() as cursor:
        for table, _column in TABLES:
            fts = f"{table}_fts"
            for trigger in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")
