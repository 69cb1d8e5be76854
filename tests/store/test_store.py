"""The archive: whole-row assertions on an in-memory database."""

import json
import sqlite3

import pytest

from monitor.models import (
    Analysis,
    Article,
    Channel,
    DedupeDecision,
    EntityMention,
    Figure,
    Fingerprint,
    Page,
    Reason,
)
from monitor.store import find_stored, known_urls, open_archive, save_processed
from monitor.store.archive import iter_raw_pages, pack_minhash, unpack_minhash
from monitor.store.outbox import mark_failed_attempt, mark_sent, pending_alerts

NOW = "2026-01-02T03:04:05+00:00"


def make(n: int, relevant: bool = True) -> tuple[Page, Article, Analysis, Fingerprint]:
    url = f"https://example.com/{n}"
    page = Page(url=url, source="wire", fetched_at=NOW, body=f"<p>body {n}</p>".encode())
    article = Article(url=url, canonical_url=url, source="wire", fetched_at=NOW, title=f"Title {n}",
                      text=f"Text {n}", published="2025-12-01", date_source="metadata", language="en")
    analysis = Analysis(score=0.9 if relevant else 0.1, relevant=relevant,
                        reasons=(Reason("rare earths", "ree", "title", 0.5, 2),),
                        entities=(EntityMention("country:china", "China", "country", 3),),
                        figures=(Figure("mass", 2500.0, "tonnes", "2,500 tonnes", "It mines 2,500 tonnes.",
                                        "Russia"),))
    return page, article, analysis, Fingerprint(content_hash=f"h{n}", minhash=(1, 2, 3), band_keys=(f"b{n}",))


CHANNELS = (Channel("console"), Channel("json:abcd1234", url="json://127.0.0.1:1/x", min_score=0.95))


def test_save_writes_every_row_in_one_go() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(1)
    stored = save_processed(archive, page, article, analysis, print_,
                            DedupeDecision("new-story", "first report"), CHANNELS, NOW)
    assert (stored.new, stored.new_story, stored.alerts_queued, stored.relevant) == (True, True, 1, True)
    row = archive.db["articles"].get(stored.article_id)
    assert {k: row[k] for k in ("url", "canonical_url", "source", "title", "published", "fetched_at", "language",
                                "text", "content_hash", "relevant", "score", "story_id", "duplicate_of",
                                "story_reason")} == {
        "url": "https://example.com/1", "canonical_url": "https://example.com/1", "source": "wire",
        "title": "Title 1", "published": "2025-12-01", "fetched_at": NOW, "language": "en", "text": "Text 1",
        "content_hash": "h1", "relevant": 1, "score": 0.9, "story_id": stored.story_id, "duplicate_of": None,
        "story_reason": "first report"}
    assert json.loads(row["reasons"]) == [{"term": "rare earths", "kind": "ree", "where": "title",
                                           "weight": 0.5, "count": 2}]
    story = archive.db["stories"].get(stored.story_id)
    assert {k: story[k] for k in ("title", "first_seen", "last_seen", "article_count", "outlet_count",
                                  "outlets", "entities", "relevant")} == {
        "title": "Title 1", "first_seen": NOW, "last_seen": NOW, "article_count": 1, "outlet_count": 1,
        "outlets": '["wire"]', "entities": '["China"]', "relevant": 1}
    assert list(archive.db["entities"].rows) == [{"id": "country:china", "name": "China", "kind": "country"}]
    assert list(archive.db["article_entities"].rows) == [
        {"article_id": stored.article_id, "entity_id": "country:china", "mentions": 3}]
    figure = next(archive.db["figures"].rows)
    assert (figure["value"], figure["stated"], figure["entity"]) == (2500.0, "2,500 tonnes", "Russia")
    alerts = list(archive.db.query("select story_id, channel, status, attempts, sent_at, error from alerts"))
    assert alerts == [{"story_id": stored.story_id, "channel": "console", "status": "pending", "attempts": 0,
                       "sent_at": None, "error": None}]
    assert list(archive.db.query("select band_key, article_id from lsh_bands")) == [
        {"band_key": "b1", "article_id": stored.article_id}]


def test_raw_page_round_trips_compressed() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(2)
    save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), (), NOW)
    raw = next(archive.db["raw_pages"].rows)
    assert raw["body"] != page.body and raw["body_size"] == len(page.body)
    [(_, rebuilt)] = list(iter_raw_pages(archive))
    assert rebuilt == page


def test_irrelevant_story_queues_no_alert_and_duplicates_never_alert() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(3, relevant=False)
    first = save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), CHANNELS, NOW)
    assert first.alerts_queued == 0
    page, article, analysis, print_ = make(4, relevant=True)
    copy = save_processed(archive, page, article, analysis, print_,
                          DedupeDecision("duplicate", "copy", story_id=first.story_id, duplicate_of=first.article_id),
                          CHANNELS, NOW)
    assert (copy.duplicate_of, copy.alerts_queued, copy.story_id) == (first.article_id, 0, first.story_id)
    assert archive.db["stories"].get(first.story_id)["article_count"] == 2


def test_second_save_of_a_url_returns_the_stored_row() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(5)
    first = save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), CHANNELS, NOW)
    again = save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), CHANNELS, NOW)
    assert (again.new, again.article_id) == (False, first.article_id)
    assert archive.db["articles"].count == 1 and archive.db["stories"].count == 1
    assert find_stored(archive, "https://example.com/5") == again
    assert known_urls(archive, ["https://example.com/5", "https://example.com/6"]) == {"https://example.com/5"}


def test_outbox_marks_sent_once_and_fails_after_max_attempts() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(6)
    save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), CHANNELS, NOW)
    [alert] = pending_alerts(archive.db, "console", NOW)
    mark_failed_attempt(archive.db, alert.id, "refused", NOW, max_attempts=2)
    assert archive.db["alerts"].get(alert.id)["status"] == "pending"
    mark_failed_attempt(archive.db, alert.id, "refused again", NOW, max_attempts=2)
    row = archive.db["alerts"].get(alert.id)
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 2, "refused again")
    mark_sent(archive.db, alert.id, NOW)
    assert archive.db["alerts"].get(alert.id)["status"] == "failed"


def test_schema_migrations_are_reapplicable(tmp_path) -> None:
    path = tmp_path / "x.db"
    open_archive(path).close()
    archive = open_archive(path)
    assert archive.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {"articles", "stories", "alerts", "runs", "raw_pages", "entities", "article_entities", "figures",
            "articles_fts"} <= set(archive.db.table_names())
    with pytest.raises(sqlite3.IntegrityError):
        archive.db.execute("insert into alerts (channel, status, created_at) values ('c', 'bogus', 'x')")


def test_full_text_search_finds_stored_text() -> None:
    archive = open_archive(":memory:")
    page, article, analysis, print_ = make(7)
    save_processed(archive, page, article, analysis, print_, DedupeDecision("new-story", "x"), (), NOW)
    assert [r["title"] for r in archive.db["articles"].search("text")] == ["Title 7"]


def test_minhash_packing_round_trips() -> None:
    assert unpack_minhash(pack_minhash((0, 1, 2**32 - 1))) == (0, 1, 2**32 - 1)
    assert pack_minhash(()) is None and unpack_minhash(None) == ()
