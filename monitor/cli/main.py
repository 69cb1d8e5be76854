"""The command line: each command is a few lines that call the library.

Exit status: 0 the command did its job (per-page and per-source errors are counted and
reported, not fatal); 1 a fault stopped it; 2 bad usage or configuration; 75 another
run holds the lock (try again later).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from monitor.cli.console import Console, summary_table
from monitor.config.load import Config, ConfigError, load_config
from monitor.exit_codes import ExitCode

log = logging.getLogger("monitor")



def cmd_run(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Run one monitoring cycle: every source once, then deliver pending alerts."""
    from monitor.run.cycle import run_once

    report = run_once(config, console, only=args.source, deliver=not args.no_alerts)
    console.out(summary_table(report.results, report.delivery, report.seconds))
    return report.exit_code


def cmd_reprocess(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Re-run extraction, cleaning and analysis over every stored raw page and rejected page, with no network."""
    from monitor.clock import stamp, utc_now
    from monitor.flow import close_context, open_context, reprocess

    context = open_context(config)
    try:
        report = reprocess(context, stamp(utc_now()))
    finally:
        close_context(context)
    console.out(f"reprocessed {report.articles} articles: {report.changed_relevance} changed relevance, "
                f"{report.rejected} no longer extractable; {report.recovered} rejected pages are articles now, "
                f"{report.still_rejected} still rejected")
    return ExitCode.OK


def common_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (`remon run --config x.toml`)."""
    common = argparse.ArgumentParser(add_help=False)
    default = None if defaults else argparse.SUPPRESS
    common.add_argument("--config", metavar="PATH", default=default,
                        help="config file (default: $REMON_CONFIG or ./remon.toml)")
    common.add_argument("-v", "--verbose", action="store_true", default=False if defaults else argparse.SUPPRESS,
                        help="log debug details to stderr")
    common.add_argument("-q", "--quiet", action="store_true", default=False if defaults else argparse.SUPPRESS,
                        help="no progress line, warnings only")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="remon", description="Rare-earth policy news monitor.",
                                     parents=[common_options(defaults=True)])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = common_options(defaults=False)
    run = sub.add_parser("run", help=_first_line(cmd_run), description=cmd_run.__doc__, parents=[common])
    run.add_argument("--source", action="append", metavar="NAME", help="run only this source (repeatable)")
    run.add_argument("--no-alerts", action="store_true", help="queue alerts but do not deliver them now")
    sub.add_parser("reprocess", help=_first_line(cmd_reprocess), description=cmd_reprocess.__doc__,
                   parents=[common])
    for register in _extension_commands().values():
        register(sub, common)
    return parser


def _first_line(function: Callable[..., object]) -> str:
    return (function.__doc__ or "").strip().splitlines()[0]


Register = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]


def _extension_commands() -> dict[str, Register]:
    """Commands whose modules register their own sub-parsers (alerts, schedule, serve)."""
    registered: dict[str, Register] = {}
    for module_name in ("monitor.cli.alerts", "monitor.cli.schedule", "monitor.cli.serve", "monitor.cli.scale",
                        "monitor.cli.sources"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        registered[module_name] = module.register
    return registered


COMMANDS: dict[str, Callable[[argparse.Namespace, Config, Console], int]] = {
    "run": cmd_run, "reprocess": cmd_reprocess,
}


def configure_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "scrapy", "twisted"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    console = Console.for_streams(sys.stdout, sys.stderr, quiet=args.quiet)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"remon: {error}", file=sys.stderr)
        return ExitCode.USAGE
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        return handler(args, config, console)
    except ConfigError as error:
        print(f"remon: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("remon: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
