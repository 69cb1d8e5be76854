"""Runs left 'running' by a dead process are closed as 'killed' by the next holder of the source lock."""

from __future__ import annotations

import json

from monitor.models import RunCounts
from monitor.store import open_archive
from monitor.store.runs import close_dead_runs, finish_run, run_reasons, start_run


def test_dead_running_rows_of_the_source_are_closed_as_killed(tmp_path):
    archive = open_archive(tmp_path / "remon.db")
    db = archive.db
    dead = start_run(db, "news", "feed", "2024-07-01T00:00:00+00:00")
    other = start_run(db, "other", "feed", "2024-07-01T00:00:00+00:00")
    ingest = start_run(db, "news", "ingest", "2024-07-01T00:00:00+00:00")
    done = start_run(db, "news", "feed", "2024-07-01T00:00:00+00:00")
    finish_run(db, done, RunCounts(pages=2, errors=1), "2024-07-01T00:01:00+00:00", 60.0, "ok", "1 error(s)",
               {"refused/loopback": 1})
    assert close_dead_runs(db, "news", "2024-07-01T01:00:00+00:00") == 1
    rows = {row["id"]: row for row in db.table("runs").rows}
    assert (rows[dead]["status"], rows[dead]["finished_at"]) == ("killed", "2024-07-01T01:00:00+00:00")
    assert "died" in rows[dead]["error"]
    assert rows[other]["status"] == rows[ingest]["status"] == "running"  # not ours to judge
    assert rows[done]["status"] == "ok" and json.loads(rows[done]["reasons"]) == {"refused/loopback": 1}
    assert run_reasons(db, done) == {"refused/loopback": 1} and run_reasons(db, dead) == {}
    archive.close()
