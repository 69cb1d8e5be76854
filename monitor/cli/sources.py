"""`remon sources check [NAME]`: fetch each configured listing once and say, per source, whether it works."""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monitor.cli.console import Console
from monitor.config.load import Config, SourceConfig
from monitor.exit_codes import ExitCode

CHECK_PIPELINE = {"monitor.glue.check.CheckPipeline": 300}
CHECK_TIMEOUT = 600.0


@dataclass(frozen=True)
class CheckReport:
    """What one listing check found (see monitor/glue/check.py)."""

    listed: int = 0
    resolved: int = 0
    stored: int = 0
    fetchable: int = 0
    headline: int = 0
    rejected: int = 0
    decode_failed: int = 0
    listing_errors: int = 0
    first_error: str | None = None
    reason: str = "finished"

    @property
    def reachable(self) -> bool:
        return self.listing_errors == 0 and self.reason == "finished"


def check_line(name: str, report: CheckReport) -> str:
    """One line: state, entries listed, links resolved, what the sampled pages turned out to be, first error."""
    state = "ok" if report.reachable and report.listed else "UNREACHABLE" if not report.reachable else "EMPTY"
    fetched = report.fetchable + report.headline + report.rejected
    return (f"{name}: {state}: {report.listed} listed, {report.resolved} resolve to article links "
            f"({report.stored} already stored, {report.decode_failed} not decoded); {fetched} fetched: "
            f"{report.fetchable} fetchable, {report.headline} headline-only, {report.rejected} not articles; "
            f"first error: {report.first_error or 'none'}")


def check_source(config: Config, source: SourceConfig, limit: int) -> CheckReport:
    """Crawl one feed in check mode (same spider, URL policy and limits; nothing stored) and read its tally."""
    from monitor.run.crawl import run_crawl

    with tempfile.TemporaryDirectory(prefix="remon-check-") as folder:
        report_path = Path(folder) / "report.json"
        settings = {"MONITOR_CHECK": str(report_path), "ITEM_PIPELINES": json.dumps(CHECK_PIPELINE),
                    "MONITOR_MAX_PAGES": str(limit)}
        log_file = config.db_path.parent / "logs" / f"{source.name}.check.log"
        status = run_crawl(config.config_path, source.name, timeout=CHECK_TIMEOUT, settings=settings,
                           log_file=str(log_file))
        if not report_path.exists():
            return CheckReport(listing_errors=1, first_error=f"the check crawl exited {status}; see {log_file}",
                               reason="failed")
        return CheckReport(**json.loads(report_path.read_text(encoding="utf-8")))


def cmd_sources(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Check sources: fetch each feed listing once, decode its links, fetch a few entries, store nothing.

    One line per source: entries listed, links that resolve to articles, how many fetched pages
    are fetchable articles or would be stored headline-only, and the first error. Exits 1 when a
    listing is unreachable.
    """
    sources = [config.source(args.name)] if args.name else list(config.active_sources)
    unreachable = 0
    for source in sources:
        if source.kind != "feed":
            console.out(f"{source.name}: not checked: a {source.kind} source (only feed listings are checked)")
            continue
        report = check_source(config, source, args.limit)
        unreachable += int(not report.reachable)
        console.out(check_line(source.name, report))
    return ExitCode.FAULT if unreachable else ExitCode.OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("sources", parents=[common], help="check that configured sources work",
                            description=cmd_sources.__doc__)
    parser.add_argument("action", choices=("check",), help="check: fetch each listing once and report")
    parser.add_argument("name", nargs="?", metavar="NAME", help="only this source")
    parser.add_argument("--limit", type=int, default=10, metavar="N",
                        help="article pages fetched per source to judge them (default 10)")
    parser.set_defaults(handler=cmd_sources)
