"""The flow remembers rejected pages with their bytes, stores each article's language, and reprocess
re-judges remembered rejections offline."""

from __future__ import annotations

import zlib

from news_pages import by_language, news_page
from test_flow import NOW, context

from monitor.flow import process_page, reprocess
from monitor.models import Page, PageHints, Rejected, Stored
from monitor.store.rejections import record_rejection


def html_page(html: str, url: str, listed: str | None = None) -> Page:
    return Page(url=url, source="s", fetched_at=NOW, body=html.encode(), content_type="text/html; charset=utf-8",
                hints=PageHints(listed=listed))


def test_language_of_each_article_is_stored() -> None:
    ctx = context()
    expected = {}
    for language in ("de", "ja", "ar", "ru", "zh-Hant"):
        item = by_language()[language][0]
        outcome = process_page(html_page(news_page(item), f"https://x.example/{item.id}"), ctx, NOW)
        assert isinstance(outcome, Stored), (language, outcome)
        expected[outcome.article_id] = item.code
    stored = {row["id"]: row["language"] for row in ctx.archive.db.query("select id, language from articles")}
    assert stored == expected


def test_rejected_page_is_remembered_with_its_bytes_and_not_judged_twice() -> None:
    ctx = context()
    links = "".join(f'<li><a href="/n/{i}">Headline {i}</a></li>' for i in range(30))
    body = f"<html><body><ul>{links}</ul></body></html>"
    first = process_page(html_page(body, "https://x.example/tag/a?utm_source=x", listed="2025-01-01"), ctx, NOW)
    again = process_page(html_page(body, "https://x.example/tag/a", listed="2025-01-01"), ctx, NOW)
    assert isinstance(first, Rejected) and again == Rejected(first.stage, first.reason, first.url, first.detail)
    rows = list(ctx.archive.db.query("select * from rejections"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["canonical_url"], row["reason"], row["listed"], row["times"]) == (
        "https://x.example/tag/a", "not-article", "2025-01-01", 2)
    assert zlib.decompress(row["body"]).decode() == body


def test_reprocess_turns_a_wrongly_rejected_page_into_an_article() -> None:
    ctx = context()
    item = by_language()["ja"][0]
    page = html_page(news_page(item), "https://x.example/ja/1")
    # as an older version judged it: a Japanese report taken for "not an article"
    record_rejection(ctx.archive, page, "https://x.example/ja/1", Rejected("extract", "not-article"), NOW, "0.0.1")
    report = reprocess(ctx, NOW)
    assert (report.recovered, report.still_rejected) == (1, 0)
    assert ctx.archive.db["rejections"].count == 0
    assert [row["language"] for row in ctx.archive.db.query("select language from articles")] == ["ja"]
