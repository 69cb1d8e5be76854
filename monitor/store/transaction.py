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


def crawl_commits(db: Database) -> None:
    """Commits of a crawl's writer wait for the WAL write, not for fsync (WAL + synchronous=NORMAL).

    Each page is still one atomic transaction; what a power cut (not a crash: the OS keeps
    the WAL) can lose is the last pages, together with their queued alerts, and those are
    fetched again next cycle. The next fsync of the WAL (checkpoint, or any FULL commit such
    as marking an alert sent) makes them durable, so a sent alert is never followed by a
    lost article. Connections that deliver alerts keep the default (FULL).
    """
    if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        db.execute("PRAGMA synchronous=NORMAL")
