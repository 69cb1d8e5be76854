"""Decoded aggregator links (`aggregator_links` table): each Google News token is decoded once.

A decoded link maps to its publisher URL for good; a failed decoding is recorded with its
reason and attempt count, and tried again on the next cycle (up to a bound, so a token Google
no longer answers for stops costing requests).
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.store.archive import Archive
from monitor.store.transaction import writing

MAX_ATTEMPTS = 5  # failed decodings of one link before it is left alone


@dataclass(frozen=True)
class LinkState:
    """What we know about one aggregator link."""

    key: str
    publisher_url: str | None
    attempts: int
    error: str | None

    @property
    def gave_up(self) -> bool:
        return self.publisher_url is None and self.attempts >= MAX_ATTEMPTS


def link_states(archive: Archive, keys: list[str]) -> dict[str, LinkState]:
    """The stored state of these link keys ('google-news:<token>'), by key."""
    found: dict[str, LinkState] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in archive.db.query(
                f"select key, publisher_url, attempts, error from aggregator_links where key in ({marks})", chunk):
            found[row["key"]] = LinkState(**row)
    return found


def save_decoded(archive: Archive, key: str, aggregator: str, source: str, link: str, publisher_url: str,
                 now: str) -> None:
    """Remember a decoded link (the attempt that worked is counted too)."""
    with writing(archive.db):
        archive.db.execute(
            """insert into aggregator_links (key, aggregator, source, link, publisher_url, attempts, error, checked_at)
               values (?, ?, ?, ?, ?, 1, null, ?)
               on conflict(key) do update set publisher_url = excluded.publisher_url, error = null,
                   attempts = attempts + 1, checked_at = excluded.checked_at""",
            [key, aggregator, source, link, publisher_url, now])


def save_failure(archive: Archive, key: str, aggregator: str, source: str, link: str, error: str,
                 now: str) -> None:
    """Record a failed decoding; the next cycle tries again."""
    with writing(archive.db):
        archive.db.execute(
            """insert into aggregator_links (key, aggregator, source, link, publisher_url, attempts, error, checked_at)
               values (?, ?, ?, ?, null, 1, ?, ?)
               on conflict(key) do update set error = excluded.error, attempts = attempts + 1,
                   checked_at = excluded.checked_at""",
            [key, aggregator, source, link, error[:300], now])
