"""Dedupe: text fingerprints (content hash, MinHash, LSH band keys) and where a new article belongs.

Pure functions. An exact or near copy of a stored article is a duplicate (stored, joins
the original's story, never alerts); otherwise the article joins the closest story in
its time window when its words, lead and anchors match well enough, or starts a story.
Every decision carries a one-line reason, stored as `articles.story_reason`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from monitor.config.sections import DedupeConfig
from monitor.models import (
    Article,
    Candidates,
    DedupeDecision,
    Fingerprint,
    StoryCandidate,
    StoryMatch,
    StoryProfile,
)
from monitor.stages.profile import MAX_ANCHORS, cosine, days_apart

_WORD = re.compile(r"\w+", re.UNICODE)
MINHASH_SCHEME = "affine32"  # 32-bit values: stored as 4 bytes each (archive.pack_minhash)
MINHASH_SEED = 1  # never change: stored signatures would stop matching new ones
LSH_WEIGHTS = (0.1, 0.9)  # (false positive, false negative) weights for the band shape
WORDS_WEIGHT = 0.7  # story score = 0.7 x word cosine + 0.3 x anchor share
MAIN_ANCHORS = 10  # the language-independent anchors compared without words: the most mentioned
# Anchors that name what or when, not who: without words, at least one must be shared (two reports of
# one ministry's export controls share actor and action kind whatever the event; goods or dates differ).
SPECIFIC_ANCHORS = ("element:", "mineral:", "company:", "deposit:", "date:", "fig:")
ACTOR_ANCHORS = ("country:", "bloc:", "agency:")
GENERAL_EXTRA = 1  # more shared anchors needed when none of them is specific
# Anchor kinds that name one event's when and what: two texts naming different ones report different events.
CONFLICT_KINDS = (("date:",), ("year:",), ("element:", "mineral:"))


def normalised_words(text: str) -> list[str]:
    """Lower-case word tokens: what a copy keeps when its punctuation and spacing change."""
    return _WORD.findall(text.lower())


def shingles(words: list[str], size: int) -> set[bytes]:
    """Word n-grams of the text (the whole text when it is shorter than one shingle)."""
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> np.ndarray:
    """The MinHash permutations for `num_perm` (fixed seed), built once instead of per article."""
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


@lru_cache(maxsize=8)
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch finds optimal for a Jaccard threshold and signature length.

    Misses weigh nine times more than false candidates: a false candidate costs one
    signature comparison, a miss stores a copy as news.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


def band_keys(signature: tuple[int, ...], bands: int, rows: int) -> tuple[str, ...]:
    """One key per LSH band: the shape, the band number and a short hash of the band's values.

    The shape prefix (e.g. '14x9') makes keys from another configuration never collide with these.
    """
    keys = []
    for band in range(bands):
        values = signature[band * rows:(band + 1) * rows]
        digest = hashlib.blake2b(np.asarray(values, dtype="<u4").tobytes(), digest_size=8).hexdigest()
        keys.append(f"{bands}x{rows}:{band}:{digest}")
    return tuple(keys)


def fingerprint(article: Article, settings: DedupeConfig | None = None) -> Fingerprint:
    """Content hash of the normalised text, its MinHash over word shingles, and the LSH band keys."""
    return text_fingerprint(article.text, settings or DedupeConfig())


def index_settings(settings: DedupeConfig) -> dict[str, int | str]:
    """What the stored signatures and band keys depend on (kept with the LSH index)."""
    bands, rows = lsh_shape(settings.near_duplicate, settings.num_perm)
    return {"num_perm": settings.num_perm, "shingle_words": settings.shingle_words, "bands": bands, "rows": rows,
            "scheme": MINHASH_SCHEME, "seed": MINHASH_SEED}


def text_fingerprint(text: str, settings: DedupeConfig) -> Fingerprint:
    """The fingerprint of a stored text (for re-indexing after a settings change)."""
    words = normalised_words(text)
    minhash = MinHash(num_perm=settings.num_perm, permutations=_permutations(settings.num_perm),
                      scheme=MINHASH_SCHEME)
    minhash.update_batch(sorted(shingles(words, settings.shingle_words)))
    signature = tuple(int(value) for value in minhash.hashvalues)
    bands, rows = lsh_shape(settings.near_duplicate, settings.num_perm)
    digest = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
    return Fingerprint(content_hash=digest, minhash=signature, band_keys=band_keys(signature, bands, rows))


def estimated_jaccard(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """Share of equal MinHash positions: an unbiased estimate of shingle-set Jaccard similarity."""
    if not first or len(first) != len(second):
        return 0.0
    return float(np.count_nonzero(np.asarray(first) == np.asarray(second))) / len(first)


@dataclass(frozen=True)
class StoryScore:
    """How well an article matches a story: word cosine and anchor shares (0..1), and the dates.

    `anchors` is the idf-weighted share of all the article's anchors the story has; `common` the
    same over its language-independent anchors only (entities, action kinds, dates, figures), with
    `common_count` of them shared: what decides when the texts share no language.
    """

    story: StoryMatch
    words: float
    anchors: float
    shared: tuple[str, ...]
    days: int | None
    common: float = 0.0
    common_count: int = 0
    specific: int = 0  # shared anchors that name goods, a company, a deposit, a date or a figure
    agrees: bool = True  # one names the other's main actor (country, bloc or agency)
    first_days: int | None = None  # days from the story's first date (its founding report)
    conflict: str = ""  # the anchor kind on which the texts disagree ('' when none)
    same_date: bool = False  # both state the same event date

    @property
    def total(self) -> float:
        return WORDS_WEIGHT * self.words + (1 - WORDS_WEIGHT) * self.anchors

    def by_words(self, settings: DedupeConfig) -> bool:
        """Whether words and anchors together make it the same event; a conflict (different stated dates,
        years or goods) vetoes it unless the words alone reach the threshold."""
        vetoed = settings.anchor_conflict_veto and self.conflict and self.words < settings.story_threshold
        return self.total >= settings.story_threshold and not vetoed

    def by_anchors(self, settings: DedupeConfig) -> bool:
        """Whether the language-independent anchors alone make it the same event."""
        needed = settings.min_shared_anchors + (0 if self.specific else GENERAL_EXTRA)
        undated = self.first_days is None  # no date to hold it to the tight window: ask for goods, a date...
        if (settings.require_specific_anchor or undated) and not self.specific:
            return False
        if settings.anchor_conflict_veto and self.conflict:
            return False
        if (self.first_days or 0) > settings.anchor_window_days and not self.same_date:
            return False
        return self.agrees and self.common >= settings.anchor_threshold and self.common_count >= needed

    def explain(self) -> str:
        names = ", ".join(dict.fromkeys(anchor.split(":", 1)[-1] for anchor in self.shared[:8])) or "none"
        when = "dates unknown" if self.days is None else f"{self.days} days apart"
        return (f"score {self.total:.2f} (words {self.words:.2f}, anchors {self.anchors:.2f}, "
                f"language-independent {self.common:.2f} x{self.common_count}: {names}; {when})")


def _share(anchors: tuple[str, ...], known: set[str], idf: dict[str, float]) -> tuple[float, tuple[str, ...]]:
    total = sum(idf.get(anchor, 1.0) for anchor in anchors) or 1.0
    shared = tuple(anchor for anchor in anchors if anchor in known)
    return sum(idf.get(anchor, 1.0) for anchor in shared) / total, shared


def same_actor(article: tuple[str, ...], story: tuple[str, ...]) -> bool:
    """Whether one names the other's main actor (the most-mentioned country, bloc or agency): a Japanese
    stockpile and a US Defense Department grant may share elements and China, not their actors."""
    first = next((anchor for anchor in article if anchor.startswith(ACTOR_ANCHORS)), None)
    second = next((anchor for anchor in story if anchor.startswith(ACTOR_ANCHORS)), None)
    return first is None or second is None or first in story or second in article


def conflict(article: tuple[str, ...], story: tuple[str, ...]) -> str:
    """The anchor kind (stated date, year, goods) both texts name but with nothing in common, or ''."""
    for kinds in CONFLICT_KINDS:
        first = {anchor for anchor in article if anchor.startswith(kinds)}
        second = {anchor for anchor in story if anchor.startswith(kinds)}
        if first and second and not first & second:
            return kinds[0].rstrip(":")
    return ""


def first_days(profile: StoryProfile, story: StoryProfile) -> int | None:
    """Days between an article's date and a story's first date (None when either is unknown)."""
    if not profile.date or not story.date:
        return None
    return abs((date.fromisoformat(profile.date) - date.fromisoformat(story.date)).days)


def score_story(profile: StoryProfile, story: StoryMatch, idf: dict[str, float]) -> StoryScore:
    """Compare an article's idf-weighted profile with a story's centroid and anchors.

    `words` is the cosine of the article's vector and the story's centroid; `anchors` the
    idf-weighted share of the article's anchors (names, figures, entities) the story has.
    The language-independent comparison uses only the story's founding anchors (the first
    MAX_ANCHORS, its first report's), so a chain of joins cannot drift to another event.
    """
    known = set(story.profile.anchors)
    anchors, shared = _share(profile.anchors, known, idf)
    founding = story.profile.anchors[:MAX_ANCHORS]
    main = profile.common_anchors()[:MAIN_ANCHORS]
    common, common_shared = _share(main, set(founding), idf)
    shared = tuple(sorted(shared, key=lambda anchor: -idf.get(anchor, 1.0)))
    return StoryScore(story=story, words=cosine(profile.terms, story.profile.terms), anchors=anchors,
                      shared=shared, days=days_apart(profile, story.profile), common=common,
                      common_count=len(common_shared),
                      specific=sum(anchor.startswith(SPECIFIC_ANCHORS) for anchor in common_shared),
                      agrees=same_actor(profile.anchors, story.profile.anchors),
                      first_days=first_days(profile, story.profile),
                      same_date=any(anchor.startswith("date:") for anchor in common_shared),
                      conflict=conflict(profile.common_anchors(), founding))


def copy_decision(print_: Fingerprint, copies: tuple[StoryCandidate, ...],
                  threshold: float) -> DedupeDecision | None:
    """An exact or near duplicate of a stored article (the earliest original), or None."""
    for candidate in copies:
        if candidate.content_hash == print_.content_hash:
            original = candidate.duplicate_of or candidate.article_id
            return DedupeDecision(kind="exact-duplicate", reason=f"same text as article {original}",
                                  story_id=candidate.story_id, duplicate_of=original, similarity=1.0)
    scored = sorted(((estimated_jaccard(print_.minhash, c.minhash), -c.article_id, c) for c in copies),
                    key=lambda item: item[:2], reverse=True)
    if scored and scored[0][0] >= threshold:
        similarity, _, best = scored[0]
        original = best.duplicate_of or best.article_id
        return DedupeDecision(kind="duplicate", story_id=best.story_id, duplicate_of=original,
                              similarity=round(similarity, 3),
                              reason=f"near copy of article {original} (text similarity {similarity:.2f})")
    return None


def story_decision(profile: StoryProfile, stories: tuple[StoryMatch, ...], idf: dict[str, float],
                   settings: DedupeConfig) -> DedupeDecision:
    """Join the best story in the time window that scores at least the threshold on words and anchors,
    or, failing that, shares enough language-independent anchors; else start a story."""
    scores = sorted((score_story(profile, story, idf) for story in stories), key=lambda s: -s.total)
    in_window = [s for s in scores if s.days is None or s.days <= settings.story_window_days]
    best = in_window[0] if in_window else None
    by_words = next((s for s in in_window if s.by_words(settings)), None)
    if by_words is not None:
        return DedupeDecision(kind="joins-story", story_id=by_words.story.story_id,
                              similarity=round(by_words.total, 3),
                              reason=f"same event as story {by_words.story.story_id}: {by_words.explain()}")
    by_anchors = sorted((s for s in in_window if s.by_anchors(settings)), key=lambda s: (-s.common, -s.common_count))
    if by_anchors:
        found = by_anchors[0]
        return DedupeDecision(kind="joins-story", story_id=found.story.story_id, similarity=round(found.common, 3),
                              reason=f"same event as story {found.story.story_id} by its anchors: {found.explain()}")
    if best is not None:
        return DedupeDecision(kind="new-story", similarity=round(best.total, 3),
                              reason=f"new event: closest story {best.story.story_id} {best.explain()} "
                                     f"< {settings.story_threshold:.2f}")
    if scores:
        far = scores[0]
        return DedupeDecision(kind="new-story", reason=f"new event: similar story {far.story.story_id} is "
                                                       f"{far.days} days away (window {settings.story_window_days})")
    return DedupeDecision(kind="new-story", reason="new event: no story in the window shares its names or words")


def decide(profile: StoryProfile, print_: Fingerprint, candidates: Candidates, idf: dict[str, float],
           settings: DedupeConfig | None = None) -> DedupeDecision:
    """Exact duplicate, near duplicate, member of an existing story, or a new story: in that order."""
    settings = settings or DedupeConfig()
    copy = copy_decision(print_, candidates.copies, settings.near_duplicate)
    if copy is not None:
        return copy
    return story_decision(profile, candidates.stories, idf, settings)
