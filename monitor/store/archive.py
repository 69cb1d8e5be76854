"""The archive: opening the SQLite database and writing one processed page in one transaction.

The only place (with its sibling modules) that talks to SQLite. Rows become models
here and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from monitor.clock import now_stamp, stamp
from monitor.hashing import sha256_hex
from monitor.models import (
    Analysis,
    Article,
    Channel,
    DedupeDecision,
    Fingerprint,
    Page,
    PageHints,
    Stored,
    StoryProfile,
)
from monitor.run.locks import SCHEMA_WAIT, hold, schema_lock_path
from monitor.store import outbox, stories, story_updates
from monitor.store.migrations import apply_migrations, migrations
from monitor.store.transaction import insert_row, writing

BUSY_TIMEOUT_MS = 30_000
RAW_COMPRESSION = 1  # zlib level of stored raw pages: ~4x faster than 6, ~15% larger (HTML compresses well)


@dataclass
class Archive:
    """An open remon database. Not thread-safe: one per process or thread."""

    db: Database
    path: str
    title_language: str = "en"  # [stories] language: stories are titled in it when an article is

    def close(self) -> None:
        self.db.conn.close()


def open_archive(path: str | Path) -> Archive:
    """Open (creating if needed) the database at `path`, in WAL mode, with the schema up to date."""
    location = str(path)
    if location != ":memory:":
        Path(location).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(location, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys=ON")
    # WAL + NORMAL: a commit does not wait for fsync (the database stays consistent on power loss,
    # only the last transactions may be lost); measured ~8 ms saved per stored page (bench/extraction.py)
    db.execute("PRAGMA synchronous=NORMAL")
    if location == ":memory:":
        apply_migrations(db)
    elif migrations.pending(db):  # first open or an upgrade: one process at a time creates the schema
        with hold(schema_lock_path(location), "database setup", wait=SCHEMA_WAIT):
            db.execute("PRAGMA journal_mode=WAL")
            apply_migrations(db)
    return Archive(db=db, path=location)


def find_stored(archive: Archive, canonical_url: str) -> Stored | None:
    """The stored outcome for a URL already in the archive, or None."""
    rows = list(archive.db.query(
        "select id, url, relevant, score, story_id, duplicate_of from articles where canonical_url = ?",
        [canonical_url]))
    if not rows:
        return None
    row = rows[0]
    return Stored(article_id=row["id"], url=row["url"], new=False, relevant=bool(row["relevant"]),
                  score=row["score"], story_id=row["story_id"], new_story=False,
                  duplicate_of=row["duplicate_of"], alerts_queued=0)


def known_urls(archive: Archive, canonical_urls: list[str]) -> set[str]:
    """Which of these canonical URLs are already stored (as articles or raw pages), less the
    headline-only articles due for another try at their full page."""
    found: set[str] = set()
    retry_before, first_after = headline_retry_window(now_stamp())
    for start in range(0, len(canonical_urls), 500):
        chunk = canonical_urls[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for table in ("articles", "raw_pages"):
            found.update(row["canonical_url"] for row in archive.db.query(
                f"select canonical_url from {table} where canonical_url in ({marks})", chunk))
        found.difference_update(row["canonical_url"] for row in archive.db.query(
            f"""select a.canonical_url from articles a join raw_pages r on r.id = a.raw_page_id
                where a.canonical_url in ({marks}) and a.text_source = 'feed'
                  and r.fetched_at < ? and a.fetched_at > ?""", [*chunk, retry_before, first_after]))
    return found


HEADLINE_RETRY_HOURS = 6  # a headline-only article's page is tried again after this long ...
HEADLINE_RETRY_DAYS = 3  # ... for this many days after it was first stored


def headline_retry_window(now: str) -> tuple[str, str]:
    """(last try before, first stored after): the headline-only articles whose page is due again."""
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    return (stamp(moment - timedelta(hours=HEADLINE_RETRY_HOURS)), stamp(moment - timedelta(days=HEADLINE_RETRY_DAYS)))


def save_processed(archive: Archive, page: Page, article: Article, analysis: Analysis,
                   fingerprint: Fingerprint, decision: DedupeDecision,
                   channels: tuple[Channel, ...], now: str, profile: StoryProfile | None = None,
                   story_profile: StoryProfile | None = None, packed: bytes | None = None) -> Stored:
    """Store the raw page, article, entities, figures, story and alert rows in one transaction.

    `profile` is the article's story profile, `story_profile` its story's after it joined
    (see stories.attach). A concurrent writer that stored the same URL first wins: its
    row is returned as not new. `packed` is `pack_body(page.body)` when a page worker made it already.
    """
    try:
        return _save(archive, page, article, analysis, fingerprint, decision, channels, now,
                     (profile, story_profile), packed)
    except sqlite3.IntegrityError:
        existing = find_stored(archive, article.canonical_url)
        if existing is None:
            raise
        return existing


def _save(archive: Archive, page: Page, article: Article, analysis: Analysis, fingerprint: Fingerprint,
          decision: DedupeDecision, channels: tuple[Channel, ...], now: str,
          profiles: tuple[StoryProfile | None, StoryProfile | None] = (None, None),
          packed: bytes | None = None) -> Stored:
    with writing(archive.db):
        raw_id = _save_raw_page(archive.db, page, article.canonical_url, packed)
        article_id = _insert_article(archive.db, article, analysis, fingerprint, decision, raw_id)
        _save_entities(archive.db, article_id, analysis)
        _save_figures(archive.db, article_id, analysis)
        _save_bands(archive.db, article_id, fingerprint)
        story = stories.attach(archive.db, article_id, article, decision, now, *profiles,
                               title_language=archive.title_language)
        queued = 0
        if story.relevant and decision.kind in ("new-story", "joins-story"):
            queued = outbox.queue_story_alerts(archive.db, story.id, story.score, channels, now)
        if story.relevant and not story.created:
            queued += story_updates.queue_story_updates(archive.db, story.id, article_id, channels, now)
    return Stored(article_id=article_id, url=article.url, new=True, relevant=analysis.relevant,
                  score=analysis.score, story_id=story.id, new_story=story.created,
                  duplicate_of=decision.duplicate_of, alerts_queued=queued)


def pack_body(body: bytes) -> bytes:
    """A raw page body as stored (zlib); pure, so a page worker can compress it off the writer's core."""
    return zlib.compress(body, RAW_COMPRESSION)


def _save_raw_page(db: Database, page: Page, canonical: str, packed: bytes | None = None) -> int:
    row = {
        "url": page.url, "canonical_url": canonical, "source": page.source, "fetched_at": page.fetched_at,
        "content_type": page.content_type, "status": page.status, "encoding": page.encoding,
        "headers": json.dumps([list(pair) for pair in page.headers]),
        "hints": json.dumps(asdict(page.hints)),
        "body_sha256": sha256_hex(page.body), "body_size": len(page.body),
        "body": packed if packed is not None else pack_body(page.body),
    }
    existing = list(db.query("select id from raw_pages where canonical_url = ?", [canonical]))
    if existing:
        db.table("raw_pages").update(existing[0]["id"], row)
        return int(existing[0]["id"])
    return insert_row(db, "raw_pages", row)


def _insert_article(db: Database, article: Article, analysis: Analysis, fingerprint: Fingerprint,
                    decision: DedupeDecision, raw_id: int) -> int:
    row = {
        "url": article.url, "canonical_url": article.canonical_url, "source": article.source,
        "title": article.title, "author": article.author, "site_name": article.site_name,
        "description": article.description, "published": article.published,
        "date_source": article.date_source, "fetched_at": article.fetched_at,
        "language": article.language, "text": article.text, "content_hash": fingerprint.content_hash,
        "relevant": int(analysis.relevant), "score": round(analysis.score, 4),
        "reasons": reasons_json(analysis), "story_reason": decision.reason,
        "duplicate_of": decision.duplicate_of, "minhash": pack_minhash(fingerprint.minhash),
        "raw_page_id": raw_id, "text_source": article.text_source,
    }
    return insert_row(db, "articles", row)


def reasons_json(analysis: Analysis) -> str:
    return json.dumps([dict(vars(reason)) for reason in analysis.reasons], ensure_ascii=False)


def pack_minhash(signature: tuple[int, ...]) -> bytes | None:
    """A MinHash signature as little-endian uint32 bytes (compact, order kept)."""
    if not signature:
        return None
    return b"".join(int(value & 0xFFFFFFFF).to_bytes(4, "little") for value in signature)


def unpack_minhash(blob: bytes | None) -> tuple[int, ...]:
    if not blob:
        return ()
    return tuple(int.from_bytes(blob[i:i + 4], "little") for i in range(0, len(blob), 4))


def _save_entities(db: Database, article_id: int, analysis: Analysis) -> None:
    db.execute("delete from article_entities where article_id = ?", [article_id])
    # one executemany per table: a statement per row cost ~1 ms a page (bench/extraction.py)
    db.conn.executemany("insert or ignore into entities (id, name, kind) values (?, ?, ?)",
                        [(e.entity_id, e.name, e.kind) for e in analysis.entities])
    db.conn.executemany("insert into article_entities (article_id, entity_id, mentions) values (?, ?, ?)",
                        [(article_id, e.entity_id, e.mentions) for e in analysis.entities])


def _save_figures(db: Database, article_id: int, analysis: Analysis) -> None:
    db.execute("delete from figures where article_id = ?", [article_id])
    for figure in analysis.figures:
        db.table("figures").insert({"article_id": article_id, **asdict(figure)})


def _save_bands(db: Database, article_id: int, fingerprint: Fingerprint) -> None:
    db.conn.executemany("insert or ignore into lsh_bands (band_key, article_id) values (?, ?)",
                        [(key, article_id) for key in fingerprint.band_keys])


def update_analysis(archive: Archive, article_id: int, article: Article, analysis: Analysis,
                    channels: tuple[Channel, ...], now: str, page: Page | None = None) -> bool:
    """Re-scored article written back (reprocess, or a changed page with its new raw bytes);
    True when its relevance flag changed."""
    with writing(archive.db):
        before = archive.db.table("articles").get(article_id)
        changes = {
            "title": article.title, "text": article.text, "language": article.language,
            "relevant": int(analysis.relevant), "score": round(analysis.score, 4),
            "reasons": reasons_json(analysis),
        }
        if page is not None:
            _save_raw_page(archive.db, page, before["canonical_url"])
            changes.update(published=article.published or before["published"], author=article.author,
                           fetched_at=page.fetched_at)
        archive.db.table("articles").update(article_id, changes)
        _save_entities(archive.db, article_id, analysis)
        _save_figures(archive.db, article_id, analysis)
        story_id = before["story_id"]
        if story_id is not None:
            story = stories.refresh(archive.db, story_id)
            if story.relevant and before["duplicate_of"] is None:
                outbox.queue_story_alerts(archive.db, story_id, story.score, channels, now)
    return bool(before["relevant"]) != analysis.relevant


def raw_page_changed(archive: Archive, article_id: int, body: bytes) -> bool:
    """True when `body` differs from the raw page stored for the article."""
    rows = list(archive.db.query(
        "select r.body_sha256 from raw_pages r join articles a on a.raw_page_id = r.id where a.id = ?",
        [article_id]))
    return not rows or rows[0]["body_sha256"] != sha256_hex(body)


def iter_raw_pages(archive: Archive) -> Iterator[tuple[int, Page]]:
    """Every stored raw page with the id of its article, rebuilt as a Page (for reprocess), one at a time."""
    ids = [row["id"] for row in archive.db.query(
        "select id from articles where raw_page_id is not null order by id")]
    for article_id in ids:
        rows = list(archive.db.query(
            "select r.* from raw_pages r join articles a on a.raw_page_id = r.id where a.id = ?", [article_id]))
        if rows:
            yield article_id, _page_from_row(rows[0])


def _page_from_row(row: dict) -> Page:
    return Page(url=row["url"], source=row["source"], fetched_at=row["fetched_at"],
                body=zlib.decompress(row["body"]), content_type=row["content_type"] or "text/html",
                status=row["status"] or 200, encoding=row["encoding"],
                headers=tuple((str(k), str(v)) for k, v in json.loads(row["headers"] or "[]")),
                hints=PageHints(**json.loads(row["hints"] or "{}")))
