"""The one processing path on in-memory archives: every stage in order, once per page."""

from dataclasses import replace
from pathlib import Path

from monitor.config.load import parse_config
from monitor.flow import FlowContext, analyse_page, process_page, reprocess
from monitor.models import Page, Rejected, Stored
from monitor.sources.seeds import seed_pages
from monitor.stages.watchlist import build_watchlist
from monitor.store import open_archive

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NOW = "2026-01-02T03:04:05+00:00"


def context(threshold: float = 0.5) -> FlowContext:
    config = parse_config({"relevance": {"threshold": threshold}})
    return FlowContext(archive=open_archive(":memory:"), watchlist=build_watchlist(config.relevance),
                       channels=())


def test_seeds_become_relevant_articles_once() -> None:
    ctx = context()
    outcomes = [process_page(page, ctx, NOW) for page in seed_pages(SEEDS, "seeds", NOW)]
    assert all(isinstance(o, Stored) and o.new and o.relevant for o in outcomes)
    again = [process_page(page, ctx, NOW) for page in seed_pages(SEEDS, "seeds", NOW)]
    assert [o.new for o in again if isinstance(o, Stored)] == [False] * 5
    assert [o.article_id for o in again] == [o.article_id for o in outcomes]  # type: ignore[union-attr]
    assert ctx.archive.db["articles"].count == 5


def test_rejected_pages_are_not_stored() -> None:
    ctx = context()
    outcome = process_page(Page(url="file:///empty.txt", source="s", fetched_at=NOW, body=b"",
                                content_type="text/plain"), ctx, NOW)
    assert outcome == Rejected("extract", "empty", "file:///empty.txt", "no content")
    assert ctx.archive.db["articles"].count == 0 and ctx.archive.db["raw_pages"].count == 0


def test_exact_copy_at_another_url_is_a_duplicate() -> None:
    ctx = context()
    body = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_bytes()
    first = process_page(Page(url="https://a.example/x", source="a", fetched_at=NOW, body=body,
                              content_type="text/plain"), ctx, NOW)
    copy = process_page(Page(url="https://b.example/y", source="b", fetched_at=NOW, body=body,
                             content_type="text/plain"), ctx, NOW)
    assert isinstance(first, Stored) and isinstance(copy, Stored)
    assert (copy.new, copy.duplicate_of, copy.story_id, copy.alerts_queued) == (
        True, first.article_id, first.story_id, 0)


def test_analyse_page_needs_no_archive() -> None:
    page = next(iter(seed_pages(SEEDS, "seeds", NOW)))
    result = analyse_page(page, context())
    assert not isinstance(result, Rejected)
    article, analysis = result
    assert article.title == "Putin instructs government to craft plan for rare-earth metals"
    assert analysis.relevant


def test_reprocess_counts_relevance_flips() -> None:
    ctx = context()
    for page in seed_pages(SEEDS, "seeds", NOW):
        process_page(page, ctx, NOW)
    strict = FlowContext(archive=ctx.archive, watchlist=build_watchlist(
        parse_config({"relevance": {"threshold": 1.0}}).relevance), channels=())
    report = reprocess(strict, NOW)
    still = ctx.archive.db.execute("select count(*) from articles where relevant = 1").fetchone()[0]
    assert (report.articles, report.rejected, report.changed_relevance) == (5, 0, 5 - still)


def test_a_changed_page_is_updated_in_place_only_when_refreshing() -> None:
    ctx = context()
    base = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_text("utf-8")
    url = "https://gov.example/notice"
    first = process_page(Page(url=url, source="gov", fetched_at=NOW, body=base.encode(), content_type="text/plain"),
                         ctx, NOW)
    assert isinstance(first, Stored)
    updated = base + "\nUpdate: the ministry published the final quota of 2,500 tonnes for rare-earth concentrate."
    changed = Page(url=url, source="gov", fetched_at="2026-01-03T00:00:00+00:00", body=updated.encode(),
                   content_type="text/plain")
    assert process_page(changed, ctx, NOW) == replace(first, new=False, new_story=False, alerts_queued=0)
    assert "final quota" not in ctx.archive.db["articles"].get(first.article_id)["text"]
    again = process_page(changed, ctx, NOW, refresh=True)
    assert isinstance(again, Stored) and (again.article_id, again.new) == (first.article_id, False)
    row = ctx.archive.db["articles"].get(first.article_id)
    assert "final quota of 2,500 tonnes" in row["text"] and row["fetched_at"] == "2026-01-03T00:00:00+00:00"
    assert ctx.archive.db["articles"].count == 1 and ctx.archive.db["raw_pages"].count == 1
    assert process_page(changed, ctx, NOW, refresh=True) == again  # same bytes again: nothing to do
