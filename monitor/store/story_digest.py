"""Read-only queries that gather what an alert says about a story: its articles, figures and entities.

The rows become plain records here (the SQLite edge); `monitor.alerting.render` turns them into a
story digest. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from monitor.models import Reason

LEAD_CHARS = 2000  # enough of an article's text to find its lead sentences


@dataclass(frozen=True)
class DigestArticle:
    """One article of a story, as the alert lists it."""

    id: int
    outlet: str
    url: str
    title: str
    language: str | None
    published: str | None
    date_source: str | None
    fetched_at: str
    description: str | None
    opening: str  # the first LEAD_CHARS characters of the text
    score: float
    duplicate_of: int | None
    content_type: str | None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class DigestFigure:
    """A figure stated by one article, with the kind of the entity it is attributed to."""

    article_id: int
    kind: str
    value: float
    value_high: float | None
    unit: str
    stated: str
    entity: str | None
    entity_kind: str | None


@dataclass(frozen=True)
class DigestEntity:
    name: str
    kind: str
    mentions: int


@dataclass(frozen=True)
class StoryRows:
    """Everything stored about one story that its alert and update messages use."""

    id: int
    title: str
    published: str | None
    first_seen: str
    last_seen: str
    score: float
    representative_article_id: int | None
    articles: tuple[DigestArticle, ...]  # best first (originals by score, then copies)
    figures: tuple[DigestFigure, ...]
    entities: tuple[DigestEntity, ...]  # most mentioned first


def story_rows(db: Database, story_id: int) -> StoryRows | None:
    """The story with its articles, figures and entities; None when no such story exists."""
    found = list(db.query("select * from stories where id = ?", [story_id]))
    if not found:
        return None
    story = found[0]
    return StoryRows(id=story_id, title=story["title"], published=story["published"],
                     first_seen=story["first_seen"], last_seen=story["last_seen"], score=float(story["score"]),
                     representative_article_id=story["representative_article_id"],
                     articles=story_articles(db, story_id), figures=story_figures(db, story_id),
                     entities=story_entities(db, story_id))


def story_articles(db: Database, story_id: int) -> tuple[DigestArticle, ...]:
    rows = db.query(
        """select a.id, coalesce(a.outlet, a.source) as outlet, a.url, a.title, a.language, a.published,
                  a.date_source, a.fetched_at, a.description, substr(a.text, 1, ?) as opening, a.score,
                  a.duplicate_of, r.content_type, a.reasons
           from articles a left join raw_pages r on r.id = a.raw_page_id
           where a.story_id = ? order by a.duplicate_of is not null, a.score desc, a.id""", [LEAD_CHARS, story_id])
    return tuple(DigestArticle(**{**row, "score": float(row["score"]),
                                  "reasons": tuple(Reason(**r) for r in json.loads(row["reasons"] or "[]"))})
                 for row in rows)


def story_figures(db: Database, story_id: int) -> tuple[DigestFigure, ...]:
    rows = db.query(
        """select f.article_id, f.kind, f.value, f.value_high, f.unit, f.stated, f.entity,
                  (select e.kind from entities e where e.name = f.entity limit 1) as entity_kind
           from figures f join articles a on a.id = f.article_id
           where a.story_id = ? order by f.id""", [story_id])
    return tuple(DigestFigure(**row) for row in rows)


def story_entities(db: Database, story_id: int) -> tuple[DigestEntity, ...]:
    rows = db.query(
        """select e.name, e.kind, sum(ae.mentions) as mentions from article_entities ae
           join entities e on e.id = ae.entity_id join articles a on a.id = ae.article_id
           where a.story_id = ? group by e.id order by mentions desc, e.name""", [story_id])
    return tuple(DigestEntity(**row) for row in rows)
