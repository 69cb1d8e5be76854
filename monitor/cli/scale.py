"""`remon worker` and `remon ingest`: the scale-out mode on scrapy-redis and a real Redis server."""

from __future__ import annotations

import argparse

from monitor.cli.console import Console
from monitor.config.load import Config
from monitor.exit_codes import ExitCode
from monitor.sources.kinds import source_kind


def cmd_worker(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Crawl one web source as a scrapy-redis worker: requests and pages go through Redis.

    Start as many workers of a source as you like, on any machine that can reach Redis;
    they share one request queue and one seen-set per source, and push fetched pages to
    the queue that `remon ingest` stores.
    """
    from monitor.run.crawl import run_crawl

    source = config.source(args.source)
    if source_kind(source.kind).in_process:
        console.error(f"source {source.name!r} is of kind {source.kind!r}, read in-process; run it with `remon run`")
        return ExitCode.USAGE
    status = run_crawl(config.config_path, source.name, settings={"MONITOR_SCALE_OUT": "1"},
                       timeout=args.timeout, log_file=args.log_file)
    console.out(f"worker {source.name}: scrapy exited with status {status}")
    return ExitCode.OK if status == 0 else ExitCode.FAULT


def cmd_ingest(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Store the pages scale-out workers queued in Redis, through the one processing path.

    Runs until SIGTERM/SIGINT, or with --drain until the queue has been empty for
    --idle seconds; then delivers alerts and prints the summary table.
    """
    from monitor.run.ingest import run_ingest

    return run_ingest(config, console, idle_exit=args.idle if args.drain else None)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    worker = sub.add_parser("worker", parents=[common], help="crawl one source as a scrapy-redis worker",
                            description=cmd_worker.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    worker.add_argument("--source", required=True, metavar="NAME", help="the web source to crawl")
    worker.add_argument("--timeout", type=float, default=3600.0, help="stop the crawl after this many seconds")
    worker.add_argument("--log-file", metavar="PATH", help="Scrapy log (default: logs/<source>.log by the DB)")
    worker.set_defaults(handler=cmd_worker)
    ingest = sub.add_parser("ingest", parents=[common], help="store pages queued by scale-out workers",
                            description=cmd_ingest.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ingest.add_argument("--drain", action="store_true", help="exit once the queue stays empty")
    ingest.add_argument("--idle", type=float, default=5.0, metavar="SECONDS",
                        help="with --drain: how long the queue must stay empty (default 5)")
    ingest.set_defaults(handler=cmd_ingest)
