"""Language-independent anchors of a report: action kinds, stated dates and years, normalised figures.

Two reports of one event in different languages share almost no words, but they name the same
kind of action (data/actions.toml: export control, quota, ban, suspension...), the same dates
and years, and the same figures. These anchors, with the gazetteer's entity ids, are what story
matching compares across languages (see profile.anchors and dedupe.score_story).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
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
_SPACES = re.compile(r"\s+")
_WORD_START = re.compile(r"(?<!\w)\w")
_WORD_END = re.compile(r"(?:s|es)?(?!\w)")
_YEAR = re.compile(r"(?<![\d.,])(?:19[89]\d|20[0-3]\d)(?![\d.,]\d)")
_NUMERIC_DATES = (
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>(?:19|20)\d\d)\b"),
)


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


@dataclass(frozen=True)
class Vocabulary:
    """Literals that say which key (an action kind, an entity id) a text names, indexed for one pass.

    Word beginnings are looked up by the first two letters of each word of the text; strings of
    scripts written without spaces (CJK-like) are searched only in texts that have such characters.
    """

    starts: dict[str, tuple[tuple[str, str, bool], ...]]  # two letters -> (literal, key, whole word only)
    anywhere: tuple[tuple[str, str], ...]  # (literal, key)
    keys: tuple[str, ...]  # in data order


def vocabulary(entries: Iterable[tuple[str, Iterable[str]]]) -> Vocabulary:
    """A Vocabulary from (key, words) pairs; words are folded like texts (`_plain`)."""
    starts: dict[str, list[tuple[str, str, bool]]] = {}
    anywhere: list[tuple[str, str]] = []
    keys = []
    for key, words in entries:
        keys.append(key)
        for literal in sorted({_plain(word) for word in words if word.strip()}):
            if _CJK.search(literal) or not literal[:1].isalpha() or len(literal) < 2:
                anywhere.append((literal, key))
            else:
                starts.setdefault(literal[:2], []).append((literal, key, len(literal) <= SHORT_WORD))
    return Vocabulary({two: tuple(found) for two, found in starts.items()}, tuple(anywhere), tuple(keys))


def counts(text: str, words: Vocabulary) -> Counter[str]:
    """How often the text names each key: word beginnings (whole words, with 's'/'es', when short)."""
    plain = _plain(text)
    found: Counter[str] = Counter()
    for match in _WORD_START.finditer(plain):
        start = match.start()
        for literal, key, whole in words.starts.get(plain[start:start + 2], ()):
            if plain.startswith(literal, start) and (not whole or _WORD_END.match(plain, start + len(literal))):
                found[key] += 1
    if _CJK.search(plain):
        for literal, key in words.anywhere:
            found[key] += plain.count(literal)
    return +found


@lru_cache(maxsize=1)
def action_patterns() -> Vocabulary:
    """The word beginnings of each action kind, from data/actions.toml (all languages together)."""
    return vocabulary((kind, [w for words in languages.values() for w in words])
                      for kind, languages in _read("actions.toml")["kind"].items())


@lru_cache(maxsize=1)
def name_patterns() -> Vocabulary:
    """One alternation per gazetteer id: data/story_names.toml plus pycountry's country names in
    STORY_LANGUAGES for the countries listed in countries.toml."""
    names: dict[str, set[str]] = {}
    for entity_id, words in _read("story_names.toml")["names"].items():
        names.setdefault(entity_id, set()).update(words)
    for entity_id, words in _country_names().items():
        names.setdefault(entity_id, set()).update(words)
    return vocabulary(sorted(names.items()))


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
    """Lower case, single spaces, no Arabic vowel marks (written in some texts, not in others)."""
    return _SPACES.sub(" ", _ARABIC_MARKS.sub("", text.lower()))


def named_ids(text: str) -> list[str]:
    """Gazetteer ids (and 'mineral:' goods) named in the text in languages the gazetteer does not cover."""
    return list(counts(text, name_patterns()).elements())


def action_kinds(text: str) -> list[str]:
    """The action kinds the text names, most mentioned first (ties: vocabulary order)."""
    words = action_patterns()
    found = counts(text, words)
    return sorted(found, key=lambda kind: (-found[kind], words.keys.index(kind)))


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
