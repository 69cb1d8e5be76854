"""analyse() over the seeds and explain() lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config.load import RelevanceConfig
from monitor.models import Analysis, Article, EntityMention, Reason
from monitor.stages.analyse import analyse, explain
from monitor.stages.watchlist import Watchlist, build_watchlist

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return build_watchlist(RelevanceConfig())


def seed_article(path: Path) -> Article:
    title, _, text = path.read_text(encoding="utf-8").partition("\n")
    return Article(url=path.as_uri(), canonical_url=path.as_uri(), source="seeds",
                   fetched_at="2025-11-06T00:00:00Z", title=title, text=text)


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seeds_are_relevant_with_key_entities(path: Path, watchlist: Watchlist) -> None:
    result = analyse(seed_article(path), watchlist)
    names = {e.name for e in result.entities}
    assert result.relevant and result.score >= watchlist.threshold
    assert {"Russia", "China", "United States", "Ukraine", "Vladimir Putin"} <= names
    if path.name.startswith("004"):
        assert {"Tomtor", "Zashikhinskoye", "Rosatom"} <= names
        ids = {e.entity_id for e in result.entities}
        assert {"deposit:tomtor", "agency:rosatom", "person:vladimir-putin", "country:russia"} <= ids


def test_seed_figures(watchlist: Watchlist) -> None:
    stated = {f.stated for path in SEEDS for f in analyse(seed_article(path), watchlist).figures}
    assert {"28.7 million tonnes", "28.5 million tons", "3.8M–28.5M tons", "2,500 tonnes", "10-12%",
            "by 2030", "$350 billion", "60%"} <= stated


def test_analysis_is_deterministic(watchlist: Watchlist) -> None:
    article = seed_article(SEEDS[0])
    assert analyse(article, watchlist) == analyse(article, watchlist)


def test_threshold_from_config() -> None:
    article = seed_article(SEEDS[0])
    assert analyse(article, build_watchlist(RelevanceConfig(threshold=1.0))).relevant is False


def test_explain_line() -> None:
    analysis = Analysis(score=0.9, relevant=True, reasons=(
        Reason("rare earths", "ree", "title", 3.0, 1), Reason("rare earths", "ree", "body", 2.5, 11),
        Reason("roadmap", "policy", "lead", 1.5, 1), Reason("directive", "policy", "body", 1.2, 1),
        Reason("price target", "penalty", "body", 1.2, 1)),
        entities=(EntityMention("country:russia", "Russia", "country", 9),
                  EntityMention("element:neodymium", "Neodymium", "element", 5),
                  EntityMention("person:vladimir-putin", "Vladimir Putin", "person", 3)))
    assert explain(analysis) == ("rare earths ×12 (title), roadmap, directive; Russia, Vladimir Putin "
                                 "(against: price target)")
    assert explain(Analysis(score=0.0, relevant=False)) == "no rare-earth policy signal"


def test_explain_seed(watchlist: Watchlist) -> None:
    line = explain(analyse(seed_article(SEEDS[1]), watchlist))
    assert line.startswith("rare earths ×") and "Vladimir Putin" in line and "\n" not in line
