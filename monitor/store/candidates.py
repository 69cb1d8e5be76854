"""Candidate lookups for dedupe: stored articles that may copy, or share a story with, a new one."""

from __future__ import annotations

from sqlite_utils import Database

from monitor.models import Article, Fingerprint, StoryCandidate
from monitor.store.archive import Archive, unpack_minhash


def find_candidates(archive: Archive, article: Article, print_: Fingerprint,
                    window_days: int) -> tuple[StoryCandidate, ...]:
    """Articles with the same content hash (exact copies)."""
    rows = archive.db.query(
        "select * from articles where content_hash = ? order by id limit 20", [print_.content_hash])
    return tuple(_candidate(archive.db, row) for row in rows)


def _candidate(db: Database, row: dict) -> StoryCandidate:
    return StoryCandidate(
        article_id=row["id"], story_id=row["story_id"], title=row["title"], lead=row["text"][:600],
        published=row["published"], fetched_at=row["fetched_at"], content_hash=row["content_hash"],
        minhash=unpack_minhash(row["minhash"]), duplicate_of=row["duplicate_of"],
    )
