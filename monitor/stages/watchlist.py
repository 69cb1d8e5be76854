"""The watchlist: package terms (data/watchlist.toml, data/watchlist/<lang>.toml) plus the user's config, frozen.

`build_watchlist` is called once per run; the result is a read-only value that `analyse`
takes with each article, so a config change needs nothing but a new Watchlist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from monitor.config.sections import RelevanceConfig, WatchTerm
from monitor.stages.entities import (
    Alias,
    Entry,
    Matcher,
    alias_mode,
    build_matcher,
    default_matcher,
    read_data,
    slug,
)
from monitor.stages.model import Model, read_model

log = logging.getLogger(__name__)

MATCH_MODES = {"word": None, "stem": "stem", "infix": "infix"}  # watchlist match -> entities Alias mode


@dataclass(frozen=True)
class Scoring:
    """The numbers of the relevance formula (see data/watchlist.toml for what each means)."""

    zone_title: float = 3.0
    zone_lead: float = 1.5
    zone_body: float = 1.0
    ree_scale: float = 3.0
    policy_scale: float = 3.0
    penalty_scale: float = 4.0
    actor_cap: float = 1.5
    critical_alone_cap: float = 1.2
    apart: float = 0.4
    focus_ratio: float = 1.0
    weak_policy: float = 0.5  # policy terms weighing less count only when a state actor is in the text
    state_actor: float = 0.2  # an actor hit this heavy is a state actor (a bare country name, 0.15, is not)
    penalty_sentence: float = 1.0  # a penalty term this heavy keeps its sentence from pairing rare earths and an act

    def zone(self, where: str) -> float:
        return {"title": self.zone_title, "lead": self.zone_lead}.get(where, self.zone_body)


@dataclass(frozen=True)
class Watchlist:
    """Everything relevance needs besides the article: matchers, signal weights, threshold."""

    threshold: float
    terms: Matcher = field(repr=False)  # watchlist terms; Entry.kind is the signal kind
    entities: Matcher = field(repr=False)  # the gazetteer
    exclude: Matcher | None = field(default=None, repr=False)
    entity_signals: tuple[tuple[str, str, float], ...] = ()  # (entity kind, signal, weight)
    scoring: Scoring = Scoring()
    languages: frozenset[str] = frozenset()  # languages with their own vocabulary file
    language_aliases: tuple[tuple[str, str], ...] = ()  # detected code -> vocabulary ('ms' -> 'id')
    related: tuple[tuple[str, tuple[str, ...]], ...] = ()  # vocabulary also active ('uk' -> 'ru')
    model: Model = field(default_factory=Model)

    def active(self, language: str) -> frozenset[str] | None:
        """Vocabularies used for an article in `language` (with English); None = every one (unknown language)."""
        code = language.lower().replace("_", "-")
        code = dict(self.language_aliases).get(code, code.split("-")[0])
        code = dict(self.language_aliases).get(code, code)
        if code not in self.languages:
            return None
        return frozenset({code, "en", *dict(self.related).get(code, ())})

    def entity_signal(self, kind: str) -> tuple[str, float]:
        """The signal ('ree', 'actor', ...) and weight an entity kind contributes."""
        for entity_kind, signal, weight in self.entity_signals:
            if entity_kind == kind:
                return signal, weight
        return "none", 0.0


def _term_rows(files: Iterable[dict[str, Any]]) -> Iterable[tuple[Entry, list[Alias]]]:
    """One entry per term; ids carry the language so one spelling in two languages stays two terms."""
    for data in files:
        language = data["language"]
        for group in data["term"]:
            mode = MATCH_MODES[group.get("match", data.get("match", "word"))]
            for term in group["terms"]:
                entry = Entry(f"{group['kind']}:{language}:{slug(term)}", term, group["kind"],
                              float(group["weight"]), language)
                yield entry, [Alias(term, mode or alias_mode(term, "term"))]


def _user_rows(terms: Iterable[WatchTerm]) -> Iterable[tuple[Entry, list[Alias]]]:
    for term in terms:
        kind, weight = term.kind, term.weight
        if kind == "penalty":
            weight = abs(weight)
        entry = Entry(f"watch:{slug(term.term)}", term.term, kind, weight, term.language)
        yield entry, [Alias(a, alias_mode(a, "term")) for a in (term.term, *term.aliases)]


@lru_cache(maxsize=1)
def _package_data() -> dict[str, Any]:
    return read_data("watchlist.toml")


@lru_cache(maxsize=1)
def language_files() -> tuple[dict[str, Any], ...]:
    """Every data/watchlist/<lang>.toml, English first (it wins a spelling shared with another language)."""
    folder = resources.files("monitor").joinpath("data", "watchlist")
    names = sorted((f.name for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda n: (n != "en.toml", n))
    return tuple(read_data(f"watchlist/{name}") for name in names)


def build_watchlist(relevance_config: RelevanceConfig) -> Watchlist:
    """The default watchlist with the user's terms first (they win a shared alias) and exclusions."""
    data = _package_data()
    files = language_files()
    rows = [*_user_rows(relevance_config.terms), *_term_rows(files)]
    exclude_rows = [(Entry(f"exclude:{slug(p)}", p, "exclude"), [Alias(p, alias_mode(p, "term"))])
                    for p in relevance_config.exclude]
    signals = tuple((kind, spec["signal"], float(spec["weight"])) for kind, spec in data["entity_kinds"].items())
    log.debug("watchlist: %d terms, %d user terms, %d exclusions",
              len(rows), len(relevance_config.terms), len(exclude_rows))
    return Watchlist(
        threshold=relevance_config.threshold,
        terms=build_matcher(rows),
        entities=default_matcher(),
        exclude=build_matcher(exclude_rows) if exclude_rows else None,
        entity_signals=signals,
        scoring=Scoring(**data.get("scoring", {})),
        languages=frozenset(f["language"] for f in files),
        language_aliases=tuple(data["languages"]["aliases"].items()),
        related=tuple((k, tuple(v)) for k, v in data["languages"]["related"].items()),
        model=read_model(),
    )
