"""The analysis stage: entities, relevance and figures for one article, as one pure function.

`analyse` is what the processing path calls; `explain` turns its reasons into the one line
an alert shows ("rare earths ×12 (title), roadmap, directive; Russia, China, Vladimir Putin").
"""

from __future__ import annotations

import logging
from collections import defaultdict

from monitor.models import Analysis, Article, Reason
from monitor.stages.entities import Match, count_mentions, find_matches
from monitor.stages.figures import extract_figures
from monitor.stages.relevance import score_relevance
from monitor.stages.textfold import fold
from monitor.stages.watchlist import Watchlist

log = logging.getLogger(__name__)

_ACTOR_KINDS = ("country", "person", "agency", "bloc")
_EXPLAIN_TERMS, _EXPLAIN_ACTORS = 4, 4


def analyse(article: Article, watchlist: Watchlist) -> Analysis:
    """Score, entities (title and text) and figures (text) of `article` under `watchlist`."""
    title_matches, title_terms = _matches(article.title, watchlist)
    text_matches, text_terms = _matches(article.text, watchlist)
    relevance = score_relevance(article.title, article.text,
                                (title_matches + title_terms, text_matches + text_terms), watchlist, article.language)
    log.debug("analysed %s: score %.3f (%s)", article.url, relevance.score, relevance.language)
    return Analysis(
        score=relevance.score,
        relevant=relevance.score >= watchlist.threshold,
        reasons=relevance.reasons,
        entities=count_mentions(title_matches + text_matches),
        figures=extract_figures(article.text, text_matches),
    )


def _matches(text: str, watchlist: Watchlist) -> tuple[tuple[Match, ...], tuple[Match, ...]]:
    """Gazetteer and watchlist-term matches in one text, folding it once."""
    folded = fold(text)
    return find_matches(text, watchlist.entities, folded), find_matches(text, watchlist.terms, folded)


def _terms(reasons: tuple[Reason, ...], kinds: tuple[str, ...], shown: set[str] | None = None) -> list[str]:
    """'term ×n (title)' per term of the given kinds not already shown, strongest first."""
    weight: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    in_title: set[str] = set()
    for reason in reasons:
        if reason.kind in kinds and reason.term not in (shown or set()):
            weight[reason.term] += reason.weight
            count[reason.term] += reason.count
            if reason.where == "title":
                in_title.add(reason.term)
    ranked = sorted(weight, key=lambda term: (-weight[term], term))[:_EXPLAIN_TERMS]
    if shown is not None:
        shown.update(ranked)
    return [term + (f" ×{count[term]}" if count[term] > 1 else "") + (" (title)" if term in in_title else "")
            for term in ranked]


def explain(analysis: Analysis) -> str:
    """One human line: rare-earth terms, policy terms, then the actors most mentioned."""
    excluded = [r.term for r in analysis.reasons if r.kind == "exclude"]
    if excluded:
        return f"excluded: {excluded[0]}"
    shown: set[str] = set()
    parts = _terms(analysis.reasons, ("ree", "critical"), shown) + _terms(analysis.reasons, ("policy",), shown)
    actors = [e.name for e in analysis.entities if e.kind in _ACTOR_KINDS][:_EXPLAIN_ACTORS]
    penalties = _terms(analysis.reasons, ("penalty",))[:2]
    line = ", ".join(parts) or "no rare-earth policy signal"
    line += f"; {', '.join(actors)}" if actors else ""
    return line + (f" (against: {', '.join(penalties)})" if penalties else "")
