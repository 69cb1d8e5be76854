"""Run rows: one per source per cycle, with counts and timings (also how a crawl subprocess reports back)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from monitor.models import RunCounts
from monitor.store.transaction import insert_row, writing


def start_run(db: Database, source: str, kind: str, started_at: str) -> int:
    """A new 'running' row for a source; its id is passed to finish_run."""
    with writing(db):
        return insert_row(db, "runs", {"source": source, "kind": kind, "started_at": started_at,
                                       "status": "running"})


def finish_run(db: Database, run_id: int, counts: RunCounts, finished_at: str, seconds: float,
               status: str, error: str | None = None, reasons: dict[str, int] | None = None) -> None:
    """Close a run row with its counts and outcome ('ok', 'failed', 'locked'); `reasons` counts errors by kind."""
    row: dict[str, object] = {**counts.as_row(), "finished_at": finished_at, "seconds": round(seconds, 3),
                              "status": status, "error": error}
    if reasons is not None:
        row["reasons"] = json.dumps(dict(sorted(reasons.items())))
    with writing(db):
        db.table("runs").update(run_id, row)


def close_dead_runs(db: Database, source: str, now: str) -> int:
    """Close the source's rows left 'running' as 'killed'; call only while holding the source's lock,
    which proves no live process is still writing them. Returns the rows closed."""
    with writing(db):
        cursor = db.execute(
            """update runs set status = 'killed', finished_at = ?,
                   error = coalesce(error, 'the process running it died (killed) before it finished')
               where source = ? and status = 'running' and kind != 'ingest'""", [now, source])
    return cursor.rowcount


def run_reasons(db: Database, run_id: int) -> dict[str, int]:
    """The error reasons a crawl recorded in its run row (empty when none)."""
    text = db.table("runs").get(run_id).get("reasons")
    return {str(k): int(v) for k, v in json.loads(text).items()} if text else {}


def run_counts(db: Database, run_id: int) -> RunCounts:
    """The counts of one run (how the CLI reads back a crawl subprocess)."""
    return RunCounts.from_row(db.table("runs").get(run_id))


def run_error(db: Database, run_id: int) -> str | None:
    """What went wrong in a run (failed requests of a finished crawl, or why it failed), if anything."""
    error = db.table("runs").get(run_id)["error"]
    return str(error) if error else None


def run_status(db: Database, run_id: int) -> str:
    """A run's status ('running' until someone closes the row)."""
    return str(db.table("runs").get(run_id)["status"])
