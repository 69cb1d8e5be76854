"""Figures stated in article text: masses, percentages, money and deadlines, with sentence and entity.

Each figure is normalised (tonnes, percent, currency units, year) so the same claim can be
compared across outlets: "28.7 million tonnes" and "28,7 млн тонн" both give 28_700_000 t.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator

from monitor.models import Figure
from monitor.stages.entities import Match

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

_NUM = r"(?:\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
_SCALE = r"(?:thousand|million|billion|trillion|mln|bln|bn|mn|tn|млн|млрд|трлн|тыс|[kmb](?![a-zа-я])|万|亿|億|兆)"


def _amount(number: str, scale: str) -> str:
    return rf"(?P<{number}>{_NUM})\s?(?:(?P<{scale}>{_SCALE})\.?\s?)?"


_RANGE = _amount("a", "sa") + r"(?:(?:-|–|—|~|〜|to|and)\s?" + _amount("b", "sb") + ")?"
_MASS_UNIT = r"(?P<mass>metric\s+ton(?:ne)?s|tonnes?|tons?|kilotonnes|kt|Mt|mt|t|lbs|тонн[аы]?|т|吨|トン)"
_PERCENT_UNIT = r"(?P<percent>%|％|per\s?cent|pct|процент(?:а|ов)?)"
_MONEY_AFTER = (r"(?P<money>dollars|dlrs|usd|euros?|eur|yuan|yen|r[ou]u?bles"
                r"|долларов|доллара|рублей|руб|евро|美元|人民币|元|ドル|円)")
# Patterns start with a digit or symbol so the regex engine can skip ahead; boundaries are checked in code.
_QUANTITY = re.compile(rf"{_RANGE}(?:{_MASS_UNIT}|{_PERCENT_UNIT}|{_MONEY_AFTER})(?![\w])", re.IGNORECASE)
_MONEY_BEFORE = re.compile(rf"(?P<cur>US\$|A\$|\$|€|£|¥)\s?{_RANGE}", re.IGNORECASE)
_PERCENT_WORDS = re.compile(r"per\s?cent", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"(?<![\w])(?P<a>" + "|".join(_WORDS) + r")\s$", re.IGNORECASE)
# Deadlines are found from the year or month (cheap to scan for), then the words before it are checked.
_YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")  # no leading look-behind: it would defeat the regex's fast scan
_MONTH = re.compile(r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\b")
_NUMBER_RUN = re.compile(r"\d[\d.,\u202f\u00a0]*")
_MONTH_TAIL = re.compile(r"(?:\s+\d{1,2}(?!\d))?(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?")
_BY = re.compile(r"\b(?:by|until|before|no later than)\s+(?:the\s+end\s+of\s+)?$", re.IGNORECASE)
_BY_RU = re.compile(r"(?:\bдо|\bк)\s+(?:концу\s+)?$")
_AFTER_RU = re.compile(r"\s+год")
_AFTER_JA = re.compile(r"年(?:まで|前)")
_BY_WINDOW = 24

_SENTENCE_MARKS = (". ", "! ", "? ", "。", "！", "？", "\n")
_SENTENCE_MAX = 600  # characters searched on each side of a figure for its sentence
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


def _quantity(kind: str, unit: str, match: re.Match[str]) -> tuple[float, float | None, str] | None:
    low, high = _values(match)
    if kind == "mass":
        factor = _MASS.get(unit, _MASS.get(unit.lower(), 1.0))
        if unit.lower() == "t" and low < 1000 and not match.group("sa"):
            return None  # "5 t" alone is too often something else
        return low * factor, None if high is None else high * factor, "tonnes"
    if kind == "percent":
        return low, high, "%"
    code = _CURRENCY.get(unit.lower()) or _CURRENCY.get(unit.lower().rstrip("s"), "USD")
    return low, high, code


_Raw = tuple[int, int, str, float, float | None, str]


def _numeric(text: str) -> Iterator[_Raw]:
    for run in _NUMBER_RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else " "
        match = _QUANTITY.match(text, run.start())
        if match is None or before in ".," or (before.isascii() and before.isalnum()):
            continue  # not a quantity, or inside a longer number or word
        kind = next(k for k in ("mass", "percent", "money") if match.group(k))
        found = _quantity(kind, match.group(kind), match)
        if found is not None:
            yield match.start(), match.end(), kind, *found
    for match in _MONEY_BEFORE.finditer(text):
        money = _quantity("money", match.group("cur"), match)
        if money is not None:
            yield match.start(), match.end(), "money", *money


def _worded(text: str) -> Iterator[_Raw]:
    """'one percent', 'five per cent': number words before a percent sign are rare, so anchor on the unit."""
    for unit in _PERCENT_WORDS.finditer(text):
        word = _WORD_BEFORE.search(text, max(0, unit.start() - 12), unit.start())
        if word:
            yield word.start(), unit.end(), "percent", float(_WORDS[word.group("a").lower()]), None, "%"


def _raw_figures(text: str) -> Iterator[_Raw]:
    yield from _numeric(text)
    yield from _worded(text)
    yield from _deadlines(text)


def _deadlines(text: str) -> Iterator[_Raw]:
    """'by 2030', 'by December 1, 2025', 'до 2030 года', '到2030年', '2030年までに'."""
    for month in _MONTH.finditer(text):
        if month.start() and text[month.start() - 1].isalpha():
            continue
        by = _BY.search(text, max(0, month.start() - _BY_WINDOW), month.start())
        if by:
            tail = _MONTH_TAIL.match(text, month.end())
            year = tail.group("year") if tail else None
            value, unit = (float(year), "year") if year else (float(_MONTHS.index(month.group().lower()) + 1), "month")
            yield by.start(), tail.end() if tail else month.end(), "deadline", value, None, unit
    for year in _YEAR.finditer(text):
        if year.start() and text[year.start() - 1].isdigit():
            continue
        span = _year_deadline(text, year)
        if span:
            yield span[0], span[1], "deadline", float(year.group()), None, "year"


def _year_deadline(text: str, year: re.Match[str]) -> tuple[int, int] | None:
    """(start, end) of the deadline around a year, when the words around it make it one."""
    window = max(0, year.start() - _BY_WINDOW)
    by = _BY.search(text, window, year.start())
    if by:
        return by.start(), year.end()
    by_ru, after_ru = _BY_RU.search(text, window, year.start()), _AFTER_RU.match(text, year.end())
    if by_ru and after_ru:
        return by_ru.start(), after_ru.end()
    after_ja = _AFTER_JA.match(text, year.end())
    if after_ja:
        return year.start(), after_ja.end()
    if year.start() and text[year.start() - 1] in "到至" and text.startswith("年", year.end()):
        return year.start() - 1, year.end() + 1
    return None


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence or line holding text[start:end]."""
    low, high = max(0, start - _SENTENCE_MAX), min(len(text), end + _SENTENCE_MAX)
    starts = [found + len(mark) for mark in _SENTENCE_MARKS if (found := text.rfind(mark, low, start)) >= 0]
    ends = [found + len(mark.rstrip()) for mark in _SENTENCE_MARKS if (found := text.find(mark, end, high)) >= 0]
    left, right = max(starts, default=low), min(ends, default=high)
    while left < start and text[left].isspace():
        left += 1
    return left, right


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


MAX_FIGURES = 200  # per article: a real notice has dozens; a hostile or runaway text must not write 100,000 rows


def extract_figures(text: str, matches: tuple[Match, ...] = (), limit: int = MAX_FIGURES) -> tuple[Figure, ...]:
    """The figures in `text` (the first `limit`), in reading order, each with its sentence and nearest entity."""
    ordered = sorted(matches, key=lambda m: m.start)
    starts_m = [m.start for m in ordered]
    figures: dict[tuple[str, str, int], Figure] = {}
    taken_to = 0
    for start, end, kind, value, high, unit in sorted(_raw_figures(text), key=lambda raw: (raw[0], -raw[1])):
        if start < taken_to:
            continue  # overlaps a figure already taken (sorted by start, longest first)
        if len(figures) >= limit:
            break
        taken_to = end
        span = sentence_at(text, start, end)
        nearby = ordered[bisect.bisect_left(starts_m, span[0]):bisect.bisect_left(starts_m, span[1])]
        stated = text[start:end].strip()
        figures.setdefault((kind, stated, span[0]), Figure(
            kind=kind, value=value, unit=unit, stated=stated, sentence=" ".join(text[span[0]:span[1]].split()),
            entity=nearest_entity(start, end, span, nearby), value_high=high))
    return tuple(figures.values())
