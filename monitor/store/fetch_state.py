"""Validators of feeds and sitemaps (`fetch_state` table): what makes a re-crawl conditional.

One row per listing URL: the ETag / Last-Modified the server sent, the SHA-256 of the
last body (servers' validators lie), when we last checked and when it last changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.store.archive import Archive
from monitor.store.transaction import writing


@dataclass(frozen=True)
class FetchState:
    """What we knew about a listing URL after the last fetch."""

    url: str
    source: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    checked_at: str = ""
    changed_at: str | None = None


def load_state(archive: Archive, url: str) -> FetchState | None:
    """The stored state of a listing URL, or None if it was never fetched."""
    rows = list(archive.db.query("select * from fetch_state where url = ?", [url]))
    return FetchState(**rows[0]) if rows else None


def save_state(archive: Archive, state: FetchState) -> None:
    """Insert or replace the state of a listing URL."""
    with writing(archive.db):
        archive.db.table("fetch_state").upsert(
            {"url": state.url, "source": state.source, "etag": state.etag,
             "last_modified": state.last_modified, "body_sha256": state.body_sha256,
             "checked_at": state.checked_at, "changed_at": state.changed_at},
            pk="url",
        )
