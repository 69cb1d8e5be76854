"""Analysis entry point (placeholder until the relevance stage lands): a first keyword rule."""

from __future__ import annotations

import re

from monitor.models import Analysis, Article, Reason
from monitor.watchlist import Watchlist

_REE = re.compile(r"\brare[- ]earths?\b|\bneodymium\b|\bdysprosium\b|редкоземельн|稀土|レアアース", re.I)
_POLICY = re.compile(r"\b(export controls?|quotas?|tariffs?|sanctions?|ban|roadmap|strategy|decree|directive|"
                     r"stockpiles?|agreement|deal|licen[cs]es?|government|ministry|president)\b", re.I)


def analyse(article: Article, watchlist: Watchlist) -> Analysis:
    """Score = both a rare-earth term and a government-action term present (first rule)."""
    text = f"{article.title}\n{article.text}"
    ree, policy = _REE.findall(text), _POLICY.findall(text)
    score = (0.5 if ree else 0.0) + (0.5 if policy else 0.0)
    reasons = tuple(Reason(term=t.lower(), kind=k, where="body", weight=0.5, count=len(m))
                    for t, k, m in ((ree[0] if ree else "", "ree", ree), (policy[0] if policy else "", "policy", policy))
                    if m)
    return Analysis(score=score, relevant=score >= watchlist.threshold, reasons=reasons)


def explain(analysis: Analysis) -> str:
    """One line saying why an article matched."""
    return ", ".join(f"{r.term} ×{r.count}" for r in analysis.reasons) or "no signal"
