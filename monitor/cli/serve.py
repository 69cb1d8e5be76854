"""The `remon serve` command: browse the archive in Datasette, read-only, on 127.0.0.1 by default."""

from __future__ import annotations

import argparse

from monitor.cli.console import Console
from monitor.config.load import Config
from monitor.exit_codes import ExitCode


def cmd_serve(args: argparse.Namespace, config: Config, console: Console) -> int:
    """Serve the archive in Datasette (read-only) with remon's views, search, dashboard and Atom feed."""
    from monitor.serve.datasette import ServeError, serve, serve_options

    options = serve_options(config, host=args.host, port=args.port, immutable=args.immutable)
    try:
        serve(options, announce=lambda url: console.out(
            f"serving {options.db_path} read-only as `remon` at {url} (Ctrl-C stops)"))
    except ServeError as error:
        console.stderr.write(f"remon: {error}\n")
        return ExitCode.USAGE
    return ExitCode.OK


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be 0-65535 (0 picks a free port)")
    return port


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("serve", parents=[common], help=(cmd_serve.__doc__ or "").splitlines()[0],
                            description=cmd_serve.__doc__)
    parser.add_argument("--host", metavar="H", help="address to listen on (default: [serve] host, 127.0.0.1)")
    parser.add_argument("--port", metavar="N", type=_port,
                        help="port (default: [serve] port, 8001; 0 picks a free port)")
    parser.add_argument("--immutable", action="store_true",
                        help="open the file immutable: only for a snapshot copy nothing writes to")
    parser.set_defaults(handler=cmd_serve)
