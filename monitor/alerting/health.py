"""Source health for the operator: a source that keeps failing, goes quiet or stops yielding articles.

`assess` is pure: finished runs in, a verdict out. `check_sources` compares the verdict
after the latest run with the one before it, so a problem raises exactly one operator
message and its end one "recovered" message, queued in the outbox like story alerts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from statistics import median

from monitor.config.load import AlertsConfig
from monitor.models import Channel
from monitor.store import Archive
from monitor.store.health import RunSummary, recent_runs
from monitor.store.outbox import queue_operator_alert

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    failures: int = 3  # failed cycles in a row
    min_pages: int = 5  # "used to return many"
    yield_drop: float = 0.5  # yield below this share of the usual one
    window: int = 5  # past runs that define "usual"

    @classmethod
    def from_config(cls, alerts: AlertsConfig) -> Thresholds:
        return cls(alerts.health_failures, alerts.health_min_pages, alerts.health_yield_drop, alerts.health_window)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problem: str | None = None


@dataclass(frozen=True)
class HealthChange:
    """A source whose health flipped with its latest run: the subject of the operator message."""

    source: str
    ok: bool
    subject: str


def entries(run: RunSummary) -> int:
    """What a run found: pages processed, or stored outcomes if the crawler counted known ones there."""
    return max(run.pages, run.seen)


def failing(run: RunSummary) -> bool:
    """A failed run, or one that finished with errors only (every request refused, looped or failed)."""
    return run.status == "failed" or (run.errors > 0 and entries(run) == 0)


def _yield(run: RunSummary) -> float:
    return run.seen / run.pages if run.pages else 0.0


def assess(runs: list[RunSummary], limits: Thresholds) -> Verdict:
    """The health of a source from its finished runs, newest first."""
    if not runs:
        return Verdict(ok=True)
    latest, history = runs[0], [r for r in runs[1:1 + limits.window] if r.status == "ok"]
    streak = runs[:limits.failures]
    if len(streak) == limits.failures and all(failing(r) for r in streak):
        return Verdict(False, f"failed {limits.failures} cycles in a row (last error: {latest.error or 'unknown'})")
    if latest.status != "ok" or len(history) < 2:
        return Verdict(ok=True)
    usual = median(entries(r) for r in history)
    if entries(latest) == 0 and usual >= limits.min_pages:
        return Verdict(False, f"returned no entries (usually {usual:g})")
    usual_yield = median(_yield(r) for r in history if r.pages) if any(r.pages for r in history) else 0.0
    if latest.pages >= limits.min_pages and _yield(latest) < limits.yield_drop * usual_yield:
        return Verdict(False, f"extraction yield fell to {_yield(latest):.0%} (usually {usual_yield:.0%})")
    return Verdict(ok=True)


def health_change(source: str, runs: list[RunSummary], limits: Thresholds) -> HealthChange | None:
    """The change the latest run made to the source's health, if any."""
    if not runs:
        return None
    now, before = assess(runs, limits), assess(runs[1:], limits)
    if now.ok == before.ok:
        return None
    if now.ok:
        return HealthChange(source, True, f"source '{source}' recovered (run {runs[0].id})")
    return HealthChange(source, False, f"source '{source}' {now.problem} (run {runs[0].id})")


def check_sources(archive: Archive, sources: list[str], channels: tuple[Channel, ...], limits: Thresholds,
                  now: str) -> list[HealthChange]:
    """Queue one operator alert per channel for every source whose health flipped; returns the flips."""
    changes = []
    for source in sources:
        change = health_change(source, recent_runs(archive.db, source, limits.window + limits.failures + 1), limits)
        if change is None:
            continue
        log.warning("operator: %s", change.subject)
        for channel in channels:
            queue_operator_alert(archive.db, channel.name, "recovered" if change.ok else "operator",
                                 change.subject, now)
        changes.append(change)
    return changes
