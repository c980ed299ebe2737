"""Full-text indexes shared by every app that searches: words, not substrings, on both backends.

An `Index` names a table and its searchable columns with a weight each ('A' above 'D': a title
above a body). From it:

- PostgreSQL: a stored `search_vector` column generated from the columns (so every write keeps
  it current, bulk ones included) and a GIN index on it, added by the app's migration with
  `index.postgres_sql()`. The column is not part of the Django model: only search code reads it.
- SQLite: an FTS5 table `<table>_fts` (Porter stemming) over the same columns, kept current by
  triggers. Django rebuilds a SQLite table to alter it, which drops its triggers, so each app
  calls `ensure(connection, its indexes)` after every migrate (post_migrate): whatever is missing
  is recreated and the index rebuilt from the table.

`matching(queryset, index, q)` filters a queryset to the rows whose words match `q` and
annotates `rank` (higher is better); `marked(index, column, q)` is the column's text with the
matched words wrapped in MARK_START/MARK_STOP, for the few rows a page shows; `parts` splits that
into (text, highlighted) pairs that templates escape one by one, so nothing is marked safe and
nothing is escaped twice. Table and column names in the SQL below are constants of the apps'
`Index` declarations, never user input; the user's words only ever travel as parameters.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, TextField
from django.db.models.expressions import RawSQL
from django.utils.text import Truncator

MARK_START, MARK_STOP = "\ue000", "\ue001"
WORD = re.compile(r"\w+", re.UNICODE)
TSQUERY = "websearch_to_tsquery('english', %s)"
WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}  # SQLite bm25 column weights, as PostgreSQL's


@dataclass(frozen=True)
class Index:
    table: str
    columns: tuple  # ((column, weight), ...), weight 'A' to 'D'

    @property
    def fts(self):
        return f"{self.table}_fts"

    @property
    def names(self):
        return [column for column, _weight in self.columns]

    def vector_sql(self, prefix=""):
        return " || ".join(
            f"setweight(to_tsvector('english'::regconfig, coalesce({prefix}{column}, '')), '{weight}')"
            for column, weight in self.columns
        )

    def postgres_sql(self):
        """[(forward, backward)] statements for a migration: the generated column and its index."""
        return [
            (
                f"ALTER TABLE {self.table} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({self.vector_sql()}) STORED",
                f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS search_vector",
            ),
            (
                f"CREATE INDEX IF NOT EXISTS {self.table}_search ON {self.table} USING gin (search_vector)",
                f"DROP INDEX IF EXISTS {self.table}_search",
            ),
        ]

    def sqlite_sql(self):
        names = ", ".join(self.names)
        new = ", ".join(f"new.{c}" for c in self.names)
        old = ", ".join(f"old.{c}" for c in self.names)
        fts, table = self.fts, self.table
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, content='{table}', "
            "content_rowid='id', tokenize='porter unicode61')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        ]


def is_postgres():
    return connection.vendor == "postgresql"


def ensure(conn, indexes):
    """SQLite: create the FTS tables and triggers that are missing; rebuild an index that lost one."""
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for index in indexes:
            fts = index.fts
            if index.table not in present:
                continue
            if {fts, f"{fts}_insert", f"{fts}_delete", f"{fts}_update"} <= present:
                continue
            for sql in index.sqlite_sql():
                cursor.execute(sql)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608 - constant names


def drop(conn, indexes):
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        for index in indexes:
            for trigger in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {index.fts}_{trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {index.fts}")


def keep_after_migrate(app_config, indexes):
    """Connect `ensure(indexes)` to post_migrate for this app (from its AppConfig.ready)."""
    from django.db import connections
    from django.db.models.signals import post_migrate

    def _ensure(using, **kwargs):
        ensure(connections[using], indexes)

    post_migrate.connect(_ensure, sender=app_config, weak=False, dispatch_uid=f"fulltext-{app_config.label}")


def migrate_forward(indexes):
    """A RunPython function adding `indexes` on either backend."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for index in indexes:
                for sql, _undo in index.postgres_sql():
                    schema_editor.execute(sql)
        else:
            ensure(schema_editor.connection, indexes)

    return forward


def migrate_backward(indexes):
    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for index in reversed(indexes):
                for _sql, undo in reversed(index.postgres_sql()):
                    schema_editor.execute(undo)
        else:
            drop(schema_editor.connection, indexes)

    return backward


def words(q):
    return WORD.findall(q or "")


def fts_query(q):
    """The user's words as an FTS5 query: every word must appear (as a word, in any form)."""
    return " ".join('"' + w.replace('"', "") + '"' for w in WORD.findall((q or "").lower())[:12])


def _sql(sql, params, output_field):
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611 - constant SQL, words as parameters


# Each expression below is about "the row": by default the queryset's own row of `index.table`;
# with `row=` (an SQL expression of the queryset, e.g. "communities_document.current_version_id")
# the row of `index.table` with that id, which lets a document be found by its version's text.


def match_sql(index, q, *, row=None):
    """A boolean expression: the row matches the words of `q` (through the GIN or FTS5 index)."""
    if is_postgres() and row is None:
        return _sql(f"{index.table}.search_vector @@ {TSQUERY}", (q,), BooleanField())
    if is_postgres():
        ids = f"SELECT id FROM {index.table} WHERE search_vector @@ {TSQUERY}"  # noqa: S608
        return _sql(f"{row} IN ({ids})", (q,), BooleanField())
    return _sql(
        f"{row or index.table + '.id'} IN (SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s)",  # noqa: S608
        (fts_query(q),),
        BooleanField(),
    )


def rank_sql(index, q, *, row=None):
    """How well the row matches (higher is better; NULL if there is no such row): ts_rank with
    the weights, or FTS5's bm25 with the same weights (NULL when it does not match)."""
    if is_postgres() and row is None:
        return _sql(f"ts_rank({index.table}.search_vector, {TSQUERY})", (q,), FloatField())
    if is_postgres():
        return _sql(
            f"SELECT ts_rank(r.search_vector, {TSQUERY}) FROM {index.table} r WHERE r.id = {row}",  # noqa: S608
            (q,),
            FloatField(),
        )
    weights = ", ".join(str(WEIGHTS[w]) for _c, w in index.columns)
    return _sql(
        f"SELECT -bm25({index.fts}, {weights}) FROM {index.fts} "  # noqa: S608
        f"WHERE {index.fts} MATCH %s AND {index.fts}.rowid = {row or index.table + '.id'}",
        (fts_query(q),),
        FloatField(),
    )


def matching(queryset, index, q, *, rank=None):
    """Rows of `queryset` whose words match `q`, annotated with `rank` (or the given expression)."""
    return queryset.filter(match_sql(index, q)).annotate(
        rank=rank if rank is not None else rank_sql(index, q)
    )


@contextmanager
def serial_plans():
    """PostgreSQL: no parallel workers for the queries inside. A search reads a bounded set of
    rows; on a small, busy server starting workers costs more than the query (a common word's
    search measured 35-75 ms with workers, 3-30 ms without, on the 200,000-post benchmark).
    SET LOCAL, not SET, so that it ends with the transaction (safe behind PgBouncer)."""
    if not is_postgres():
        yield
        return
    # Lasts until the transaction ends: this one, or the caller's if it has one.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


HEADLINE_CHARS = 50_000  # PostgreSQL highlights within the first 50,000 characters of a long text


def marked(index, column, q, *, row=None, whole=False, words=30):
    """`column` of the row with the matched words between MARK_START and MARK_STOP (on SQLite,
    None when the row does not match). `whole` marks the whole text (titles); otherwise a
    fragment around the matches. Only for the rows a page shows: it reads the text."""
    if is_postgres():
        options = "HighlightAll=true" if whole else f"MaxWords={words}, MinWords={words // 2}, MaxFragments=2"
        headline = (
            "ts_headline('english', left({text}, %s), " + TSQUERY + ", "
            f"'StartSel={MARK_START}, StopSel={MARK_STOP}, {options}')"
        )
        if row is None:
            return _sql(headline.format(text=f"{index.table}.{column}"), (HEADLINE_CHARS, q), TextField())
        return _sql(
            f"SELECT {headline.format(text='r.' + column)} FROM {index.table} r WHERE r.id = {row}",  # noqa: S608
            (HEADLINE_CHARS, q),
            TextField(),
        )
    position = index.names.index(column)
    if whole:
        call = f"highlight({index.fts}, {position}, %s, %s)"
    else:
        call = f"snippet({index.fts}, {position}, %s, %s, '…', {min(words, 64)})"
    return _sql(
        f"SELECT {call} FROM {index.fts} "  # noqa: S608
        f"WHERE {index.fts} MATCH %s AND {index.fts}.rowid = {row or index.table + '.id'}",
        (MARK_START, MARK_STOP, fts_query(q)),
        TextField(),
    )


# Texts are Markdown sources: show a link's words, not its address (which may hold highlighted
# words too), and drop emphasis and heading marks.
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")
_MARKUP = re.compile(r"!?\[|\*\*|__|^#+\s*", re.M)


def readable(markdown):
    return _MARKUP.sub("", _LINK_TARGET.sub("", markdown))


def parts(text):
    """[(text, highlighted)] from text whose matches are wrapped in MARK_START/MARK_STOP."""
    out = []
    for chunk in readable(text or "").split(MARK_START):
        hit, _, rest = chunk.rpartition(MARK_STOP)
        if hit:
            out.append((hit, True))
        if rest:
            out.append((rest, False))
    return out


def shorten(parts_, chars=300):
    """The first `chars` characters of [(text, highlighted)] parts, ending with "…" if cut."""
    out, left = [], chars
    for text, hit in parts_:
        if left <= 0:
            out.append(("…", False))
            break
        out.append((text if len(text) <= left else text[:left].rsplit(" ", 1)[0] + "…", hit))
        left -= len(text)
    return out


def has_mark(text):
    return MARK_START in (text or "")


def plain(text, length=40):
    return [(Truncator(readable(text or "")).words(length), False)]
