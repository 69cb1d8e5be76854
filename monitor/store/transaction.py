"""Write transactions that take SQLite's write lock up front (BEGIN IMMEDIATE).

A deferred transaction that reads first and writes later cannot wait for another writer
in WAL mode: SQLite fails it at once with "database is locked" when the snapshot it read
is stale. Taking the lock at BEGIN lets the busy timeout do its job, so parallel crawls
and the daemon share one database safely.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction (a savepoint when already inside one); rolled back on any error."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row and return its integer primary key."""
    key = db.table(table).insert(row).last_pk
    if not isinstance(key, int):
        raise TypeError(f"{table}: expected an integer primary key, got {key!r}")
    return key
