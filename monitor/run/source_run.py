"""One monitoring cycle: every active source once, each in its own fault boundary, then the outbox.

Seeds are loaded in this process; web sources run as `scrapy crawl` subprocesses (the
Twisted reactor cannot restart) that report back through their `runs` row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from monitor.clock import stamp, utc_now
from monitor.config.load import Config, SourceConfig
from monitor.flow import FlowContext, process_page
from monitor.models import Rejected, RunCounts
from monitor.sources.seeds import SeedFolderError, seed_pages
from monitor.store.runs import finish_run, run_counts, run_error, start_run

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


def run_web_source(source: SourceConfig, config: Config, context: FlowContext, counts: RunCounts,
                   progress: Progress, run_id: int) -> tuple[bool, str | None]:
    """Crawl a web source in a subprocess; its counts (and what failed) come back through the run row."""
    from monitor.run.crawl import run_crawl  # Scrapy glue stays out of the seed-only path

    exit_code = run_crawl(config.config_path, source.name, run_id=run_id)
    counts.add(run_counts(context.archive.db, run_id))
    progress(source.name, counts)
    if exit_code != 0:
        return False, f"scrapy exited with status {exit_code}"
    return True, run_error(context.archive.db, run_id)


def run_source(source: SourceConfig, config: Config, context: FlowContext, progress: Progress,
               now: Callable[[], datetime] = utc_now) -> SourceResult:
    """Run one source inside a fault boundary and record its `runs` row."""
    started = time.monotonic()
    run_id = start_run(context.archive.db, source.name, source.kind, stamp(now()))
    counts, notes, status, error = RunCounts(), [], "ok", None
    try:
        if source.kind == "seeds":
            notes = run_seeds(source, config, context, counts, progress, now)
        else:
            finished, error = run_web_source(source, config, context, counts, progress, run_id)
            status = "ok" if finished else "failed"
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
