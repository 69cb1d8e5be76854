"""Serving the archive in Datasette: builds the read-only instance behind `remon serve` and runs it.

The database is opened read-only (`mode=ro` plus `PRAGMA query_only` from the remon plugin),
not immutable: `remon run` keeps writing it while it is served, and SQLite's immutable mode
would skip locking and ignore the write-ahead log, so readers would see stale or torn pages.
`immutable=True` is for a snapshot copy that nothing writes to.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from datasette.app import Datasette
from datasette.database import Database

from monitor.config.load import Config
from monitor.store import open_archive

log = logging.getLogger(__name__)

DATABASE_NAME = "remon"
# Metadata, templates, static files and the plugin ship inside the package (wheel included).
DATASETTE_DIR = Path(str(resources.files("monitor.serve").joinpath("assets")))
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class ServeError(Exception):
    """Why the archive cannot be served (no database yet, port taken, ...), fit for one line."""


@dataclass(frozen=True)
class ServeOptions:
    """Everything `remon serve` needs, resolved from the config and the command line."""

    db_path: Path
    atom_path: Path
    host: str = "127.0.0.1"
    port: int = 8001
    immutable: bool = False
    datasette_dir: Path = DATASETTE_DIR


def serve_options(config: Config, host: str | None = None, port: int | None = None,
                  immutable: bool = False) -> ServeOptions:
    """Options from `[serve]`, `[storage]` and `[alerts]`, overridden by the command line."""
    return ServeOptions(db_path=config.db_path, atom_path=config.resolve(config.alerts.atom_path),
                        host=host or config.serve.host, port=config.serve.port if port is None else port,
                        immutable=immutable)


def load_metadata(options: ServeOptions) -> dict[str, Any]:
    """The project's metadata.yml, with the remon plugin pointed at this config's Atom file."""
    path = options.datasette_dir / "metadata.yml"
    try:
        metadata = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ServeError(f"{path}: {error.strerror}") from None
    plugins = metadata.setdefault("plugins", {})
    plugins["remon"] = {**(plugins.get("remon") or {}), "atom_path": str(options.atom_path)}
    return metadata


def load_settings(options: ServeOptions) -> dict[str, Any]:
    path = options.datasette_dir / "settings.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def prepare_database(options: ServeOptions) -> None:
    """Refuse a missing database; bring an older one's schema (views) up to date, as `remon run` would."""
    if not options.db_path.is_file():
        raise ServeError(f"no database at {options.db_path}: run `remon run` first")
    if not options.immutable:
        open_archive(options.db_path).close()


def build_datasette(options: ServeOptions) -> Datasette:
    """A Datasette instance serving the archive read-only as `remon`, with remon's metadata and plugin."""
    datasette = Datasette(
        metadata=load_metadata(options), settings=load_settings(options),
        plugins_dir=str(options.datasette_dir / "plugins"),
        template_dir=str(options.datasette_dir / "templates"),
        static_mounts=[("remon-static", str(options.datasette_dir / "static"))],
    )
    if "_memory" in datasette.databases:  # Datasette adds it when given no files; remon has no use for it
        datasette.remove_database("_memory")
    database = Database(datasette, path=str(options.db_path), is_mutable=not options.immutable)
    datasette.add_database(database, name=DATABASE_NAME)
    return datasette


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 picks a free one); a clear error if it is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServeError(f"cannot listen on {host}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def listening_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(options: ServeOptions, announce: Any = None) -> None:
    """Serve until interrupted; `announce(url)` is called once the socket listens."""
    prepare_database(options)
    datasette = build_datasette(options)
    asyncio.run(datasette.invoke_startup())
    sock = bind_socket(options.host, options.port)
    if options.host not in LOOPBACK_HOSTS:
        log.warning("serving on %s: anyone who can reach this machine can read the archive", options.host)
    if announce is not None:
        announce(listening_url(sock))
    server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
