"""Headline-only articles in the archive: which rows they are, their retries, and their upgrade in place.

A headline-only article (`text_source = 'feed'`) keeps its row, story and alert when its full
page arrives: the text, analysis, fingerprint and raw page are replaced, nothing is inserted.
"""

from __future__ import annotations

from monitor.models import Analysis, Article, Channel, Fingerprint, Page
from monitor.store.archive import Archive, pack_minhash, update_analysis
from monitor.store.transaction import writing


def is_headline_only(archive: Archive, article_id: int) -> bool:
    rows = list(archive.db.query("select text_source from articles where id = ?", [article_id]))
    return bool(rows) and rows[0]["text_source"] == "feed"


def record_headline_attempt(archive: Archive, article_id: int, now: str) -> None:
    """The full page was tried again and still refused: the next try waits its turn from now."""
    with writing(archive.db):
        archive.db.execute(
            "update raw_pages set fetched_at = ? where id = (select raw_page_id from articles where id = ?)",
            [now, article_id])


def upgrade_headline(archive: Archive, article_id: int, page: Page, article: Article, analysis: Analysis,
                     fingerprint: Fingerprint, channels: tuple[Channel, ...], now: str) -> None:
    """Replace a headline-only article by its full page, in place: same row, same story, no second alert
    (the outbox holds one alert per story and channel)."""
    with writing(archive.db):
        update_analysis(archive, article_id, article, analysis, channels, now, page=page)
        changes = {"text_source": article.text_source, "content_hash": fingerprint.content_hash,
                   "minhash": pack_minhash(fingerprint.minhash), "site_name": article.site_name,
                   "description": article.description}
        if article.published:
            changes["date_source"] = article.date_source
        archive.db.table("articles").update(article_id, changes)
        archive.db.execute("delete from lsh_bands where article_id = ?", [article_id])
        archive.db.conn.executemany("insert or ignore into lsh_bands (band_key, article_id) values (?, ?)",
                                    [(key, article_id) for key in fingerprint.band_keys])
