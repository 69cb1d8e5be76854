"""`remon alerts`: list pending and failed alerts, retry them, send due ones, or test every channel."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from monitor.cli.console import Console
from monitor.clock import now_stamp, utc_now
from monitor.config.load import Config
from monitor.exit_codes import ExitCode

if TYPE_CHECKING:
    from monitor.store.outbox import AlertRow



def alert_line(row: AlertRow) -> str:
    """One alert as a line: id, status, channel, attempts, story and (masked) error."""
    what = f"story {row.story_id}: {row.title}" if row.story_id is not None else f"{row.kind}: {row.title}"
    retry = f", next try {row.next_attempt_at}" if row.status == "pending" and row.next_attempt_at else ""
    error = f"\n      error: {row.error}" if row.error else ""
    return f"#{row.id} {row.status} {row.channel} (attempts {row.attempts}{retry}) {what}{error}"


def show(config: Config, console: Console) -> int:
    from monitor.store import open_archive
    from monitor.store.outbox import list_alerts

    archive = open_archive(config.db_path)
    try:
        rows = list_alerts(archive.db)
    finally:
        archive.close()
    pending = sum(r.status == "pending" for r in rows)
    console.out("\n".join([alert_line(r) for r in rows] + [f"{pending} pending, {len(rows) - pending} failed"]))
    return ExitCode.OK


def send(config: Config, console: Console, requeue_first: bool) -> int:
    from monitor.run.cycle import deliver_now
    from monitor.store import open_archive
    from monitor.store.outbox import requeue

    archive = open_archive(config.db_path)
    try:
        if requeue_first:
            queued = requeue(archive.db, now_stamp())
            console.out(f"{queued} alert(s) queued for a new attempt")
        report = deliver_now(config, archive, console.stdout, utc_now())
    finally:
        archive.close()
    if report is None:
        console.out("another remon process is delivering alerts right now; try again later")
        return ExitCode.LOCKED
    console.out(f"alerts: {report.sent} sent, {report.failed} failed attempts, {report.pending} pending")
    for error in report.errors:
        console.out(f"  {error}")
    return ExitCode.OK


def test(config: Config, console: Console) -> int:
    """A test message to each channel, with each result; exit 1 if any channel failed."""
    from monitor.alerting.channels import all_channels, all_secret_urls, mask_secrets
    from monitor.alerting.delivery import render_test
    from monitor.alerting.notify import make_sender

    sender = make_sender(console.stdout, config.alerts.timeout)
    failures = 0
    for channel in all_channels(config):
        try:
            sender(channel, render_test(channel))
        except Exception as error:  # noqa: BLE001 - report every channel's result
            failures += 1
            console.out(f"{channel.name}: FAILED: {mask_secrets(str(error), all_secret_urls(config))}")
            continue
        console.out(f"{channel.name}: ok")
    console.out(f"{failures} of {len(all_channels(config))} channel(s) failed" if failures else "all channels ok")
    return ExitCode.FAULT if failures else ExitCode.OK


def cmd_alerts(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Show pending and failed alerts; `retry` re-queues failed ones and sends, `send` delivers due ones,
    `test` sends a test message to every configured channel and reports each result."""
    if args.action == "test":
        return test(config, console)
    if args.action in ("retry", "send"):
        return send(config, console, requeue_first=args.action == "retry")
    return show(config, console)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("alerts", parents=[common], help="list, retry, send or test alerts",
                            description=cmd_alerts.__doc__)
    parser.add_argument("action", nargs="?", choices=("list", "retry", "send", "test"), default="list",
                        help="list (default): pending and failed alerts; retry: failed ones again now; "
                             "send: deliver due alerts; test: a test message to every channel")
    parser.set_defaults(handler=cmd_alerts)
