"""Relevance scoring: rare-earth evidence and government-action evidence, with the reasons that counted.

Evidence is weight × zone (title, lead, body) × (1 + ln count) per term and zone; policy terms far
from any rare-earth term count less. The reasons are turned into a few features (rare-earth and policy
signals saturating in 0..1, their product, actors, penalties, the share of other minerals, title hits)
and the calibrated logistic model of monitor/stages/model.py gives the 0..1 score.
The article's language picks the vocabularies (its own and English; every one when unknown).
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import py3langid

from monitor.models import Reason
from monitor.stages.entities import Match, find_matches
from monitor.stages.model import features
from monitor.stages.watchlist import Scoring, Watchlist

log = logging.getLogger(__name__)

NEAR_CHARS = 400  # a policy term this close to a rare-earth term is about rare earths
LEAD_MIN, LEAD_MAX = 300, 1200
_LANGUAGE_SAMPLE = 800  # characters of text given to py3langid: plenty for a guess, cheap
_REE_SIGNALS = ("ree", "critical")
_LINE = re.compile(r"[^\n]*\S[^\n]*")
_SENTENCE_END = re.compile(r"[.!?;\n。！？；]+")
PEN = 0.3
_TITLE_POS = -10**9  # title hits are near everything and far from body positions


class Hit(NamedTuple):
    """One piece of evidence before aggregation: a term in a zone, near rare earths or not (a tuple: hot path)."""

    signal: str
    term: str
    where: str
    weight: float
    near: bool = True


@dataclass(frozen=True)
class Relevance:
    """The score and the reasons behind it, strongest first."""

    score: float
    reasons: tuple[Reason, ...]
    language: str


def detect_language(title: str, text: str, declared: str | None = None) -> str:
    """The declared language if any ('zh-Hant' kept: it picks a vocabulary), else py3langid's guess."""
    if declared:
        return declared.replace("_", "-")
    sample = f"{title}\n{text[:_LANGUAGE_SAMPLE]}".strip()
    return str(py3langid.classify(sample)[0]) if sample else "en"


def lead_end(text: str) -> int:
    """End offset of the lead: the first two non-empty lines, kept between 300 and 1200 characters."""
    end = len(text)
    for count, line in enumerate(_LINE.finditer(text), start=1):
        if count == 2:
            end = line.end()
            break
    return max(min(end, LEAD_MAX), min(LEAD_MIN, len(text)))


def _active(match: Match, languages: frozenset[str] | None) -> bool:
    return match.entry.language is None or languages is None or match.entry.language in languages


def _hits(matches: Iterable[Match], where: str | None, lead: int, watchlist: Watchlist,
          languages: frozenset[str] | None) -> list[tuple[int, Hit]]:
    out = []
    entity_signals = {kind: (signal, weight) for kind, signal, weight in watchlist.entity_signals}
    for m in matches:
        if m.entry.kind in entity_signals:
            signal, weight = entity_signals[m.entry.kind]
            weight *= m.entry.weight
        elif _active(m, languages):
            signal, weight = m.entry.kind, m.entry.weight
        else:
            continue
        zone = where or ("lead" if m.start < lead else "body")
        for part in signal.split("+") if weight else ():  # 'policy+critical' counts for both
            out.append((_TITLE_POS if where else m.start, Hit(part, m.entry.name, zone, weight)))
    return out


def _mark_far(hits: list[tuple[int, Hit]], title_has_ree: bool) -> list[Hit]:
    """Policy hits far from every rare-earth hit in the body are marked not near."""
    if title_has_ree:
        return [h for _, h in hits]
    anchors = sorted(pos for pos, h in hits if h.signal in _REE_SIGNALS)
    marked = []
    for pos, hit in hits:
        if hit.signal in ("policy", "actor") and hit.where != "title":
            i = bisect.bisect_left(anchors, pos - NEAR_CHARS)
            near = i < len(anchors) and anchors[i] <= pos + NEAR_CHARS
            hit = Hit(hit.signal, hit.term, hit.where, hit.weight, near)
        marked.append(hit)
    return marked


def _weak_need_actor(hits: list[tuple[int, Hit]], scoring: Scoring) -> list[tuple[int, Hit]]:
    """Weak policy words ("strategy", "exports", "signed") are a state act only when a state actor is present.

    Companies and explainers use them too; without a government, ministry or agency in the text they are dropped.
    """
    if any(h.signal == "actor" and h.weight >= scoring.state_actor for _, h in hits):
        return hits
    return [(pos, h) for pos, h in hits if h.signal != "policy" or h.weight >= scoring.weak_policy]


def _clauses(hits: list[tuple[int, Hit]], text: str, scoring: Scoring) -> list[Reason]:
    """One reason for the sentences that name rare earths and a state act together (title and first sentence: one).

    "The ministry imposed export controls on rare earths" says it in one sentence; an explainer or a company
    story spreads the same words over different sentences (measured: docs/relevance.md). Its weight is the
    sum, over those sentences, of the heaviest policy term in each. A sentence with a strong penalty term
    (share prices, researchers) is about markets or science and does not count.
    """
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    has_ree: set[int] = set()
    has_penalty: set[int] = set()
    policy: dict[int, float] = defaultdict(float)
    for pos, hit in hits:
        sentence = 0 if pos == _TITLE_POS else bisect.bisect_right(ends, pos)
        if hit.signal in _REE_SIGNALS and hit.weight > 0:
            has_ree.add(sentence)
        elif hit.signal == "policy":
            policy[sentence] = max(policy[sentence], hit.weight)
        elif hit.signal == "penalty" and hit.weight >= scoring.penalty_sentence:
            has_penalty.add(sentence)
    both = [weight for sentence, weight in policy.items() if sentence in has_ree and weight > 0
            and sentence not in has_penalty]
    return [Reason(term="rare earths and a state act in one sentence", kind="clause", where="body",
                   weight=round(sum(both), 3), count=len(both))] if both else []


def _aggregate(hits: Iterable[Hit], scoring: Scoring) -> list[Reason]:
    """One reason per (signal, term, zone): weight × zone × (1 + ln count) × nearness."""
    groups: dict[tuple[str, str, str], list[Hit]] = defaultdict(list)
    for hit in hits:
        groups[(hit.signal, hit.term, hit.where)].append(hit)
    reasons = []
    for (signal, term, where), group in groups.items():
        near = sum(1.0 if h.near else scoring.apart for h in group) / len(group)
        value = group[0].weight * scoring.zone(where) * (1 + math.log(len(group))) * near
        reasons.append(Reason(term=term, kind=signal, where=where, weight=round(value, 3), count=len(group)))
    return sorted(reasons, key=lambda r: (-abs(r.weight), r.term, r.where))


def combine(reasons: tuple[Reason, ...], watchlist: Watchlist, chars: int = 1500) -> float:
    """The 0..1 score from aggregated reasons: the calibrated model over their features."""
    return round(watchlist.model.probability(features(reasons, watchlist.model, chars)), 4)


def score_relevance(title: str, text: str, matches: tuple[tuple[Match, ...], tuple[Match, ...]],
                    watchlist: Watchlist, language: str | None = None) -> Relevance:
    """Score one article from its (title, text) matches of both the gazetteer and the watchlist terms."""
    lang = detect_language(title, text, language)
    languages = watchlist.active(lang)
    lead = lead_end(text)
    hits = _hits(matches[0], "title", lead, watchlist, languages)
    title_has_ree = any(h.signal in _REE_SIGNALS for _, h in hits)
    hits += sorted(_hits(matches[1], None, lead, watchlist, languages), key=lambda pair: pair[0])
    hits = _weak_need_actor(hits, watchlist.scoring)
    reasons = _aggregate(_mark_far(hits, title_has_ree), watchlist.scoring) + _clauses(hits, text, watchlist.scoring)
    reasons.sort(key=lambda r: (-abs(r.weight), r.term, r.where))
    excluded = _exclusions(title, text, watchlist)
    code = lang.split("-")[0].lower()
    if excluded:
        return Relevance(0.0, excluded + tuple(reasons), code)
    return Relevance(combine(tuple(reasons), watchlist, len(title) + len(text)), tuple(reasons), code)


def _exclusions(title: str, text: str, watchlist: Watchlist) -> tuple[Reason, ...]:
    if watchlist.exclude is None:
        return ()
    found = find_matches(f"{title}\n{text}", watchlist.exclude)
    return tuple(Reason(term=m.entry.name, kind="exclude", where="body", weight=0.0) for m in found[:1])
