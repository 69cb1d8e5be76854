"""One monitoring cycle: every active source once, each in its own fault boundary, then the outbox.

Seeds are loaded in this process; a cycle's web sources crawl together in one forked crawl
process (the Twisted reactor cannot restart) that reports back through their `runs` rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.clock import stamp, utc_now
from monitor.config.load import Config, SourceConfig
from monitor.models import Rejected, RunCounts
from monitor.sources.seeds import SeedFolderError, seed_pages
from monitor.store import Archive
from monitor.store.runs import finish_run, run_counts, run_error, run_status, start_run

if TYPE_CHECKING:  # the stages load only when a seed source runs (the crawl process loads its own)
    from monitor.flow import FlowContext

log = logging.getLogger(__name__)

Progress = Callable[[str, RunCounts], None]


@dataclass
class SourceResult:
    source: str
    kind: str
    counts: RunCounts
    seconds: float
    status: str  # 'ok', 'failed', 'locked'
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # per-page problems worth showing the user


def run_seeds(source: SourceConfig, config: Config, context: FlowContext, counts: RunCounts,
              progress: Progress, now: Callable[[], datetime]) -> list[str]:
    """Process every seed document; returns notes on files that were skipped, by name."""
    from monitor.flow import process_page

    assert source.path is not None
    notes: list[str] = []

    def skipped(path: Path, reason: str) -> None:  # a seed not read is an error the user must see
        counts.errors += 1
        notes.append(f"{path.name}: not read ({reason})")

    pages = seed_pages(config.resolve(source.path), source.name, stamp(now()), config.seeds.max_bytes, skipped)
    for page in pages:
        try:
            outcome = process_page(page, context, stamp(now()))
        except Exception as error:  # one bad page never stops the source
            log.exception("seed %s failed", page.url)
            counts.errors += 1
            notes.append(f"{page.url}: error: {error}")
            continue
        counts.count(outcome)
        if isinstance(outcome, Rejected):
            detail = f": {outcome.detail}" if outcome.detail else ""
            notes.append(f"{page.url.rsplit('/', 1)[-1]}: skipped ({outcome.reason}{detail})")
            log.warning("seed %s skipped: %s %s", page.url, outcome.reason, outcome.detail)
        progress(source.name, counts)
    return notes


def crawl_sources(sources: list[SourceConfig], config: Config, archive: Archive, stop: Callable[[], bool],
                  now: Callable[[], datetime] = utc_now) -> list[SourceResult]:
    """Crawl web sources (whose locks the caller holds) in one crawl process; one result and run row each."""
    from monitor.run.crawl import crawl_cycle  # Scrapy glue stays out of the seed-only path

    started = time.monotonic()
    jobs = [(s.name, start_run(archive.db, s.name, s.kind, stamp(now()))) for s in sources]
    try:
        code = crawl_cycle(config, jobs, stop)
    except Exception as problem:  # process boundary: a crawl process that cannot start fails its sources only
        log.exception("the crawl process could not run")
        code, failure = -1, f"{type(problem).__name__}: {problem}"
    else:
        failure = f"the crawl process exited with status {code}"
    seconds = time.monotonic() - started
    return [web_result(source, run_id, failure, stop(), seconds, archive, now)
            for source, (_, run_id) in zip(sources, jobs, strict=True)]


def web_result(source: SourceConfig, run_id: int, failure: str, stopped: bool, seconds: float,
               archive: Archive, now: Callable[[], datetime]) -> SourceResult:
    """A crawled source's result from its run row; a row the crawl process left open is closed here."""
    db = archive.db
    counts, status, error = run_counts(db, run_id), run_status(db, run_id), run_error(db, run_id)
    if stopped and (status == "running" or (error or "").startswith("crawl stopped")):
        status, error = "stopped", "stopped by signal after the current page"
    elif status == "running":
        status, error = "failed", failure
        counts.errors += 1
    else:  # the crawl closed its row
        return SourceResult(source.name, source.kind, counts, seconds, status, error)
    finish_run(db, run_id, counts, stamp(now()), seconds, status, error)
    return SourceResult(source.name, source.kind, counts, seconds, status, error)


def run_source(source: SourceConfig, config: Config, context: FlowContext, progress: Progress,
               now: Callable[[], datetime] = utc_now) -> SourceResult:
    """Run one source inside a fault boundary and record its `runs` row."""
    started = time.monotonic()
    run_id = start_run(context.archive.db, source.name, source.kind, stamp(now()))
    counts, notes, status, error = RunCounts(), [], "ok", None
    try:
        if source.kind != "seeds":
            raise ValueError(f"{source.name} is a web source: crawl it with crawl_sources")
        notes = run_seeds(source, config, context, counts, progress, now)
    except SeedFolderError as problem:
        status, error = "failed", str(problem)
        counts.errors += 1
    except Exception as problem:  # process boundary: a broken source never stops the cycle
        log.exception("source %s failed", source.name)
        status, error = "failed", f"{type(problem).__name__}: {problem}"
        counts.errors += 1
    seconds = time.monotonic() - started
    finish_run(context.archive.db, run_id, counts, stamp(now()), seconds, status, error)
    return SourceResult(source.name, source.kind, counts, seconds, status, error, notes)
