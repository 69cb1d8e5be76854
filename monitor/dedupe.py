"""Dedupe: fingerprints of article text and the decision where a new article belongs.

First rule: an exact normalised-text match is a duplicate; everything else starts a story.
"""

from __future__ import annotations

import hashlib
import re

from monitor.models import Article, DedupeDecision, Fingerprint, StoryCandidate

_WORD = re.compile(r"\w+", re.UNICODE)


def normalised_words(text: str) -> list[str]:
    """Lower-case word tokens: what a copy keeps when its punctuation and spacing change."""
    return _WORD.findall(text.lower())


def fingerprint(article: Article) -> Fingerprint:
    """The content hash of the article's normalised text."""
    digest = hashlib.sha256(" ".join(normalised_words(article.text)).encode("utf-8")).hexdigest()
    return Fingerprint(content_hash=digest)


def decide(article: Article, print_: Fingerprint, candidates: tuple[StoryCandidate, ...]) -> DedupeDecision:
    """Exact duplicate of a stored article, or a new story."""
    for candidate in candidates:
        if candidate.content_hash == print_.content_hash:
            original = candidate.duplicate_of or candidate.article_id
            return DedupeDecision(kind="exact-duplicate", reason=f"same text as article {original}",
                                  story_id=candidate.story_id, duplicate_of=original, similarity=1.0)
    return DedupeDecision(kind="new-story", reason="no earlier article on this event")
