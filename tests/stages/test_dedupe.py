"""Dedupe on its own (pure functions) and through the one processing path on in-memory archives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dedupe_fixtures import (
    EXPECTED_DUPLICATES,
    EXPECTED_STORIES,
    KOREAN_HEADLINE_A,
    WIRE_A,
    families,
    foreign_pages,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.alerting.atom import render_atom
from monitor.config.load import DedupeConfig, parse_config
from monitor.flow import FlowContext, prepare_dedupe, process_page
from monitor.models import Article, Channel, Stored
from monitor.sources.seeds import seed_pages
from monitor.stages.analyse import analyse
from monitor.stages.dedupe import band_keys, decide, estimated_jaccard, fingerprint, lsh_shape, shingles
from monitor.stages.profile import article_profile, weighted
from monitor.stages.watchlist import build_watchlist
from monitor.store import open_archive
from monitor.store.candidates import find_candidates, term_idf
from monitor.store.feed import FeedStory
from monitor.store.lsh import stored_settings
from monitor.store.stories import story_view

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NOW = "2026-01-02T03:04:05+00:00"


def context(title_language: str = "en", **dedupe: object) -> FlowContext:
    config = parse_config({"dedupe": dedupe, "stories": {"language": title_language}})
    archive = replace(open_archive(":memory:"), title_language=config.stories.language)
    prepare_dedupe(archive, config.dedupe)
    return FlowContext(archive=archive, watchlist=build_watchlist(config.relevance),
                       channels=(Channel(name="console"),), dedupe=config.dedupe)


def article(text: str) -> Article:
    return Article(url="https://a.example/x", canonical_url="https://a.example/x", source="s",
                   fetched_at=NOW, title="t", text=text)


def test_fingerprint_ignores_case_punctuation_and_spacing() -> None:
    first = fingerprint(article("China adds five rare earths, the ministry said."))
    second = fingerprint(article("china  adds five RARE earths -- the ministry said"))
    assert first == second
    assert len(first.minhash) == 128 and len(first.band_keys) == lsh_shape(0.6, 128)[0]


def test_minhash_estimates_jaccard_of_word_shingles() -> None:
    body = WIRE_A.split()
    edited = [*body[:20], "inserted", "words", "here", *body[20:]]
    first, second = shingles([w.lower() for w in body], 3), shingles([w.lower() for w in edited], 3)
    exact = len(first & second) / len(first | second)
    estimate = estimated_jaccard(fingerprint(article(" ".join(body))).minhash,
                                 fingerprint(article(" ".join(edited))).minhash)
    assert abs(estimate - exact) < 0.1


def test_band_keys_name_their_shape_so_other_settings_never_collide() -> None:
    signature = tuple(range(128))
    assert [key.rsplit(":", 1)[0] for key in band_keys(signature, 2, 3)] == ["2x3:0", "2x3:1"]
    assert not set(band_keys(signature, 14, 9)) & set(band_keys(signature, 18, 7))


@given(st.lists(st.sampled_from(["rare", "earth", "china", "export", "ban", "magnet", "quota"]), min_size=1,
                max_size=40), st.sampled_from([" ", "  ", "\n", ", "]))
def test_spacing_and_punctuation_never_change_the_fingerprint(words: list[str], separator: str) -> None:
    assert fingerprint(article(separator.join(words))) == fingerprint(article(" ".join(words).upper()))


def _outcomes(ctx: FlowContext) -> dict[str, Stored]:
    found = {}
    for page in families():
        outcome = process_page(page, ctx, page.fetched_at)
        assert isinstance(outcome, Stored), outcome
        found[page.url] = outcome
    return found


def test_fixture_families_land_in_their_stories() -> None:
    ctx = context()
    outcomes = _outcomes(ctx)
    stories: dict[int, set[str]] = {}
    for url, outcome in outcomes.items():
        stories.setdefault(outcome.story_id or 0, set()).add(url)
    assert sorted(stories.values(), key=len, reverse=True) == EXPECTED_STORIES
    urls = {o.article_id: url for url, o in outcomes.items()}
    kinds = {row["id"]: row["story_reason"].split(" ")[0] for row in ctx.archive.db.query(
        "select id, story_reason from articles")}
    duplicates = {url: ({"same": "exact-duplicate", "near": "duplicate"}[kinds[o.article_id]],
                        urls[o.duplicate_of]) for url, o in outcomes.items() if o.duplicate_of}
    assert duplicates == EXPECTED_DUPLICATES


def test_one_alert_per_story_and_duplicates_never_alert() -> None:
    ctx = context()
    outcomes = list(_outcomes(ctx).values())
    assert [o.alerts_queued for o in outcomes] == [1, 0, 0, 0, 0, 0, 1, 0, 1]
    assert [o.new_story for o in outcomes] == [True, False, False, False, False, False, True, False, True]
    alerts = list(ctx.archive.db.query("select story_id, channel, status from alerts order by id"))
    assert alerts == [{"story_id": s, "channel": "console", "status": "pending"} for s in (1, 2, 3)]


def test_story_rows_count_outlets_and_keep_the_best_title() -> None:
    ctx = context()
    _outcomes(ctx)
    rows = list(ctx.archive.db.query(
        "select id, title, article_count, outlet_count, outlets, published from stories order by id"))
    assert rows == [
        {"id": 1, "title": rows[0]["title"], "article_count": 6, "outlet_count": 6,
         "outlets": '["wire.example", "news-a.example", "herald.example", "daily-b.example", '
                    '"metals-c.example", "policy-d.example"]', "published": "2025-10-09"},
        {"id": 2, "title": "China grants first general licences for rare-earth magnet exports", "article_count": 2,
         "outlet_count": 2, "outlets": '["wire.example", "metals-c.example"]', "published": "2025-10-13"},
        {"id": 3, "title": "China puts more rare earths under export control", "article_count": 1,
         "outlet_count": 1, "outlets": '["wire.example"]', "published": "2026-10-12"},
    ]
    assert rows[0]["title"] in {page.hints.title for page in families()[:6]}


def test_story_reasons_explain_each_decision() -> None:
    ctx = context()
    _outcomes(ctx)
    reasons = [row["story_reason"] for row in ctx.archive.db.query("select story_reason from articles order by id")]
    assert reasons[0] == "new event: no story in the window shares its names or words"
    assert reasons[1] == "same text as article 1"
    assert reasons[2].startswith("near copy of article 1 (text similarity 0.")
    assert reasons[4].startswith("same event as story 1: score ") and "1 days apart" in reasons[4]
    assert reasons[6].startswith("new event: closest story 1 score ") and reasons[6].endswith("< 0.32")
    assert reasons[8] == "new event: no story in the window shares its names or words"


def test_seeds_form_one_story_of_four_outlets_with_one_alert() -> None:
    ctx = context()
    outcomes = [process_page(page, ctx, NOW) for page in seed_pages(SEEDS, "seeds", NOW)]
    assert all(isinstance(o, Stored) for o in outcomes)
    story_ids = [o.story_id for o in outcomes]  # type: ignore[union-attr]
    assert len(set(story_ids[:4])) == 1 and len(set(story_ids)) <= 2
    family = next(ctx.archive.db.query("select article_count, outlet_count, outlets from stories where id = ?",
                                       [story_ids[0]]))
    assert family == {"article_count": 4, "outlet_count": 4, "outlets": (
        '["000_7c367b0aa2492a6b.txt", "001_de354b192c61008b.txt", "002_0e4a6e20a33d7ec7.txt", '
        '"003_57c69fa7a3358e0d.txt"]')}
    alerted = [row["story_id"] for row in ctx.archive.db.query("select story_id from alerts")]
    assert alerted.count(story_ids[0]) == 1 and all(o.duplicate_of is None for o in outcomes)  # type: ignore


def test_seed_001_is_stored_without_its_repeated_paragraphs() -> None:
    ctx = context()
    for page in seed_pages(SEEDS, "seeds", NOW):
        process_page(page, ctx, NOW)
    text = next(ctx.archive.db.query("select text from articles where url like '%001_de354b192c61008b.txt'"))["text"]
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == len(set(paragraphs)) == 7


def test_lsh_index_is_rebuilt_when_the_threshold_changes() -> None:
    ctx = context()
    _outcomes(ctx)
    db = ctx.archive.db
    assert stored_settings(db) == {"bands": 25, "num_perm": 128, "rows": 5, "scheme": "affine32", "seed": 1,
                                   "shingle_words": 3}
    assert prepare_dedupe(ctx.archive, DedupeConfig()) == 0
    assert prepare_dedupe(ctx.archive, DedupeConfig(near_duplicate=0.8)) == 9
    keys = {row["band_key"].split(":")[0] for row in db.query("select band_key from lsh_bands")}
    assert keys == {"14x9"} and db["lsh_bands"].count == 14 * 9
    assert prepare_dedupe(ctx.archive, DedupeConfig(near_duplicate=0.8, shingle_words=4)) == 9
    assert stored_settings(db)["shingle_words"] == 4  # type: ignore[index]


def test_a_rebuilt_index_still_finds_copies() -> None:
    ctx = context()
    for page in families()[:1]:
        process_page(page, ctx, page.fetched_at)
    prepare_dedupe(ctx.archive, DedupeConfig(near_duplicate=0.7, shingle_words=2))
    strict = FlowContext(archive=ctx.archive, watchlist=ctx.watchlist, channels=ctx.channels,
                         dedupe=DedupeConfig(near_duplicate=0.7, shingle_words=2))
    copy = families()[2]
    outcome = process_page(copy, strict, copy.fetched_at)
    assert isinstance(outcome, Stored) and outcome.duplicate_of == 1


def test_the_alert_view_lists_every_outlet_once_originals_first() -> None:
    ctx = context()
    _outcomes(ctx)
    view = story_view(ctx.archive.db, 2)
    assert view is not None and view.title == "China grants first general licences for rare-earth magnet exports"
    assert sorted(view.outlets) == [("metals-c.example", "https://metals-c.example/news/beijing-eases-magnet-bottleneck"),
                                    ("wire.example", "https://wire.example/markets/china-general-licences-magnets")]
    first = story_view(ctx.archive.db, 1)
    assert first is not None and {name for name, _ in first.outlets} == {
        "wire.example", "news-a.example", "herald.example", "daily-b.example", "metals-c.example", "policy-d.example"}
    assert {name for name, _ in first.outlets[3:]} == {"news-a.example", "herald.example", "daily-b.example"}


def test_reports_in_other_languages_join_the_story_and_never_alert_again() -> None:
    ctx = context()
    first = _outcomes(ctx)[families()[0].url]
    for page in foreign_pages():
        outcome = process_page(page, ctx, page.fetched_at)
        assert isinstance(outcome, Stored)
        assert (outcome.story_id, outcome.new_story, outcome.alerts_queued) == (first.story_id, False, 0)
    row = next(ctx.archive.db.query("select languages, language_count, outlet_count from stories where id = ?",
                                    [first.story_id]))
    assert row == {"languages": '["en", "zh", "ko"]', "language_count": 3, "outlet_count": 8}
    view = story_view(ctx.archive.db, first.story_id or 0)
    assert view is not None and view.languages == ("en", "zh", "ko")
    assert {"zh-news.example", "ko-news.example"} <= {name for name, _ in view.outlets}
    atom = render_atom([FeedStory(view=view, updated=NOW)], "remon", NOW)
    assert "languages: en, zh, ko" in atom and 'href="https://ko-news.example/article/20251009"' in atom
    browse = next(ctx.archive.db.query("select languages, language_count, outlet_count from relevant_stories "
                                       "where story = ?", [first.story_id]))
    assert browse == row


def test_story_title_is_in_the_users_language_when_an_article_is() -> None:
    ctx = context(title_language="zh")
    first = _outcomes(ctx)[families()[0].url]
    for page in foreign_pages():
        process_page(page, ctx, page.fetched_at)
    titles = [row["title"] for row in ctx.archive.db.query("select title from stories order by id")]
    assert titles[0] == foreign_pages()[0].hints.title
    assert titles[1] == families()[6].hints.title  # no Chinese article: the best one
    assert first.story_id == 1


EVENT = [families()[i] for i in (0, 4, 5, 6, 7)] + foreign_pages()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(len(EVENT))))
def test_one_alert_per_story_and_channel_in_any_order(order: list[int]) -> None:
    ctx = context()
    outcomes, alerted = {}, set()
    for index in order:
        outcome = process_page(EVENT[index], ctx, EVENT[index].fetched_at)
        assert isinstance(outcome, Stored)
        outcomes[EVENT[index].url] = outcome
        assert outcome.alerts_queued == (0 if outcome.story_id in alerted or not outcome.relevant else 1)
        alerted.update({outcome.story_id} if outcome.alerts_queued else set())
    alerts = [row["story_id"] for row in ctx.archive.db.query("select story_id from alerts where channel = 'console'")]
    stories = {o.story_id for o in outcomes.values()}
    assert sorted(alerts) == sorted(stories)
    event_a = {outcomes[page.url].story_id for page in EVENT if page not in (families()[6], families()[7])}
    assert len(event_a) == 1 and len(stories) == 2


def test_a_headline_only_item_in_another_language_joins_its_story_by_anchors() -> None:
    ctx = context()
    story = _outcomes(ctx)[families()[0].url].story_id
    title, _, text = KOREAN_HEADLINE_A.partition("\n\n")
    item = Article(url="https://search.example/ko/1", canonical_url="https://search.example/ko/1", source="s",
                   fetched_at="2025-10-10T08:00:00+00:00", title=title, text=text, language="ko")
    profile = article_profile(item, analyse(item, ctx.watchlist))
    candidates = find_candidates(ctx.archive, fingerprint(item), profile, item.fetched_at, 10)
    idf = term_idf(ctx.archive.db, profile)
    decision = decide(weighted(profile, idf), fingerprint(item), candidates, idf, ctx.dedupe)
    assert (decision.kind, decision.story_id) == ("joins-story", story)
    assert "by its anchors" in decision.reason and "export-control" in decision.reason
