"""Datasette plugin for remon: read-only connections, safe search highlights and the stories Atom feed.

Loaded by `remon serve` through Datasette's plugins directory; plain `datasette --plugins-dir`
loads it the same way. Its settings come from `plugins: remon:` in the metadata
(`atom_path`, filled in by `remon serve` from `[alerts] atom_path`).
"""

from __future__ import annotations

import json
import sqlite3
from email.utils import formatdate
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

MARK_START, MARK_END = "\x02", "\x03"  # what the canned search asks snippet()/highlight() to insert
BROWSE_VIEWS = ("relevant_stories", "article_list")
NAME_LIST_COLUMNS = ("outlets", "top_entities", "countries", "elements", "companies", "entities", "entity_kinds")
ATOM_ROUTE = "/-/remon/stories.atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
NO_FEED_YET = ("No Atom feed yet: remon writes it after each monitoring cycle (`remon run`), "
               "to the file named by [alerts] atom_path in the configuration.\n")


def fts_query(text: str | None) -> str:
    """A user's search words as a safe FTS5 query: each word or "quoted phrase" must appear."""
    return escape_fts(text or "") or '""'


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Refuse every write on remon's own databases (SQLite itself says no), and add `remon_fts_query`."""
    conn.create_function("remon_fts_query", 1, fts_query, deterministic=True)
    if not database.startswith("_"):
        conn.execute("PRAGMA query_only = 1")


def highlighted(value: str) -> Markup:
    """Escape a snippet completely, then turn only the match markers into <mark> tags."""
    return Markup(str(escape(value)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def name_list(value: str) -> str | None:
    """A JSON list of names as 'a, b, c' (None when the value is not such a list)."""
    try:
        names = json.loads(value)
    except ValueError:
        return None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None
    return ", ".join(names)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    """Search highlights as <mark>, story and article numbers as links, name lists as plain text."""
    if database.startswith("_"):
        return None
    if isinstance(value, str) and MARK_START in value:
        return highlighted(value)
    if column == "story" and isinstance(value, int):
        href = datasette.urls.query(database, "story_articles") + f"?story={value}"
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    if column == "article" and isinstance(value, int):
        return Markup(f'<a href="{escape(datasette.urls.row(database, "articles", str(value)))}">{value}</a>')
    if column in NAME_LIST_COLUMNS and table in BROWSE_VIEWS and isinstance(value, str):
        names = name_list(value)
        if names is None:
            return None
        return Markup(escape(names)) if names else Markup("&nbsp;")  # Datasette ignores a falsy value
    return None


def atom_path(datasette: Any) -> Path | None:
    configured = (datasette.plugin_config("remon") or {}).get("atom_path")
    return Path(configured) if configured else None


async def stories_atom(datasette: Any, request: Any) -> Response:
    """The Atom feed of new relevant stories, as `remon run` last wrote it; 404 until the first cycle."""
    path = atom_path(datasette)
    try:
        body = path.read_bytes() if path is not None else None
        modified = path.stat().st_mtime if path is not None else None
    except FileNotFoundError:
        body = modified = None
    if body is None or modified is None:
        return Response.text(NO_FEED_YET, status=404)
    headers = {"Last-Modified": formatdate(modified, usegmt=True), "Cache-Control": "no-cache"}
    return Response(body, headers=headers, content_type=ATOM_TYPE)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/remon/stories\.atom$", stories_atom)]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(ATOM_ROUTE), "label": "Stories feed (Atom)"}]
