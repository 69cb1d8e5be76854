"""The plain-word parts of a story digest: the lead, where the date came from, what kind of action by
whom on what, and why the story matched."""

from __future__ import annotations

import re
from collections import defaultdict

from monitor.alerting.render.safe import cut_words, plain
from monitor.models import Reason
from monitor.store.story_digest import DigestArticle, DigestEntity

LEAD_SENTENCES, LEAD_CHARS, MIN_LEAD_WORDS = 2, 320, 8
_SENTENCE_END = re.compile(
    r"(?<=[.!?。！？])[\"”’»)]?\s+(?=[\"“«(]?[A-ZА-ЯЁ0-9\u4e00-\u9fff\u3040-\u30ff])|(?<=[。！？])")
_BYLINE = re.compile(r"^(by|von|par|por|автор)\s|//|^\W*\d{4}-\d{2}-\d{2}\W*$|^(photo|image|file)\b", re.IGNORECASE)
DATE_ORIGINS = {
    "metadata": "the page's metadata", "json-ld": "the page's structured data", "feed": "the feed entry",
    "sitemap": "the sitemap entry", "url": "the page address", "text": "a date stated in the text",
    "byline": "the byline", "published": "the publication date",
}
ACTOR_KINDS = ("agency", "country", "bloc", "person", "company")
GOODS_KINDS = ("element", "ree-term", "deposit")
ACTION_KINDS = ("policy",)


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s and s.strip()]


def lead_of(article: DigestArticle) -> str:
    """One or two opening sentences of the article, skipping a repeated headline and bylines."""
    title = plain(article.title).rstrip("…").lower()
    for raw in article.opening.split("\n"):
        paragraph = plain(raw)
        folded = paragraph.lower()
        if len(paragraph.split()) < MIN_LEAD_WORDS or _BYLINE.search(paragraph) or \
                (title and (folded.startswith(title[:60]) or title.startswith(folded))):
            continue
        return cut_words(" ".join(_sentences(paragraph)[:LEAD_SENTENCES]), LEAD_CHARS)
    description = plain(article.description)
    return cut_words(description, LEAD_CHARS) if len(description.split()) >= MIN_LEAD_WORDS else ""


def lead_article(articles: tuple[DigestArticle, ...], language: str) -> DigestArticle | None:
    """The best original article in the reader's language, else the best original of any language."""
    originals = [a for a in articles if a.duplicate_of is None] or list(articles)
    in_language = [a for a in originals if (a.language or "").lower().split("-")[0] == language.lower()]
    chosen = in_language or originals
    return chosen[0] if chosen else None


def date_origin(published: str | None, first_seen: str, articles: tuple[DigestArticle, ...]) -> tuple[str, str]:
    """(date, where it came from): the story's publication date and its source, or when remon first saw it."""
    if not published:
        return first_seen[:10], "first seen by remon: no publication date was found"
    for article in articles:
        if article.published == published:
            origin = DATE_ORIGINS.get(article.date_source or "", "the article")
            return published, f"from {origin} of {plain(article.outlet)}"
    return published, "publication date"


def _ranked_terms(articles: tuple[DigestArticle, ...], kinds: tuple[str, ...]) -> list[str]:
    weight: dict[str, float] = defaultdict(float)
    for article in articles:
        if article.duplicate_of is None:
            for reason in article.reasons:
                if reason.kind in kinds:
                    weight[reason.term] += reason.weight
    return [plain(term) for term, _ in sorted(weight.items(), key=lambda item: (-item[1], item[0]))]


def action_parts(articles: tuple[DigestArticle, ...], entities: tuple[DigestEntity, ...]
                 ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(action kind, actors, goods): the heaviest policy terms, the most named actors and materials."""
    action = tuple(_ranked_terms(articles, ACTION_KINDS)[:2])
    order = ("country", "agency", "person", "bloc", "agency", "company")  # the state, its body, its leader
    pool = [e for e in entities if e.kind in ACTOR_KINDS]  # already most mentioned first
    picked: list[str] = []
    for kind in order:
        found = next((plain(e.name) for e in pool if e.kind == kind and plain(e.name) not in picked), None)
        if found and len(picked) < 3:
            picked.append(found)
    actors = tuple(picked)
    goods = tuple(dict.fromkeys(plain(e.name) for e in entities if e.kind in GOODS_KINDS))[:4]
    if not goods:
        goods = tuple(_ranked_terms(articles, ("ree",))[:2])
    return action, actors, goods


def _mention(reason: Reason, where: set[str]) -> str:
    notes = ([f"{reason.count}×"] if reason.count > 1 else []) + (["in the headline"] if "title" in where else [])
    return f"{plain(reason.term)} ({', '.join(notes)})" if notes else plain(reason.term)


def _grouped(reasons: tuple[Reason, ...], kinds: tuple[str, ...], limit: int) -> list[str]:
    total: dict[str, Reason] = {}
    where: dict[str, set[str]] = defaultdict(set)
    for reason in reasons:
        if reason.kind in kinds:
            seen = total.get(reason.term)
            total[reason.term] = Reason(reason.term, reason.kind, reason.where,
                                        (seen.weight if seen else 0) + reason.weight,
                                        (seen.count if seen else 0) + reason.count)
            where[reason.term].add(reason.where)
    ranked = sorted(total.values(), key=lambda r: (-r.weight, r.term))[:limit]
    return [_mention(r, where[r.term]) for r in ranked]


def why_it_matched(reasons: tuple[Reason, ...]) -> str:
    """Why the story matched, as a sentence: the rare-earth terms, the government action, who acts."""
    excluded = [plain(r.term) for r in reasons if r.kind == "exclude"]
    if excluded:
        return f"It was kept although it mentions {excluded[0]}, which usually means another topic."
    ree, action = _grouped(reasons, ("ree", "critical"), 3), _grouped(reasons, ("policy",), 4)
    actors = _grouped(reasons, ("actor",), 3)
    if not ree and not action:
        return "It matched no rare-earth policy term strongly."
    sentence = f"It is about {', '.join(ree)}" if ree else "It names no rare-earth term directly"
    sentence += f", with government action: {', '.join(action)}" if action else ""
    sentence += f"; who acts: {', '.join(actors)}" if actors else ""
    against = _grouped(reasons, ("penalty",), 2)
    return sentence + (f" (counted against: {', '.join(against)})" if against else "") + "."
