"""build_watchlist: package terms plus the user's config."""

from __future__ import annotations

from monitor.config.load import RelevanceConfig, WatchTerm
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.watchlist import build_watchlist


def article(title: str, text: str) -> Article:
    return Article(url="u", canonical_url="u", source="t", fetched_at="2025-01-01T00:00:00Z", title=title, text=text)


def test_defaults() -> None:
    watchlist = build_watchlist(RelevanceConfig())
    assert (watchlist.threshold, watchlist.exclude) == (0.5, None)
    assert watchlist.entity_signal("agency") == ("actor", 1.0)
    assert watchlist.entity_signal("unknown") == ("none", 0.0)


def test_user_terms_add_signal() -> None:
    text = "The widget council approved a rare earth widget permit scheme for magnets."
    plain = analyse(article("Widget scheme", text), build_watchlist(RelevanceConfig()))
    custom = build_watchlist(RelevanceConfig(terms=(
        WatchTerm(term="widget council", aliases=("widget board",), kind="actor", weight=2.0),
        WatchTerm(term="widget scheme", kind="policy", weight=3.0))))
    boosted = analyse(article("Widget scheme", text), custom)
    assert boosted.score > plain.score
    assert {("widget council", "actor"), ("widget scheme", "policy")} <= {(r.term, r.kind) for r in boosted.reasons}


def test_user_penalty_lowers_score() -> None:
    text = "China's Ministry of Commerce imposed export controls on rare earths in a webinar."
    base = analyse(article("Rare earth export controls", text), build_watchlist(RelevanceConfig()))
    damped = analyse(article("Rare earth export controls", text), build_watchlist(
        RelevanceConfig(terms=(WatchTerm(term="webinar", kind="penalty", weight=-3.0),))))
    assert damped.score < base.score
