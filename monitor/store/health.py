"""Queries over `runs` for source health and scheduling: recent finished runs, last starts, stopped runs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from monitor.store.transaction import writing

FINISHED = ("ok", "failed")


@dataclass(frozen=True)
class RunSummary:
    """One finished run of a source, as health checks see it."""

    id: int
    status: str
    pages: int
    seen: int
    errors: int
    error: str | None


def recent_runs(db: Database, source: str, limit: int) -> list[RunSummary]:
    """The source's latest finished runs ('ok' or 'failed'), newest first; locked and stopped runs skipped."""
    rows = db.query(
        """select id, status, pages, seen, errors, error from runs
           where source = ? and status in ('ok', 'failed') order by id desc limit ?""", [source, limit])
    return [RunSummary(**row) for row in rows]


def last_starts(db: Database) -> dict[str, str]:
    """Each source's latest run start (any run that crawled or tried to: locked attempts excluded)."""
    return {row["source"]: row["started"] for row in db.query(
        "select source, max(started_at) as started from runs where status != 'locked' group by source")}


def mark_stopped(db: Database, source: str, since: str, now: str) -> int:
    """Close the source's runs left 'running' since `since` by a stop request; returns rows closed."""
    with writing(db):
        cursor = db.execute(
            """update runs set status = 'stopped', finished_at = ?, error = 'stopped by signal'
               where source = ? and status = 'running' and started_at >= ?""", [now, source, since])
    return cursor.rowcount
