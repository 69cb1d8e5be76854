"""`remon ingest` as a cycle: consume the Redis page queue, record runs per source, deliver alerts."""

from __future__ import annotations

import logging
import time

import redis

from monitor.cli.console import Console, summary_table
from monitor.clock import stamp, utc_now
from monitor.config.load import Config
from monitor.exit_codes import ExitCode
from monitor.flow import close_context, open_context
from monitor.run.cycle import deliver_now, stop_on_signals
from monitor.run.scaleout import connect, ingest, printable_url
from monitor.run.source_run import SourceResult
from monitor.store.runs import finish_run, start_run

log = logging.getLogger(__name__)



def run_ingest(config: Config, console: Console, idle_exit: float | None) -> int:
    """Ingest queued pages; exit 1 when Redis cannot be reached."""
    try:
        client = connect(config.redis.url)
    except redis.RedisError as error:
        console.error(f"cannot reach Redis at {printable_url(config.redis.url)}: {error}")
        return ExitCode.FAULT
    context = open_context(config)
    started, clock = stamp(utc_now()), time.monotonic()
    try:
        with stop_on_signals() as stop:
            report = ingest(client, context, utc_now, lambda: stop.requested, idle_exit, console.progress)
        seconds = time.monotonic() - clock
        results = []
        for source, counts in report.counts.items():
            run_id = start_run(context.archive.db, source, "ingest", started)
            finish_run(context.archive.db, run_id, counts, stamp(utc_now()), seconds, "ok")
            console.end_progress(source, counts)
            results.append(SourceResult(source, "ingest", counts, seconds, "ok"))
        delivery = deliver_now(config, context.archive, console.stdout, utc_now())
    finally:
        close_context(context)
    console.out(summary_table(results, delivery))
    if report.recovered or report.bad_messages:
        console.out(f"queue: {report.recovered} unfinished messages recovered, "
                    f"{report.bad_messages} bad messages set aside")
    return ExitCode.OK
