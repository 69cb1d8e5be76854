"""`remon run`: one cycle over the configured sources under their locks, then health, Atom and alert delivery.

Each source is crawled only while its lock is held, so a cron run and the daemon never
crawl one source at once; a locked source is reported and skipped (exit status 75).
SIGTERM or SIGINT stops the cycle after the current page; a second SIGINT interrupts.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from monitor.alerting.atom import write_atom
from monitor.alerting.channels import all_channels, operator_channels, render_options
from monitor.alerting.delivery import DeliveryPolicy, DeliveryReport, deliver_pending
from monitor.alerting.health import HealthChange, Thresholds, check_sources
from monitor.alerting.notify import make_sender
from monitor.cli.console import Console
from monitor.clock import stamp, utc_now
from monitor.config.load import Config, ConfigError, SourceConfig
from monitor.exit_codes import ExitCode
from monitor.models import RunCounts
from monitor.run.locks import LockBusy, delivery_lock_path, hold, source_lock_path
from monitor.run.source_run import SourceResult, crawl_sources, run_source
from monitor.store import Archive, open_archive
from monitor.store.health import mark_stopped
from monitor.store.runs import close_dead_runs, finish_run, start_run

if TYPE_CHECKING:  # the stages load only for seed sources; web sources are processed in the crawl process
    from monitor.flow import FlowContext

log = logging.getLogger(__name__)



class StopRequested(BaseException):
    """Raised between pages once SIGTERM/SIGINT asked the cycle to stop (not an error)."""


@dataclass
class StopFlag:
    requested: bool = False


@dataclass
class CycleReport:
    results: list[SourceResult]
    delivery: DeliveryReport | None
    exit_code: int
    health: list[HealthChange] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole cycle


def select_sources(config: Config, only: list[str] | None) -> tuple[SourceConfig, ...]:
    """The active sources, or just the named ones (an unknown name is a usage error)."""
    if not only:
        return config.active_sources
    return tuple(config.source(name) for name in only)


@contextmanager
def stop_on_signals() -> Iterator[StopFlag]:
    """A flag set by the first SIGTERM/SIGINT (a second SIGINT interrupts at once); main thread only."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handle(signum: int, _frame: Any) -> None:
        if flag.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        flag.requested = True
        log.warning("stop requested (%s): finishing the current page", signal.Signals(signum).name)

    saved = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield flag
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def delivery_policy(config: Config) -> DeliveryPolicy:
    alerts = config.alerts
    return DeliveryPolicy(alerts.max_attempts, timedelta(seconds=alerts.backoff),
                          timedelta(seconds=alerts.max_backoff))


def deliver_now(config: Config, archive: Archive, stream: TextIO, now: datetime) -> DeliveryReport | None:
    """Deliver due alerts on every channel under the delivery lock; None when another process holds it."""
    try:
        with hold(delivery_lock_path(config.db_path), "alert delivery", wait=2 * config.alerts.timeout):
            return deliver_pending(archive, all_channels(config), make_sender(stream, config.alerts.timeout),
                                   now, delivery_policy(config), render_options(config))
    except LockBusy as busy:
        log.warning("%s; its alerts go out with the next delivery", busy)
        return None


def run_locked(source: SourceConfig, config: Config, context: FlowContext, console: Console, stop: StopFlag,
               now: Callable[[], datetime]) -> SourceResult:
    """Run one source while holding its lock; a busy lock gives a 'locked' result and run row."""
    def progress(name: str, counts: RunCounts) -> None:
        console.progress(name, counts)
        if stop.requested:
            raise StopRequested
    try:
        with hold(source_lock_path(config.db_path, source.name), f"source {source.name}",
                  wait=config.schedule.lock_wait):
            started = stamp(now())
            if closed := close_dead_runs(context.archive.db, source.name, started):  # we hold the lock: no one
                log.warning("%s: %d run(s) left 'running' by a dead process closed as 'killed'", source.name, closed)
            try:
                return run_source(source, config, context, progress, now)
            except StopRequested:
                mark_stopped(context.archive.db, source.name, started, stamp(now()))
                return SourceResult(source.name, source.kind, RunCounts(), 0.0, "stopped",
                                    "stopped by signal after the current page")
    except LockBusy as busy:
        return locked_result(source, busy, context.archive, now)


def run_sources(sources: tuple[SourceConfig, ...], config: Config, archive: Archive, console: Console,
                stop: StopFlag, now: Callable[[], datetime]) -> list[SourceResult]:
    """Local sources one by one in this process, then every web source in one crawl process."""
    results: dict[str, SourceResult] = {}
    seeds = [s for s in sources if s.kind == "seeds"]
    if seeds:
        from monitor.flow import close_context, open_context

        context = open_context(config)
        try:
            for source in seeds:
                if not stop.requested:
                    results[source.name] = run_locked(source, config, context, console, stop, now)
                    console.end_progress(source.name, results[source.name].counts)
        finally:
            close_context(context)
    web = [s for s in sources if s.kind != "seeds"]
    if web and not stop.requested:
        for result in crawl_locked(web, config, archive, stop, now):
            console.end_progress(result.source, result.counts)
            results[result.source] = result
    return [results[s.name] for s in sources if s.name in results]


def crawl_locked(web: list[SourceConfig], config: Config, archive: Archive, stop: StopFlag,
                 now: Callable[[], datetime]) -> list[SourceResult]:
    """Take each web source's lock, crawl the held ones together (the crawl process inherits the locks)."""
    results: list[SourceResult] = []
    with ExitStack() as locks:
        held = []
        for source in web:
            try:
                locks.enter_context(hold(source_lock_path(config.db_path, source.name), f"source {source.name}",
                                         wait=config.schedule.lock_wait))
            except LockBusy as busy:
                results.append(locked_result(source, busy, archive, now))
            else:
                held.append(source)
        if held:
            results += crawl_sources(held, config, archive, lambda: stop.requested, now)
    return results


def locked_result(source: SourceConfig, busy: LockBusy, archive: Archive,
                  now: Callable[[], datetime]) -> SourceResult:
    """A 'locked' run row and result for a source another process is crawling."""
    run_id = start_run(archive.db, source.name, source.kind, stamp(now()))
    finish_run(archive.db, run_id, RunCounts(), stamp(now()), 0.0, "locked", str(busy))
    log.warning("%s: skipped", busy)
    return SourceResult(source.name, source.kind, RunCounts(), 0.0, "locked", f"{busy}; skipped")


def after_cycle(config: Config, archive: Archive, results: list[SourceResult],
                now: datetime) -> list[HealthChange]:
    """Operator health checks for the sources that ran, then the Atom feed."""
    ran = [r.source for r in results if r.status in ("ok", "failed")]
    changes = check_sources(archive, ran, operator_channels(config), Thresholds.from_config(config.alerts),
                            stamp(now))
    by_source = {r.source: r for r in results}
    for change in changes:
        by_source[change.source].notes.append(f"operator: {change.subject}")
    try:
        write_atom(archive, config.resolve(config.alerts.atom_path), config.alerts.atom_title,
                   config.alerts.atom_entries, stamp(now))
    except OSError as error:  # a feed that cannot be written never fails the cycle
        log.error("cannot write the Atom feed %s: %s", config.alerts.atom_path, error)
    return changes


def run_once(config: Config, console: Console, only: list[str] | None = None, deliver: bool = True,
             now: Callable[[], datetime] = utc_now) -> CycleReport:
    """Run each selected source in its own fault boundary and lock, then health, Atom and delivery."""
    sources = select_sources(config, only)
    started = time.monotonic()
    archive = open_archive(config.db_path)
    try:
        with stop_on_signals() as stop:
            results = run_sources(sources, config, archive, console, stop, now)
            changes = after_cycle(config, archive, results, now())
            delivery = None
            if deliver and not stop.requested:
                delivery = deliver_now(config, archive, console.stdout, now())
    finally:
        archive.close()
    locked = any(r.status == "locked" for r in results)
    return CycleReport(results=results, delivery=delivery, exit_code=ExitCode.LOCKED if locked else ExitCode.OK,
                       health=changes, seconds=time.monotonic() - started)


__all__ = ["ConfigError", "CycleReport", "deliver_now", "run_once", "select_sources"]
