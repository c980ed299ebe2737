"""SQLite full-text tables for discussions (FTS5, Porter stemming), kept current by triggers.

Created by migration 0004_search and checked again after every `migrate` (see
`cop_platform.fulltext.ensure`). PostgreSQL uses generated tsvector columns instead (see the
migration). The indexes themselves are declared in forums/search.py.
"""

from cop_platform import fulltext


def _indexes():
    from .search import INDEXES

    return INDEXES


def ensure_sqlite_fts(connection):
    fulltext.ensure(connection, _indexes())


def drop_sqlite_fts(connection):
    fulltext.drop(connection, _indexes())
