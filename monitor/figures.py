"""Figures stated in article text: masses, percentages, money and deadlines, with sentence and entity.

Each figure is normalised (tonnes, percent, currency units, year) so the same claim can be
compared across outlets: "28.7 million tonnes" and "28,7 млн тонн" both give 28_700_000 t.
"""

from __future__ import annotations

import bisect
import logging
import re
from typing import Iterable, Iterator

from monitor.entities import Match
from monitor.models import Figure

log = logging.getLogger(__name__)

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "hundred": 100, "half a": 0.5}
_SCALES = {"thousand": 1e3, "k": 1e3, "тыс": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "млн": 1e6,
           "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "млрд": 1e9, "trillion": 1e12, "tn": 1e12,
           "трлн": 1e12, "万": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}
_MASS = {"tonnes": 1.0, "tonne": 1.0, "tons": 1.0, "ton": 1.0, "metric tons": 1.0, "metric tonnes": 1.0,
         "mt": 1.0, "t": 1.0, "kt": 1e3, "kilotonnes": 1e3, "Mt": 1e6, "lbs": 0.000453592, "pounds": 0.000453592,
         "тонн": 1.0, "тонны": 1.0, "тонна": 1.0, "т": 1.0, "吨": 1.0, "トン": 1.0}
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "dlrs": "USD", "долларов": "USD",
             "доллара": "USD", "美元": "USD", "ドル": "USD", "€": "EUR", "eur": "EUR", "euros": "EUR",
             "евро": "EUR", "£": "GBP", "yuan": "CNY", "元": "CNY", "人民币": "CNY", "yen": "JPY", "円": "JPY",
             "¥": "CNY", "rubles": "RUB", "roubles": "RUB", "рублей": "RUB", "руб": "RUB", "a$": "AUD"}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")

_NUM = r"(?:\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|" + "|".join(_WORDS) + r")"
_SCALE = r"(?:thousand|million|billion|trillion|mln|bln|bn|mn|tn|млн|млрд|трлн|тыс|[kmb](?![a-zа-я])|万|亿|億|兆)"


def _amount(number: str, scale: str) -> str:
    return rf"(?P<{number}>{_NUM})\s?(?:(?P<{scale}>{_SCALE})\.?\s?)?"


_RANGE = _amount("a", "sa") + r"(?:(?:-|–|—|~|〜|to|and)\s?" + _amount("b", "sb") + ")?"
_MASS_UNIT = r"(?P<unit>metric\s+ton(?:ne)?s|tonnes?|tons?|kilotonnes|kt|Mt|mt|t|lbs|тонн[аы]?|т|吨|トン)(?![\w])"
_PERCENT_UNIT = r"(?P<unit>%|％|per\s?cent|pct|процент(?:а|ов)?)(?![\w])"
_MONEY_AFTER = r"(?P<unit>dollars|dlrs|usd|euros?|eur|yuan|yen|r[ou]u?bles|долларов|доллара|рублей|руб|евро|美元|人民币|元|ドル|円)(?![\w])"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mass", re.compile(rf"(?<![0-9A-Za-z.,]){_RANGE}{_MASS_UNIT}", re.I)),
    ("percent", re.compile(rf"(?<![0-9A-Za-z.,]){_RANGE}{_PERCENT_UNIT}", re.I)),
    ("money", re.compile(rf"(?P<cur>US\$|A\$|\$|€|£|¥)\s?{_RANGE}", re.I)),
    ("money", re.compile(rf"(?<![0-9A-Za-z.,$€£]){_RANGE}{_MONEY_AFTER}", re.I)),
    ("deadline", re.compile(r"\b(?:by|until|before|no later than)\s+(?:the\s+end\s+of\s+)?(?:(?P<month>"
                            + "|".join(_MONTHS) + r")(?:\s+\d{1,2})?(?:,?\s+(?P<my>(?:19|20)\d{2}))?|"
                            r"(?P<year>(?:19|20)\d{2}))\b", re.I)),
    ("deadline", re.compile(r"(?:\bдо|\bк)\s+(?:концу\s+)?(?P<year>(?:19|20)\d{2})\s+год|"
                            r"(?:到|至)(?P<zy>(?:19|20)\d{2})年|(?P<jy>(?:19|20)\d{2})年(?:まで|前)")),
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=[^\s\d])|\n+")
_PREFERRED = ("country", "deposit", "company", "agency", "bloc", "person")


def parse_number(text: str) -> float:
    """'28.5' -> 28.5, '1,736' -> 1736, '28,5' -> 28.5, 'one' -> 1."""
    word = text.lower()
    if word in _WORDS:
        return float(_WORDS[word])
    compact = text.replace("\u202f", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", compact):
        return float(compact.replace(",", ""))
    return float(compact.replace(",", "."))


def _scaled(number: str, scale: str | None) -> float:
    factor = _SCALES.get(scale.lower() if scale and scale not in ("M", "B") else (scale or "").lower(), 1.0)
    return parse_number(number) * factor


def _values(match: re.Match[str]) -> tuple[float, float | None]:
    scale_b = match.group("sb")
    scale_a = match.group("sa") or (scale_b if match.group("b") else None)
    low = _scaled(match.group("a"), scale_a)
    high = _scaled(match.group("b"), scale_b or scale_a) if match.group("b") else None
    return low, high


def _quantity(kind: str, match: re.Match[str]) -> tuple[float, float | None, str] | None:
    low, high = _values(match)
    if kind == "mass":
        unit = match.group("unit")
        factor = _MASS.get(unit, _MASS.get(unit.lower(), 1.0))
        if unit.lower() == "t" and low < 1000 and not match.group("sa"):
            return None  # "5 t" alone is too often something else
        return low * factor, None if high is None else high * factor, "tonnes"
    if kind == "percent":
        return low, high, "%"
    currency = (match.groupdict().get("cur") or match.group("unit")).lower()
    code = _CURRENCY.get(currency) or _CURRENCY.get(currency.rstrip("s"), "USD")
    return low, high, code


def _deadline(match: re.Match[str]) -> tuple[float, None, str]:
    groups = match.groupdict()
    year = groups.get("year") or groups.get("my") or groups.get("zy") or groups.get("jy")
    if year:
        return float(year), None, "year"
    return float(_MONTHS.index(groups["month"].lower()) + 1), None, "month"


def _raw_figures(text: str) -> Iterator[tuple[int, int, str, float, float | None, str]]:
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            try:
                found = _deadline(match) if kind == "deadline" else _quantity(kind, match)
            except (ValueError, KeyError, AttributeError):
                continue
            if found is not None:
                yield match.start(), match.end(), kind, *found


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line in `text`."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def nearest_entity(start: int, end: int, span: tuple[int, int], matches: Iterable[Match]) -> str | None:
    """The named entity (country, deposit, company...) closest to a figure in its sentence, else any."""
    best: tuple[int, int, str] | None = None
    for m in matches:
        if m.start < span[0] or m.end > span[1]:
            continue
        distance = start - m.end if m.end <= start else 2 * max(m.start - end, 0)  # subjects come first
        rank = (0 if m.entry.kind in _PREFERRED else 1, distance, m.entry.name)
        best = min(best, rank) if best else rank
    return best[2] if best else None


def extract_figures(text: str, matches: tuple[Match, ...] = ()) -> tuple[Figure, ...]:
    """Every figure in `text`, in reading order, each with its sentence and nearest entity."""
    spans = sentence_spans(text)
    starts = [s[0] for s in spans]
    ordered = sorted(matches, key=lambda m: m.start)
    figures: dict[tuple[str, str, int], Figure] = {}
    taken: list[tuple[int, int]] = []
    for start, end, kind, value, high, unit in sorted(_raw_figures(text)):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        span = spans[max(bisect.bisect_right(starts, start) - 1, 0)] if spans else (0, len(text))
        nearby = [m for m in ordered if span[0] <= m.start < span[1]]
        stated = text[start:end].strip()
        figures.setdefault((kind, stated, span[0]), Figure(
            kind=kind, value=value, unit=unit, stated=stated, sentence=" ".join(text[span[0]:span[1]].split()),
            entity=nearest_entity(start, end, span, nearby), value_high=high))
    return tuple(figures.values())
