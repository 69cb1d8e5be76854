"""Relevance on the labelled set: precision and recall for 'policy', and the signals behind scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.config.load import RelevanceConfig
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.relevance import detect_language, lead_end
from monitor.stages.watchlist import Watchlist, build_watchlist

EVAL = Path(__file__).resolve().parents[1] / "data" / "relevance" / "eval.jsonl"


def article(title: str, text: str, language: str | None = None) -> Article:
    return Article(url="https://example.org/a", canonical_url="https://example.org/a", source="test",
                   fetched_at="2025-01-01T00:00:00Z", title=title, text=text, language=language)


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return build_watchlist(RelevanceConfig())


def load_set() -> list[dict[str, str]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_eval_set_shape() -> None:
    rows = load_set()
    assert len(rows) >= 100
    assert {r["label"] for r in rows} == {"policy", "rare-earth-not-policy", "other-minerals", "unrelated"}
    assert {"en", "zh", "ru", "ja"} <= {r["language"] for r in rows}
    assert len({r["id"] for r in rows}) == len(rows)


def test_policy_precision_and_recall(watchlist: Watchlist) -> None:
    tp = fp = fn = 0
    for row in load_set():
        predicted = analyse(article(row["title"], row["text"]), watchlist).relevant
        gold = row["label"] == "policy"
        tp, fp, fn = tp + (gold and predicted), fp + (predicted and not gold), fn + (gold and not predicted)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_both_signals_are_needed(watchlist: Watchlist) -> None:
    ree_only = article("Neodymium prices climb", "NdPr oxide prices rose as magnet makers restocked rare earths.")
    policy_only = article("Zimbabwe bans lithium ore exports",
                          "The government banned exports of lithium ore under a new decree and export controls.")
    both = article("China tightens rare earth export controls",
                   "China's Ministry of Commerce added rare earths to its export control list, requiring licences.")
    scores = [analyse(a, watchlist).score for a in (ree_only, policy_only, both)]
    assert scores[0] < 0.3 and scores[1] < 0.3 and scores[2] > 0.7


def test_passing_mention_in_other_minerals_story_scores_low(watchlist: Watchlist) -> None:
    text = ("Indonesia banned nickel ore exports and imposed export quotas on nickel pig iron.\n"
            "The nickel policy, officials said, mirrors China's approach to rare earths.\n"
            "Nickel smelters must obtain new licences; nickel prices rose.")
    assert analyse(article("Indonesia extends nickel export ban", text), watchlist).score < 0.5


def test_penalty_for_share_price_story(watchlist: Watchlist) -> None:
    text = ("Shares rose 12% after the rare earth miner said the government's export controls lifted prices. "
            "Analysts raised the price target; the stock trades near a 52-week high.")
    result = analyse(article("Rare earth stock soars", text), watchlist)
    assert any(r.kind == "penalty" and r.term == "price target" for r in result.reasons)
    assert result.score < 0.5


def test_reasons_name_terms_and_zones(watchlist: Watchlist) -> None:
    result = analyse(article("Rare earth export ban", "Officials said the ban would start in May."), watchlist)
    kinds = {(r.term, r.kind, r.where) for r in result.reasons}
    assert {("rare earths", "ree", "title"), ("export ban", "policy", "title"), ("ban", "policy", "lead")} <= kinds


def test_user_exclusion_zeroes_the_score() -> None:
    watchlist = build_watchlist(RelevanceConfig(exclude=("sponsored content",)))
    result = analyse(article("China rare earth export controls", "Sponsored content. Export controls on rare earths."),
                     watchlist)
    assert (result.score, result.relevant, result.reasons[0].kind) == (0.0, False, "exclude")


def test_language_detection_and_declared_language() -> None:
    assert detect_language("", "中国对稀土实施出口管制，商务部发布公告。") == "zh"
    assert detect_language("", "Правительство утвердило дорожную карту.") == "ru"
    assert detect_language("", "政府はレアアースの備蓄を拡充する方針を固めた。") == "ja"
    assert detect_language("", "anything", "zh-Hans") == "zh"


def test_lead_is_first_two_paragraphs_within_bounds() -> None:
    text = "a" * 400 + "\n" + "b" * 400 + "\n" + "c" * 400
    assert lead_end(text) == 801
    assert lead_end("short\ntext\nmore") == len("short\ntext\nmore")
    assert lead_end("x" * 5000) == 1200
