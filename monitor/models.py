"""The records that travel between stages: one frozen type per hop of the data flow.

This module imports nothing of ours, so every stage can depend on it and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class PageHints:
    """What a source already knows about a page before extraction (feed entry, news sitemap).

    Used as fallbacks when the page itself lacks the field; `*_source` names where a
    date came from so the stored date keeps its provenance.
    """

    title: str | None = None
    published: str | None = None
    published_source: str | None = None
    summary: str | None = None
    author: str | None = None
    outlet: str | None = None  # the publisher the listing names (a news-search feed's <source>)
    link: str | None = None  # the article URL the listing gave (decoded from an aggregator link)
    listed: str | None = None  # the listing entry's own date (lastmod, else publication) when it was fetched


@dataclass(frozen=True)
class Page:
    """A fetched document, exactly as it arrived: bytes plus plain fields.

    Serialisable on purpose (bytes, str, tuples) so it can travel through a queue
    between machines without changing any stage.
    """

    url: str
    source: str
    fetched_at: str  # ISO 8601, UTC
    body: bytes
    content_type: str = "text/html"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None  # declared charset, if the transport said one
    hints: PageHints = field(default_factory=PageHints)


@dataclass(frozen=True)
class Article:
    """Clean article text with its metadata; produced by extract, refined by clean."""

    url: str  # as fetched
    canonical_url: str  # normalised, used for dedupe
    source: str
    fetched_at: str
    title: str
    text: str
    published: str | None = None  # ISO date (YYYY-MM-DD) or None, never invented
    date_source: str | None = None  # 'metadata', 'json-ld', 'feed', 'sitemap', 'url', 'text'
    author: str | None = None
    site_name: str | None = None
    language: str | None = None
    description: str | None = None
    text_source: str = "page"  # 'page' (extracted) or 'feed' (headline only: the listing entry)


@dataclass(frozen=True)
class Rejected:
    """A page that is not stored as an article, and why: a value, not an error."""

    stage: str  # 'extract', 'clean', 'dedupe', ...
    reason: str  # short machine-friendly reason, e.g. 'not-article', 'empty', 'binary'
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Reason:
    """One piece of evidence that counted for (or against) relevance."""

    term: str  # the canonical term or entity name
    kind: str  # 'ree', 'policy', 'actor', 'penalty', 'watchlist', ...
    where: str  # 'title', 'lead', 'body'
    weight: float
    count: int = 1


@dataclass(frozen=True)
class EntityMention:
    """An entity recognised in an article, with how often it was mentioned."""

    entity_id: str  # stable slug, e.g. 'country:russia'
    name: str  # canonical name, e.g. 'Russia'
    kind: str  # 'element', 'ree-term', 'country', 'bloc', 'agency', 'person', 'company', 'deposit', ...
    mentions: int


@dataclass(frozen=True)
class Figure:
    """A quantity stated in the text, with the sentence it came from."""

    kind: str  # 'mass', 'percent', 'money', 'deadline', ...
    value: float  # normalised value (tonnes for mass, percent for percent, units for money)
    unit: str  # 'tonnes', '%', 'USD', 'year', ...
    stated: str  # the figure as written, e.g. '28.7 million tonnes'
    sentence: str
    entity: str | None = None  # canonical name of the entity it is about, if known
    value_high: float | None = None  # upper end of a range ('10-12%'), else None


@dataclass(frozen=True)
class Analysis:
    """Relevance and enrichment for one article; pure function of text + watchlist."""

    score: float  # 0..1
    relevant: bool
    reasons: tuple[Reason, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Fingerprint:
    """What dedupe needs to compare an article without re-reading its text."""

    content_hash: str  # sha256 of the normalised text
    minhash: tuple[int, ...] = ()  # MinHash signature over word shingles
    band_keys: tuple[str, ...] = ()  # LSH band keys derived from the signature


@dataclass(frozen=True)
class StoryCandidate:
    """A stored article that might be a duplicate of, or share a story with, a new one."""

    article_id: int
    story_id: int | None
    title: str
    lead: str
    published: str | None
    fetched_at: str
    content_hash: str
    minhash: tuple[int, ...] = ()
    entity_ids: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()  # normalised figure keys, e.g. 'mass:28700000'
    duplicate_of: int | None = None


DedupeKind = Literal["new-story", "joins-story", "duplicate", "exact-duplicate"]


@dataclass(frozen=True)
class DedupeDecision:
    """Where a new article goes: its own story, an existing story, or a duplicate of one article."""

    kind: DedupeKind
    reason: str  # human-readable explanation, stored as articles.story_reason
    story_id: int | None = None  # existing story joined (None for a new story)
    duplicate_of: int | None = None  # article id this one copies
    similarity: float = 0.0


WRITTEN_ANCHORS = ("name:", "n:")  # anchor prefixes that depend on the language of the text


@dataclass(frozen=True)
class StoryProfile:
    """What story assignment compares, for one article or a whole story: weighted words, anchors, dates."""

    terms: tuple[tuple[str, float], ...] = ()  # word stems with weights, heaviest first
    lead: tuple[str, ...] = ()  # word stems of the title and opening sentences
    anchors: tuple[str, ...] = ()  # names, figures and entity ids that pin down an event
    date: str | None = None  # ISO date of the event when known (earliest, for a story)
    last_date: str | None = None  # latest known date (a story's range; equals `date` for an article)
    date_source: str | None = None  # 'published' or 'text' (a full date stated in the lead)
    outlet: str = ""  # who published it: host without www., or the file name of a local document
    languages: tuple[str, ...] = ()  # the article's language (a story: every language it was reported in)

    def common_anchors(self) -> tuple[str, ...]:
        """The anchors that mean the same in every language: all but names and figures as written."""
        return tuple(anchor for anchor in self.anchors if not anchor.startswith(WRITTEN_ANCHORS))


@dataclass(frozen=True)
class StoryMatch:
    """A stored story that a new article might join, with its accumulated profile."""

    story_id: int
    title: str
    profile: StoryProfile
    articles: int = 0


@dataclass(frozen=True)
class Candidates:
    """What dedupe compares a new article with: possible copies (by hash or LSH bucket) and stories."""

    copies: tuple[StoryCandidate, ...] = ()
    stories: tuple[StoryMatch, ...] = ()


@dataclass(frozen=True)
class StoryView:
    """A story as alerts and feeds show it."""

    id: int
    title: str
    published: str | None
    first_seen: str
    score: float
    outlets: tuple[tuple[str, str], ...]  # (source name, article URL)
    reasons: tuple[Reason, ...] = ()
    entities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # every language the story was reported in, first report first


@dataclass(frozen=True)
class Channel:
    """An alert destination. `name` is safe to show and store; `url` may hold secrets and never is."""

    name: str  # 'console', or '<scheme>:<short hash>' / a user-given label
    url: str | None = field(default=None, repr=False)  # apprise URL; None for the console
    min_score: float = 0.0
    digest: str = "off"  # 'off', 'hourly', 'daily'
    format: str = "auto"  # body format: 'auto' (the service's own), 'text', 'markdown', 'html'
    role: str = "story"  # 'story' (new-story alerts) or 'operator' (source health)
    updates: str = "daily"  # story updates: 'off', 'daily' (at most one per story a day) or 'each'


@dataclass(frozen=True)
class Stored:
    """The outcome of processing a page that was stored (new or already known)."""

    article_id: int
    url: str
    new: bool  # False when the page was already in the archive
    relevant: bool
    score: float
    story_id: int | None
    new_story: bool
    duplicate_of: int | None
    alerts_queued: int


Outcome = Stored | Rejected


@dataclass
class RunCounts:
    """Running totals for one source in one cycle (mutable: a tally, not a record)."""

    pages: int = 0
    seen: int = 0
    new: int = 0
    relevant: int = 0
    duplicates: int = 0
    rejected: int = 0
    stories: int = 0
    alerts: int = 0
    errors: int = 0

    def count(self, outcome: Outcome) -> None:
        """Add one processed page's outcome."""
        self.pages += 1
        if isinstance(outcome, Rejected):
            self.rejected += 1
            return
        self.seen += 1
        if not outcome.new:
            return
        self.new += 1
        self.relevant += int(outcome.relevant)
        self.duplicates += int(outcome.duplicate_of is not None)
        self.stories += int(outcome.new_story)
        self.alerts += outcome.alerts_queued

    def add(self, other: RunCounts) -> None:
        for name in self.as_row():
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_row(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in
                ("pages", "seen", "new", "relevant", "duplicates", "rejected", "stories", "alerts", "errors")}

    @classmethod
    def from_row(cls, row: dict) -> RunCounts:
        return cls(**{name: int(row.get(name) or 0) for name in cls().as_row()})
