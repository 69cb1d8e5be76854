"""Story rows: created for a new event, updated as more outlets report it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from monitor.models import Analysis, Article, DedupeDecision, Reason, StoryView

MAX_STORY_ENTITIES = 12


@dataclass(frozen=True)
class StoryState:
    """A story as it stands after an article was attached to it."""

    id: int
    created: bool
    relevant: bool
    score: float


def attach(db: Database, article_id: int, article: Article, analysis: Analysis,
           decision: DedupeDecision, now: str) -> StoryState:
    """Put the article in its story (a new one for a new event) and refresh the story's summary."""
    if decision.story_id is None:
        story_id = int(db["stories"].insert({
            "title": article.title, "first_seen": now, "last_seen": now, "article_count": 0,
            "outlet_count": 0, "published": article.published, "representative_article_id": article_id,
        }).last_pk)
        created = True
    else:
        story_id, created = decision.story_id, False
    db.execute("update articles set story_id = ? where id = ?", [story_id, article_id])
    state = refresh(db, story_id, now)
    return StoryState(id=story_id, created=created, relevant=state.relevant, score=state.score)


def refresh(db: Database, story_id: int, now: str | None = None) -> StoryState:
    """Recompute a story's counts, outlets, entities, score and relevance from its articles."""
    summary = next(db.query(
        """select count(*) as articles, count(distinct source) as outlets, max(score) as score,
                  max(relevant) as relevant, min(published) as published
           from articles where story_id = ?""", [story_id]))
    outlets = [row["source"] for row in db.query(
        "select source, min(id) as first from articles where story_id = ? group by source order by first",
        [story_id])]
    entities = [row["name"] for row in db.query(
        """select e.name, sum(ae.mentions) as total from article_entities ae
           join entities e on e.id = ae.entity_id join articles a on a.id = ae.article_id
           where a.story_id = ? and e.kind not in ('ree-term')
           group by e.id order by total desc, e.name limit ?""", [story_id, MAX_STORY_ENTITIES])]
    changes = {
        "article_count": summary["articles"], "outlet_count": summary["outlets"],
        "outlets": json.dumps(outlets, ensure_ascii=False), "entities": json.dumps(entities, ensure_ascii=False),
        "score": summary["score"] or 0.0, "relevant": summary["relevant"] or 0,
        "published": summary["published"],
    }
    if now:
        changes["last_seen"] = now
    db["stories"].update(story_id, changes)
    return StoryState(id=story_id, created=False, relevant=bool(summary["relevant"]),
                      score=float(summary["score"] or 0.0))


def story_view(db: Database, story_id: int) -> StoryView | None:
    """What an alert says about a story: title, date, outlets with links, reasons, entities."""
    rows = list(db.query("select * from stories where id = ?", [story_id]))
    if not rows:
        return None
    story = rows[0]
    articles = list(db.query(
        """select source, url, reasons, score, duplicate_of from articles where story_id = ?
           order by duplicate_of is not null, score desc, id""", [story_id]))
    outlets: dict[str, str] = {}
    for article in articles:
        outlets.setdefault(article["source"], article["url"])
    best = articles[0] if articles else None
    reasons = tuple(Reason(**r) for r in json.loads(best["reasons"])) if best else ()
    return StoryView(id=story_id, title=story["title"], published=story["published"],
                     first_seen=story["first_seen"], score=float(story["score"]),
                     outlets=tuple(outlets.items()), reasons=reasons,
                     entities=tuple(json.loads(story["entities"] or "[]")))
