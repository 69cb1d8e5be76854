"""Gazetteer matching: boundaries, case, plurals, hyphens, scripts, element symbols."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.models import EntityMention
from monitor.stages.entities import (
    Alias,
    Entry,
    build_matcher,
    default_matcher,
    find_entities,
    find_matches,
    fold,
    slug,
)


def names(text: str) -> dict[str, int]:
    return {e.name: e.mentions for e in find_entities(text)}


def test_find_entities_counts_whole_mentions() -> None:
    text = "Russian President Vladimir Putin met Chinese officials in Beijing; Putin said Russia would act."
    assert find_entities(text) == (
        EntityMention("country:russia", "Russia", "country", 2),
        EntityMention("person:vladimir-putin", "Vladimir Putin", "person", 2),
        EntityMention("country:china", "China", "country", 2),
    )


def test_rare_earth_plurals_hyphens_possessive_and_caps() -> None:
    assert names("Rare-earths, rare earth's supply and RARE EARTHS; a rare-earth magnet") == {
        "rare earths": 3, "rare-earth magnets": 1}


def test_symbols_only_in_element_lists() -> None:
    assert names("La, Ce, Nd and Pr oxides") == {
        "Lanthanum": 1, "Cerium": 1, "Neodymium": 1, "Praseodymium": 1}
    assert names("neodymium (Nd) and Dy") == {"Neodymium": 2, "Dysprosium": 1}
    assert names("NdPr oxide and NdFeB magnets") == {"NdPr oxide": 1, "rare-earth magnets": 1}


def test_no_match_inside_words_or_in_ordinary_language() -> None:
    assert names("La Tribune: Ce que je pense de La Poste") == {}
    assert names("Cement and lanyards; Celsius; Dynamo") == {}
    assert names("Gabon and the Gabonese") == {"Gabon": 2}
    assert names("Plug in the USB cable and tell us. LET US KNOW") == {}
    assert names("Dy prices rose") == {}


def test_acronyms_are_case_sensitive() -> None:
    assert names("US tariffs; the EU and the DoD; USGS data") == {
        "United States": 1, "European Union": 1, "US Department of Defense": 1, "USGS": 1}
    assert names("the eu and the dod") == {}


def test_proper_nouns_need_a_capital() -> None:
    assert names("a turkey dinner in Turkey, chinese food") == {"Türkiye": 1}


def test_metonyms_and_variants() -> None:
    assert names("Kyiv and Kiev; Beijing and Washington; Moscow; Brussels; the Kremlin") == {
        "Ukraine": 2, "China": 1, "United States": 1, "Russia": 1, "Belgium": 1, "Kremlin": 1}


def test_russian_case_endings() -> None:
    assert names("Россией, России и Китая; редкоземельных металлов; Путину; Росатом") == {
        "Russia": 2, "China": 1, "rare earths": 1, "Vladimir Putin": 1, "Rosatom": 1}


def test_chinese_and_japanese_need_no_boundaries() -> None:
    assert names("中国稀土出口管制，俄罗斯和美国") == {"China": 1, "rare earths": 1, "Russia": 1, "United States": 1}
    assert names("レアアース輸出規制で中国とロシア") == {"rare earths": 1, "China": 1, "Russia": 1}


def test_longest_match_wins() -> None:
    assert names("China Northern Rare Earth and USA Rare Earth") == {
        "China Northern Rare Earth": 1, "USA Rare Earth": 1}


def test_deposits_and_agencies_of_seed_004() -> None:
    found = {e.entity_id for e in find_entities("Rosatom develops Tomtor and the Zashikhinskoye deposit.")}
    assert found == {"agency:rosatom", "deposit:tomtor", "deposit:zashikhinskoye"}


def test_custom_matcher() -> None:
    entry = Entry("watch:widget", "widget", "policy")
    matcher = build_matcher([(entry, [Alias("widget")])])
    assert [(m.start, m.end) for m in find_matches("Widgets and a widget-maker", matcher)] == [(0, 7), (14, 20)]


def test_slug() -> None:
    assert [slug(s) for s in ("Vladimir Putin", "Türkiye", "Norra Kärr", "G7")] == [
        "vladimir-putin", "turkiye", "norra-karr", "g7"]


def test_fold_keeps_length() -> None:
    assert len(fold("İstanbul – rare-earth\n")) == len("İstanbul – rare-earth\n")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + " ,.-'()\n" + "中国稀土Россия", max_size=200))
def test_matches_sit_on_word_boundaries(text: str) -> None:
    for match in find_matches(text, default_matcher()):
        assert 0 <= match.start < match.end <= len(text)
        before = text[match.start - 1] if match.start else " "
        first = text[match.start]
        assert not (before.isascii() and before.isalnum() and first.isascii() and first.isalnum())
        after = text[match.end] if match.end < len(text) else " "
        last = text[match.end - 1]
        assert not (after.isascii() and after.isalnum() and last.isascii() and last.isalnum())
