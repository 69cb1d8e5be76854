"""build_watchlist: package terms per language plus the user's config; matching rules per language."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.config.load import RelevanceConfig, WatchTerm
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.entities import default_matcher, find_matches
from monitor.stages.textfold import fold
from monitor.stages.watchlist import MATCH_MODES, build_watchlist, language_files


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


# ---- issue 13: one vocabulary file per language, match modes, Arabic-script folding

REQUIRED = {"en", "zh", "ja", "ko", "ru", "uk", "kk", "es", "pt", "fr", "de", "it", "ar", "fa", "hi", "id", "vi", "tr", "da"}


def test_every_required_language_has_a_vocabulary_with_policy_and_rare_earth_context() -> None:
    files = {f["language"]: f for f in language_files()}
    assert set(files) >= REQUIRED
    for language, data in files.items():
        kinds = {kind for group in data["term"] for kind in group["kind"].split("+")}
        assert {"policy", "critical", "actor", "penalty", "other"} <= kinds, language
        modes = {group.get("match", data["match"]) for group in data["term"]}
        assert modes <= set(MATCH_MODES), language


def test_detected_codes_map_to_vocabularies() -> None:
    watchlist = build_watchlist(RelevanceConfig())
    assert watchlist.active("zh-Hant") == frozenset({"zh", "en", "ja"})
    assert watchlist.active("ms") == frozenset({"id", "en"})
    assert watchlist.active("uk") == frozenset({"uk", "en", "ru"})
    assert watchlist.active("kl") == frozenset({"da", "en"})
    assert watchlist.active("sw") is None  # no vocabulary: every one applies


def test_compounds_and_suffixes_match_in_their_languages() -> None:
    watchlist = build_watchlist(RelevanceConfig())
    cases = [("Peking verhängt ein Exportverbot für Seltenerdmetalle.", "exportverbot"),
             ("중국이 희토류 수출통제를 발표했다.", "수출통제"),
             ("Çin ihracat kısıtlamalarını genişletti.", "ihracat kısıtlama")]
    for text, term in cases:
        assert term in {m.entry.name for m in find_matches(text, watchlist.terms)}, text


@given(st.text(alphabet=st.sampled_from("abc ءآأؤإئابةتـيىكکیًٌٍَُِّْ\u200c-İI\n"), max_size=60))
def test_fold_keeps_length_and_match_offsets_stay_in_text(text: str) -> None:
    assert len(fold(text)) == len(text)
    for match in find_matches(text, default_matcher()):
        assert 0 <= match.start < match.end <= len(text)


def test_arabic_letter_variants_fold_together() -> None:
    assert fold("الأرضية النادرة") == fold("الارضيه النادره")
    assert fold("كمياب") == fold("کمیاب")
