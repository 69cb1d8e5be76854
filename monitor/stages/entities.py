"""Gazetteer entity recognition: one Aho-Corasick pass over the text, filtered to word boundaries.

`build_matcher` turns gazetteer entries into automata once; `find_matches` returns match
positions (used by relevance and figures); `find_entities` counts mentions per entity.
Rules: "-" equals " "; Latin aliases also match their plural ("s"/"es"); Russian aliases
match their case endings; Chinese and Japanese aliases need no word boundaries; 'stem' aliases
need no right boundary (agglutinating languages), 'infix' ones none at all (German compounds, Arabic
clitics); Arabic-script letter variants, tatweel and diacritics are normalised; aliases with
inner capitals (EU, DoD, NdPr) are case-sensitive; proper nouns must be capitalised in the
text; element symbols (Nd, La, Ce) count only inside element lists ("Nd, Pr and Dy").
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick

from monitor.models import EntityMention
from monitor.stages.textfold import ARABIC, MARKS, fold, is_cjk, is_cyrillic, slug, unify

log = logging.getLogger(__name__)

PROPER_KINDS = frozenset({"country", "bloc", "agency", "person", "company", "deposit"})
_SYMBOL_GAP = re.compile(r"[\s,/;&+()\u3001\uff0c-]*(?:\b(?:and|or|и)\b[\s(]*)?")
_AFTER_SYMBOL = re.compile(r"[\s-]*(?:oxides?|metals?|2O3|₂O₃|content|carbonate)\b")
_CYRILLIC_ENDINGS = "аяоеёиыуюйь"
_MAX_RUSSIAN_ENDING = 4


@dataclass(frozen=True)
class Entry:
    """One gazetteer or watchlist entry: what a match means, whatever alias produced it."""

    entity_id: str
    name: str
    kind: str
    weight: float = 1.0
    language: str | None = None


@dataclass(frozen=True)
class Alias:
    """One surface form of an entry, with how it must be matched."""

    text: str
    mode: str = "fold"  # 'fold' (any case), 'proper' (capitalised), 'exact', 'symbol' (exact, in lists),
    # 'stem' (any case, any word ending), 'infix' (any case, also inside a word)


class Match(NamedTuple):
    """Where an entry was found: [start, end) offsets into the text searched (a tuple: made by the thousand)."""

    start: int
    end: int
    entry: Entry


@dataclass(frozen=True, eq=False)
class Matcher:
    """Case-folded and case-sensitive automata over a fixed set of entries (read-only once built)."""

    folded: Any
    exact: Any
    caps_ambiguous: frozenset[str] = frozenset()


def alias_mode(alias: str, kind: str) -> str:
    """Exact when a word has inner capitals (EU, DoD), proper for Latin names, else folded."""
    if any(c.isupper() for word in alias.split() for c in word[1:]):
        return "exact"
    if kind in PROPER_KINDS and alias[:1].isascii() and alias[:1].isupper():
        return "proper"
    return "fold"


def _pattern(alias: Alias) -> tuple[str, bool]:
    """The automaton key and whether Russian case endings may follow it."""
    key = " ".join(unify(MARKS.sub("", alias.text)).split())
    key = key if alias.mode in ("exact", "symbol") else fold(key)
    russian = is_cyrillic(key[-1]) and alias.mode != "exact"
    if russian and len(key) >= 5 and key[-1] in _CYRILLIC_ENDINGS:
        key = key[:-1]
    return key, russian


_Spec = tuple[Entry, str, bool, int, bool, bool]  # entry, mode, russian endings, length, check left, right


def build_matcher(entries: Iterable[tuple[Entry, Iterable[Alias]]],
                  caps_ambiguous: Iterable[str] = ()) -> Matcher:
    """Automata over every alias of every entry; an alias shared by two entries keeps the first."""
    tables: dict[bool, dict[str, _Spec]] = {True: {}, False: {}}
    for entry, aliases in entries:
        for alias in aliases:
            if not alias.text.strip():
                continue
            key, russian = _pattern(alias)
            table = tables[alias.mode in ("exact", "symbol")]
            # does the start (end) need a word boundary?
            left = key[0].isalnum() and not is_cjk(key[0]) and alias.mode != "infix"
            right = key[-1].isalnum() and not is_cjk(key[-1]) and alias.mode not in ("stem", "infix")
            table.setdefault(key, (entry, alias.mode, russian, len(key), left, right))
    automata = []
    for exact in (False, True):
        automaton = ahocorasick.Automaton()
        for key, value in tables[exact].items():
            automaton.add_word(key, value)
        if len(automaton):
            automaton.make_automaton()
        automata.append(automaton)
    return Matcher(folded=automata[0], exact=automata[1], caps_ambiguous=frozenset(caps_ambiguous))


def _right_end(folded: str, end: int, mode: str, russian: bool) -> int | None:
    """Where a match ending at `end` really ends (plural, case ending), or None if inside a word."""
    if end >= len(folded) or not folded[end].isalnum():
        return end
    if russian:
        stop = end
        while stop < len(folded) and stop - end < _MAX_RUSSIAN_ENDING and is_cyrillic(folded[stop]):
            stop += 1
        return stop if stop == len(folded) or not folded[stop].isalnum() else None
    if mode in ("fold", "proper") and folded[end - 1].isascii():
        for suffix in ("s", "es"):
            stop = end + len(suffix)
            if folded.startswith(suffix, end) and (stop == len(folded) or not folded[stop].isalnum()):
                return stop
    return None


def _caps_context(text: str, start: int, end: int) -> bool:
    """True when the words on both sides are in capitals (an all-caps headline)."""
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 20):start])
    after = re.findall(r"[^\W\d_]+", text[end:end + 20])
    words = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return bool(words) and all(w.isupper() and len(w) > 1 for w in words)


def _candidates(text: str, haystack: str, automaton: Any, matcher: Matcher) -> Iterable[tuple[int, int, Entry, str]]:
    if not len(automaton):
        return
    size = len(haystack)
    for last, (entry, mode, russian, length, left, right) in automaton.iter(haystack):
        start, stop = last + 1 - length, last + 1
        if left and start and haystack[start - 1].isalnum():
            continue
        if right and stop < size and haystack[stop].isalnum():
            extended = _right_end(haystack, stop, mode, russian)
            if extended is None:
                continue
            stop = extended
        if mode == "proper" and not text[start].isupper():
            continue
        if mode == "exact" and length <= 3 and text[start:last + 1] in matcher.caps_ambiguous \
                and _caps_context(text, start, last + 1):
            continue
        yield start, stop, entry, mode


def _keep_symbol(text: str, index: int, chosen: list[tuple[int, int, Entry, str]]) -> bool:
    """A symbol counts when it sits next to another element in a list, or before 'oxide'."""
    start, end, _, _ = chosen[index]
    if _AFTER_SYMBOL.match(text, end):
        return True
    for other in (index - 1, index + 1):
        if 0 <= other < len(chosen) and chosen[other][2].kind == "element":
            gap = text[chosen[other][1]:start] if other < index else text[end:chosen[other][0]]
            if gap.strip() and _SYMBOL_GAP.fullmatch(gap):
                return True
    return False


def find_matches(text: str, matcher: Matcher, folded: str | None = None) -> tuple[Match, ...]:
    """Every entry found in `text`, leftmost-longest, never inside a word.

    `folded` is `fold(text)` when the caller already has it (several matchers over one text).
    Arabic diacritics and tatweel are dropped before matching; offsets still point into `text`.
    """
    if not text:
        return ()
    if ARABIC.search(text) and MARKS.search(text):
        keep = [i for i, c in enumerate(text) if not MARKS.match(c)]
        bare = "".join(text[i] for i in keep)
        keep.append(len(text))
        return tuple(Match(keep[m.start], keep[m.end - 1] + 1, m.entry) for m in _find(bare, matcher, fold(bare)))
    return _find(text, matcher, folded)


def _find(text: str, matcher: Matcher, folded: str | None) -> tuple[Match, ...]:
    folded = fold(text) if folded is None else folded
    found = list(_candidates(text, folded, matcher.folded, matcher))
    if len(matcher.exact):
        found += _candidates(text, unify(text), matcher.exact, matcher)
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    chosen: list[tuple[int, int, Entry, str]] = []
    for candidate in found:
        if not chosen or candidate[0] >= chosen[-1][1]:
            chosen.append(candidate)
    return tuple(Match(start, end, entry) for i, (start, end, entry, mode) in enumerate(chosen)
                 if mode != "symbol" or _keep_symbol(text, i, chosen))


def count_mentions(matches: Iterable[Match]) -> tuple[EntityMention, ...]:
    """Mentions per entity, most mentioned first (ties: first seen first)."""
    counts: Counter[str] = Counter()
    entries: dict[str, Entry] = {}
    for match in matches:
        counts[match.entry.entity_id] += 1
        entries.setdefault(match.entry.entity_id, match.entry)
    return tuple(EntityMention(entity_id=i, name=entries[i].name, kind=entries[i].kind, mentions=n)
                 for i, n in counts.most_common())


def read_data(name: str) -> dict[str, Any]:
    """A TOML file from the package's data folder."""
    return tomllib.loads(resources.files("monitor").joinpath("data", name).read_text(encoding="utf-8"))


_ALIAS_KEYS = (("exact", "exact"), ("symbols", "symbol"), ("stems", "stem"), ("infixes", "infix"))


def _entity_rows() -> Iterable[tuple[Entry, list[Alias]]]:
    for row in read_data("entities.toml")["entity"]:
        entry = Entry(f"{row['kind']}:{slug(row['name'])}", row["name"], row["kind"],
                      float(row.get("weight", 1.0)), row.get("language"))
        aliases = [Alias(a, alias_mode(a, entry.kind)) for a in (row["name"], *row.get("aliases", ()))]
        aliases += [Alias(a, mode) for key, mode in _ALIAS_KEYS for a in row.get(key, ())]
        yield entry, aliases


def _country_rows(data: dict[str, Any]) -> Iterable[tuple[Entry, list[Alias]]]:
    import gettext

    import pycountry

    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in ("zh_CN", "ru", "ja")]
    skip, extra = set(data.get("skip", ())), data.get("country", {})
    for country in pycountry.countries:
        more = extra.get(country.alpha_2, {})
        fields = (getattr(country, f, None) for f in ("name", "common_name", "official_name"))
        names: list[str] = [n for n in fields if n and "," not in n and "(" not in n]
        name = str(more.get("name") or getattr(country, "common_name", None) or (names or [country.name])[0])
        forms = [name, *names, *(t.gettext(country.name) for t in translations), *more.get("aliases", ())]
        aliases = [Alias(a, alias_mode(a, "country")) for a in dict.fromkeys(forms) if a not in skip]
        aliases += [Alias(a, "exact") for a in more.get("exact", ())]
        yield Entry(f"country:{slug(name)}", name, "country"), aliases


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """The package gazetteer (entities.toml + pycountry + countries.toml), built once."""
    countries = read_data("countries.toml")
    rows = [*_entity_rows(), *_country_rows(countries)]
    log.debug("gazetteer: %d entities", len(rows))
    return build_matcher(rows, countries.get("caps_ambiguous", ()))


def find_entities(text: str, matcher: Matcher | None = None) -> tuple[EntityMention, ...]:
    """The gazetteer entities mentioned in `text`, with mention counts."""
    return count_mentions(find_matches(text, matcher or default_matcher()))
