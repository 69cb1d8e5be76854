"""`remon schedule`: the APScheduler 3 daemon that re-crawls each source on its own schedule.

"Is it due" is a pure function of the schedule, the source's last run start (from the
`runs` table) and now, so the schedule survives restarts without a job store: a source
overdue at start-up runs at once (missed runs coalesce into one). The sources due in one
tick (jobs firing within BATCH_SECONDS of each other) crawl together as one
`remon run --source A --source B ...` subprocess (one crawl process for all of them),
which holds the sources' locks, so the Twisted
reactor starts fresh every time, a crash never kills the daemon, and a cron run and the
daemon never crawl one source at once. SIGTERM/SIGINT stop scheduling, ask running
crawls to stop after their current page, and return 0.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config.load import Config, SourceConfig
from monitor.config.schedules import Cron, Every, Schedule, parse_schedule
from monitor.exit_codes import ExitCode

log = logging.getLogger(__name__)

# A job never overlaps itself, missed runs coalesce into one, and a late run still runs.
JOB_OPTIONS: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
BATCH_SECONDS = 2.0  # source jobs firing this close together crawl in one `remon run` (one crawl process)


def source_schedule(source: SourceConfig, config: Config) -> Schedule:
    return parse_schedule(source.schedule or config.schedule.every)


WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as APScheduler 3 day names (its 0 is Monday)."""
    if not any(ch.isdigit() for ch in field):
        return field
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            low, high = (int(x) for x in span.split("-", 1))
        else:
            low = int(span)
            high = 6 if step else low
        days.update(day % 7 for day in range(low, high + 1, int(step or 1)))
    return ",".join(WEEKDAYS[day] for day in sorted(days))


def cron_trigger(schedule: Cron, jitter: int | None = None) -> CronTrigger:
    """A UTC CronTrigger for a standard 5-field crontab expression."""
    minute, hour, day, month, weekday = schedule.expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=crontab_weekdays(weekday),
                       timezone=UTC, jitter=jitter)


def next_due(schedule: Schedule, last_started: datetime | None, now: datetime) -> datetime:
    """When a source should next run: now if it never ran or is overdue (missed runs coalesce into one)."""
    if last_started is None:
        return now
    if isinstance(schedule, Every):
        due = last_started + timedelta(seconds=schedule.seconds)
    else:
        due = cron_trigger(schedule).get_next_fire_time(None, last_started + timedelta(seconds=1)) or now
    return max(due, now)


def is_due(schedule: Schedule, last_started: datetime | None, now: datetime) -> bool:
    """True when the source should run now."""
    return next_due(schedule, last_started, now) <= now


def make_trigger(schedule: Schedule, jitter: int) -> IntervalTrigger | CronTrigger:
    if isinstance(schedule, Every):
        spread = min(jitter, schedule.seconds // 2) or None
        return IntervalTrigger(seconds=schedule.seconds, timezone=UTC, jitter=spread)
    return cron_trigger(schedule, jitter or None)


def remon_command(config: Config, *args: str) -> list[str]:
    """`python -m monitor ARGS --config PATH`: the same interpreter and config as the daemon."""
    command = [sys.executable, "-m", "monitor", *args]
    return command + (["--config", config.config_path] if config.config_path else [])


class Daemon:
    """Runs `remon` subprocesses on schedule; tracks them so a stop request reaches each one."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.stopping = threading.Event()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.guard = threading.Lock()
        self.due: set[str] = set()  # sources whose job fired and that wait for this tick's batch

    def run_child(self, name: str, args: list[str]) -> int | None:
        """One subprocess, waited for; None when the daemon is stopping (nothing started)."""
        with self.guard:
            if self.stopping.is_set():
                return None
            child = subprocess.Popen(remon_command(self.config, *args), cwd=self.config.base_dir,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
            self.children[name] = child
        try:
            return child.wait()
        finally:
            with self.guard:
                self.children.pop(name, None)

    def crawl(self, source: str) -> None:
        """A scheduled job: the source joins this tick's batch; the job that collects the batch runs it."""
        with self.guard:
            self.due.add(source)
        if self.stopping.wait(BATCH_SECONDS):  # let the other jobs of this tick add their sources
            return
        with self.guard:
            batch, self.due = sorted(self.due), set()
        if batch:
            self.crawl_batch(batch)

    def crawl_batch(self, sources: list[str]) -> None:
        """One `remon run --source A --source B ...` for the due sources (a failure is logged, never raised)."""
        names = ", ".join(sources)
        try:
            code = self.run_child(f"sources {names}", ["run", *(a for s in sources for a in ("--source", s))])
        except Exception:  # process boundary: one job never kills the daemon
            log.exception("could not start the crawl of %s", names)
            return
        if code == ExitCode.LOCKED:
            log.info("some of %s are being crawled by another process; skipped this time", names)
        elif self.stopping.is_set():
            log.info("crawl of %s stopped (status %s)", names, code)
        elif code not in (0, None):
            log.warning("crawl of %s exited with status %s", names, code)

    def deliver(self) -> None:
        """A scheduled job: retry pending alerts and send due digests (`remon alerts send`)."""
        try:
            code = self.run_child("delivery", ["alerts", "send", "--quiet"])
        except Exception:
            log.exception("could not start alert delivery")
            return
        if code not in (0, None) and not self.stopping.is_set():
            log.warning("alert delivery exited with status %s", code)

    def stop_children(self, timeout: float) -> None:
        """SIGTERM every running child's process group, then SIGKILL what is left after `timeout`."""
        with self.guard:
            children = list(self.children.items())
        for name, child in children:
            log.info("stopping %s (pid %d)", name, child.pid)
            _signal_group(child, signal.SIGTERM)
        for name, child in children:
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0fs; killing it", name, timeout)
                _signal_group(child, signal.SIGKILL)
                child.wait()


def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)


def build_scheduler(daemon: Daemon, last_starts: dict[str, datetime], now: datetime) -> BackgroundScheduler:
    """One job per active source (never overlapping itself, missed runs coalesced) plus the delivery job."""
    config = daemon.config
    scheduler = BackgroundScheduler(timezone=UTC)
    for source in config.active_sources:
        schedule = source_schedule(source, config)
        first = next_due(schedule, last_starts.get(source.name), now)
        scheduler.add_job(daemon.crawl, make_trigger(schedule, config.schedule.jitter), args=[source.name],
                          id=f"source:{source.name}", name=f"crawl {source.name}", next_run_time=first, **JOB_OPTIONS)
        log.info("source %s: %s, next run %s", source.name, source.schedule or config.schedule.every,
                 first.isoformat(timespec="seconds"))
    deliver = parse_schedule(config.schedule.deliver_every)
    assert isinstance(deliver, Every)
    scheduler.add_job(daemon.deliver, IntervalTrigger(seconds=deliver.seconds, timezone=UTC), id="delivery",
                      name="deliver alerts", next_run_time=now + timedelta(seconds=deliver.seconds), **JOB_OPTIONS)
    return scheduler


def run_daemon(config: Config, last_starts: dict[str, datetime], now: datetime) -> int:
    """Run until SIGTERM or SIGINT; returns the exit status (0 after a clean stop)."""
    daemon = Daemon(config)

    def request_stop(signum: int, _frame: Any) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        daemon.stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, request_stop)
    scheduler = build_scheduler(daemon, last_starts, now)
    scheduler.start()
    log.info("remon schedule running (pid %d); %d source job(s)", os.getpid(), len(config.active_sources))
    while not daemon.stopping.wait(1.0):
        pass
    scheduler.shutdown(wait=False)
    daemon.stop_children(config.schedule.stop_timeout)
    log.info("remon schedule stopped")
    return 0
