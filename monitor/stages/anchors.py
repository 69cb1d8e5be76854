"""Language-independent anchors of a report: action kinds, stated dates and years, normalised figures.

Two reports of one event in different languages share almost no words, but they name the same
kind of action (data/actions.toml: export control, quota, ban, suspension...), the same dates
and years, and the same figures. These anchors, with the gazetteer's entity ids, are what story
matching compares across languages (see profile.anchors and dedupe.score_story).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import lru_cache
from importlib import resources

from monitor.models import Figure
from monitor.stages.entities import find_entities

STORY_LANGUAGES = ("ko", "ar", "hi", "fa", "tr", "pl", "sv", "nb", "vi", "id", "de", "fr", "es", "pt", "it", "uk",
                   "th", "el", "da", "ms", "kk", "bg")  # pycountry translations added for story matching

SHORT_WORD = 4  # Latin/Cyrillic patterns this short match whole words only ('ban', not 'bank')
LANGUAGE_INDEPENDENT = ("act:", "date:", "year:", "fig:")  # prefixes of the anchors made here
# Scripts written without spaces or with attached particles: matched anywhere (CJK, Hangul, Arabic,
# Devanagari, Thai).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0670]")
_YEAR = re.compile(r"(?<![\d.,])(?:19[89]\d|20[0-3]\d)(?![\d.,]\d)")
_NUMERIC_DATES = (
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>(?:19|20)\d\d)\b"),
)


Words = tuple[tuple[str, "re.Pattern[str] | None"], ...]
Vocabulary = tuple[tuple[str, Words], ...]


@lru_cache(maxsize=1)
def action_patterns() -> Vocabulary:
    """The word beginnings of each action kind, from data/actions.toml (all languages together)."""
    return tuple((kind, _compile({w for words in languages.values() for w in words}))
                 for kind, languages in _read("actions.toml")["kind"].items())


def _compile(words: set[str]) -> Words:
    """Each word as (plain literal, boundary check): a fast substring search first, the regex only on a hit."""
    return tuple((plain, _boundary(plain)) for plain in sorted({_plain(word) for word in words if word.strip()}))


def _boundary(word: str) -> re.Pattern[str] | None:
    """None for a CJK-like string (anywhere); a word beginning, or a whole short word, otherwise."""
    if _CJK.search(word) or not word[:1].isalpha():
        return None
    escaped = re.escape(word)
    if len(word) <= SHORT_WORD:
        return re.compile(rf"(?<!\w){escaped}(?:s|es)?(?!\w)")
    return re.compile(rf"(?<!\w){escaped}")


def _count(plain: str, words: Words) -> int:
    total = 0
    for literal, boundary in words:
        if literal in plain:
            total += plain.count(literal) if boundary is None else len(boundary.findall(plain))
    return total


@lru_cache(maxsize=1)
def name_patterns() -> Vocabulary:
    """One alternation per gazetteer id: data/story_names.toml plus pycountry's country names in
    STORY_LANGUAGES for the countries listed in countries.toml."""
    names: dict[str, set[str]] = {}
    for entity_id, words in _read("story_names.toml")["names"].items():
        names.setdefault(entity_id, set()).update(words)
    for entity_id, words in _country_names().items():
        names.setdefault(entity_id, set()).update(words)
    return tuple((entity_id, _compile(words)) for entity_id, words in sorted(names.items()))


def _country_names() -> dict[str, set[str]]:
    import gettext

    import pycountry

    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
                    for language in STORY_LANGUAGES]
    found: dict[str, set[str]] = {}
    for code in _read("countries.toml").get("country", {}):
        country = pycountry.countries.get(alpha_2=code)
        ids = [entity.entity_id for entity in find_entities(country.name)] if country else []
        if country and ids:
            found[ids[0]] = {t.gettext(country.name) for t in translations} - {country.name}
    return found


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("monitor.data").joinpath(name).read_text("utf-8"))


def _plain(text: str) -> str:
    """Lower case without Arabic vowel marks (written in some texts, not in others)."""
    return _ARABIC_MARKS.sub("", text.lower())


def named_ids(text: str) -> list[str]:
    """Gazetteer ids (and 'mineral:' goods) named in the text in languages the gazetteer does not cover."""
    plain = _plain(text)
    return [entity_id for entity_id, words in name_patterns() for _ in range(_count(plain, words))]


def action_kinds(text: str) -> list[str]:
    """The action kinds the text names, most mentioned first (ties: vocabulary order)."""
    plain = _plain(text)
    counts = [(_count(plain, words), index, kind) for index, (kind, words) in enumerate(action_patterns())]
    return [kind for count, _, kind in sorted(counts, key=lambda item: (-item[0], item[1])) if count]


def numeric_dates(text: str) -> list[str]:
    """Full dates written with digits in any language ('2025年10月9日', '9.10.2025', '2025-10-09')."""
    found = []
    for pattern in _NUMERIC_DATES:
        for match in pattern.finditer(text):
            try:
                found.append(date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat())
            except ValueError:
                continue
    return found


def years(text: str) -> list[str]:
    """Years 1980-2039 written in the text (digits), in text order."""
    return _YEAR.findall(text)


def figure_anchor(figure: Figure) -> str:
    """A figure as value and unit, rounded so that '66,000 t' and '6.6万吨' agree: 'fig:66000tonnes'."""
    value = figure.value
    if value >= 100:
        digits = len(str(int(value))) - 2
        value = round(value, -digits)
    return f"fig:{value:g}{figure.unit}"


def language_independent(anchor: str) -> bool:
    """Whether an anchor means the same in every language (entity ids too: 'kind:slug')."""
    return anchor.startswith(LANGUAGE_INDEPENDENT) or not anchor.startswith(("name:", "n:"))
