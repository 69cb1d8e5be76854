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


_DAY_MONTH = (  # (day, month) written without a year, or with one: '10月9日', '10월 9일'
    re.compile(r"(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    re.compile(r"(?:(?P<year>(?:19|20)\d\d)\s*년\s*)?(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
)
_YEAR_AFTER = re.compile(r"^[\s,.]*(?:de\s+|del\s+|года?\s+|року\s+)?((?:19|20)\d\d)\b")


@lru_cache(maxsize=1)
def month_words() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, int]]:
    """'9 October' and 'October 9' patterns over every month name in data/months.toml, and name -> month."""
    number: dict[str, int] = {}
    for names in _read("months.toml")["month"].values():
        for month, name in enumerate(names, 1):
            number[_plain(name)] = month
            number.setdefault(_plain(name)[:3], month)
    alternation = "|".join(sorted(map(re.escape, number), key=len, reverse=True))
    word = rf"(?P<name>{alternation})\w*\.?"
    return (re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s+(?:de\s+)?{word}(?!\w)"),
            re.compile(rf"(?<!\w){word}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"), number)


def event_dates(text: str, reference: str) -> list[str]:
    """Dates the text states, in any of the known languages, with or without a year; a missing year is
    the reference date's (publication or fetch): '9 October' in a report of 10 October 2025 -> 2025-10-09."""
    found = numeric_dates(text)
    plain = _plain(text)
    day_first, month_first, number = month_words()
    for pattern in (day_first, month_first):
        for match in pattern.finditer(plain):
            year = _YEAR_AFTER.match(plain[match.end():match.end() + 12])
            found += _valid(year.group(1) if year else reference[:4], number[_name_key(match["name"], number)],
                            match["day"])
    for pattern in _DAY_MONTH:
        for match in pattern.finditer(text):
            found += _valid(match["year"] or reference[:4], int(match["month"]), match["day"])
    return list(dict.fromkeys(found))


def _name_key(name: str, number: dict[str, int]) -> str:
    return name if name in number else name[:3]


def _valid(year: str, month: int, day: str) -> list[str]:
    try:
        return [date(int(year), month, int(day)).isoformat()]
    except ValueError:
        return []


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
