"""Source health: the pure verdict over runs, and exactly one operator message per problem and per recovery."""

from __future__ import annotations

from monitor.alerting.health import HealthChange, Thresholds, Verdict, assess, check_sources, health_change
from monitor.models import Channel, RunCounts
from monitor.store import open_archive
from monitor.store.health import RunSummary
from monitor.store.runs import finish_run, start_run

LIMITS = Thresholds(failures=3, min_pages=5, yield_drop=0.5, window=5)


def run(id_: int, status: str = "ok", pages: int = 20, seen: int = 18, error: str | None = None) -> RunSummary:
    return RunSummary(id=id_, status=status, pages=pages, seen=seen, errors=0, error=error)


def newest_first(*runs: RunSummary) -> list[RunSummary]:
    return sorted(runs, key=lambda r: -r.id)


def test_healthy_and_too_little_history() -> None:
    assert assess([], LIMITS) == Verdict(ok=True)
    assert assess(newest_first(run(1), run(2), run(3)), LIMITS) == Verdict(ok=True)
    assert assess(newest_first(run(1, pages=0, seen=0)), LIMITS) == Verdict(ok=True)  # no "usual" yet


def test_failed_cycles_in_a_row() -> None:
    two = newest_first(run(1), run(2, "failed", error="DNS"), run(3, "failed", error="DNS"))
    assert assess(two, LIMITS) == Verdict(ok=True)
    three = newest_first(run(1, "failed"), run(2, "failed"), run(3, "failed", error="HTTP 503"))
    assert assess(three, LIMITS) == Verdict(False, "failed 3 cycles in a row (last error: HTTP 503)")


def test_zero_entries_when_it_used_to_return_many() -> None:
    quiet = newest_first(run(1), run(2), run(3, pages=0, seen=0))
    assert assess(quiet, LIMITS) == Verdict(False, "returned no entries (usually 20)")
    always_quiet = newest_first(run(1, pages=1, seen=1), run(2, pages=2, seen=2), run(3, pages=0, seen=0))
    assert assess(always_quiet, LIMITS) == Verdict(ok=True)


def test_extraction_yield_drop() -> None:
    dropped = newest_first(run(1), run(2), run(3, pages=20, seen=2))
    assert assess(dropped, LIMITS) == Verdict(False, "extraction yield fell to 10% (usually 90%)")
    mild = newest_first(run(1), run(2), run(3, pages=20, seen=12))
    assert assess(mild, LIMITS) == Verdict(ok=True)


def test_one_message_per_problem_then_one_recovery() -> None:
    history: list[RunSummary] = []
    changes = []
    for id_, status in enumerate(["ok", "failed", "failed", "failed", "failed", "failed", "ok", "ok"], start=1):
        history.insert(0, run(id_, status, error="timeout" if status == "failed" else None))
        changes.append(health_change("wire", history, LIMITS))
    assert changes == [None, None, None,
                       HealthChange("wire", False, "source 'wire' failed 3 cycles in a row (last error: timeout) (run 4)"),
                       None, None, HealthChange("wire", True, "source 'wire' recovered (run 7)"), None]


def test_check_sources_queues_operator_alerts_once_per_channel() -> None:
    archive = open_archive(":memory:")
    channels = (Channel(name="operator-json:1", url="json://x", role="operator"),
                Channel(name="operator-ntfy:2", url="ntfy://y", role="operator"))
    for _ in range(3):
        run_id = start_run(archive.db, "wire", "feed", "2025-03-04T10:00:00+00:00")
        finish_run(archive.db, run_id, RunCounts(), "2025-03-04T10:00:05+00:00", 5.0, "failed", "HTTP 503")
        check_sources(archive, ["wire"], channels, LIMITS, "2025-03-04T10:00:06+00:00")
    check_sources(archive, ["wire"], channels, LIMITS, "2025-03-04T10:00:07+00:00")  # same state: nothing new
    subject = "source 'wire' failed 3 cycles in a row (last error: HTTP 503) (run 3)"
    assert list(archive.db.query("select story_id, channel, kind, subject, status from alerts order by id")) == [
        {"story_id": None, "channel": "operator-json:1", "kind": "operator", "subject": subject, "status": "pending"},
        {"story_id": None, "channel": "operator-ntfy:2", "kind": "operator", "subject": subject, "status": "pending"},
    ]
