"""The SQLite schema, as re-appliable sqlite-utils migrations (the only place DDL lives).

Table and column names of `articles`, `stories`, `alerts`, `runs`, `entities`,
`article_entities` and `figures` are a public contract: users' Datasette queries
rely on them. Add columns in new migrations; never rename.

The migrations live in `migrations_v1` and `migrations_v2` (registered on one registry, in that
order); this module applies them.
"""

from __future__ import annotations

from sqlite_utils import Database

from monitor.store import migrations_v1, migrations_v2  # noqa: F401 - importing registers their migrations
from monitor.store.migration_registry import migrations

__all__ = ["apply_migrations", "migrations"]


def apply_migrations(db: Database) -> None:
    """Bring a database up to the current schema; safe to call on every start."""
    migrations.apply(db)
