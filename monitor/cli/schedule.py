"""`remon schedule`: the long-running daemon, or with --list the schedule of every source."""

from __future__ import annotations

import argparse
from datetime import datetime

from monitor.cli.console import Console
from monitor.clock import utc_now
from monitor.config.load import Config


def _last_starts(config: Config) -> dict[str, datetime]:
    from monitor.store import open_archive
    from monitor.store.health import last_starts

    archive = open_archive(config.db_path)
    try:
        return {name: datetime.fromisoformat(started) for name, started in last_starts(archive.db).items()}
    finally:
        archive.close()


def schedule_lines(config: Config, starts: dict[str, datetime], now: datetime) -> list[str]:
    """One line per source: its schedule, last run start and next due time (UTC)."""
    from monitor.run.scheduler import next_due, source_schedule

    lines = []
    for source in config.active_sources:
        due = next_due(source_schedule(source, config), starts.get(source.name), now)
        last = starts[source.name].isoformat(timespec="seconds") if source.name in starts else "never"
        when = "now" if due <= now else due.isoformat(timespec="seconds")
        lines.append(f"{source.name}: every {source.schedule or config.schedule.every}; last run {last}; next {when}")
    return lines


def cmd_schedule(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Run the scheduler daemon: re-crawl each source on its schedule and deliver alerts until SIGTERM."""
    starts = _last_starts(config)
    if args.list:
        console.out("\n".join(schedule_lines(config, starts, utc_now())))
        return 0
    from monitor.run.scheduler import run_daemon

    return run_daemon(config, starts, utc_now())


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("schedule", parents=[common], help=(cmd_schedule.__doc__ or "").splitlines()[0],
                            description=cmd_schedule.__doc__)
    parser.add_argument("--list", action="store_true", help="print each source's schedule and next run, then exit")
    parser.set_defaults(handler=cmd_schedule)
