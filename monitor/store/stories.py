"""Story rows: created for a new event, updated as more outlets report it, with the profile and keys
that let the next article find it.

A story keeps its merged profile (JSON in `stories.profile`), and `story_keys` indexes
its anchors and lead words by day, so candidate stories for a new article are found
with index seeks in a date range, never by scanning the archive. `term_df` counts in
how many stored (non-duplicate) articles each word stem occurs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache

from sqlite_utils import Database

from monitor.models import Article, DedupeDecision, Reason, StoryProfile, StoryView

MAX_STORY_ENTITIES = 12
DOCUMENTS = ""  # the term_df row that counts the indexed articles themselves (no stem is empty)


@dataclass(frozen=True)
class StoryState:
    """A story as it stands after an article was attached to it."""

    id: int
    created: bool
    relevant: bool
    score: float


def profile_json(profile: StoryProfile) -> str:
    """The profile as stored; its fields are flat values and tuples, so no deep `asdict` copy is needed."""
    return json.dumps({f.name: getattr(profile, f.name) for f in fields(profile)}, ensure_ascii=False,
                      separators=(",", ":"))


@lru_cache(maxsize=4096)
def profile_from_json(text: str | None) -> StoryProfile:
    """A stored profile (an empty one for stories stored before profiles existed); cached, as the same
    candidate stories come back for article after article of a crawl (profiles are frozen values)."""
    if not text:
        return StoryProfile()
    raw = json.loads(text)
    return StoryProfile(terms=tuple((t, float(w)) for t, w in raw["terms"]), lead=tuple(raw["lead"]),
                        anchors=tuple(raw["anchors"]), date=raw["date"], last_date=raw["last_date"],
                        date_source=raw["date_source"], outlet=raw["outlet"],
                        languages=tuple(raw.get("languages", ())))


def attach(db: Database, article_id: int, article: Article, decision: DedupeDecision, now: str,
           profile: StoryProfile | None = None, story_profile: StoryProfile | None = None,
           title_language: str = "en") -> StoryState:
    """Put the article in its story (a new one for a new event) and refresh the story's summary.

    `profile` is the article's own; `story_profile` the story's after the article joined
    (None for a duplicate, which adds no new words). Only non-duplicates are indexed.
    """
    if decision.story_id is None:
        story_id = int(db.table("stories").insert({
            "title": article.title, "first_seen": now, "last_seen": now, "article_count": 0,
            "outlet_count": 0, "published": article.published, "representative_article_id": article_id,
        }).last_pk or 0)
        created = True
    else:
        story_id, created = decision.story_id, False
    language = profile.languages[0] if profile and profile.languages else None
    db.execute("update articles set story_id = ?, outlet = ?, language = coalesce(language, ?) where id = ?",
               [story_id, profile.outlet if profile else None, language, article_id])
    if story_profile is not None:
        db.execute("update stories set profile = ? where id = ?", [profile_json(story_profile), story_id])
    if profile is not None and decision.duplicate_of is None:
        index_article(db, story_id, profile, article.fetched_at[:10])
    state = refresh(db, story_id, now, title_language)
    return StoryState(id=story_id, created=created, relevant=state.relevant, score=state.score)


def index_article(db: Database, story_id: int, profile: StoryProfile, fetched_day: str) -> None:
    """Add the article's anchors and lead stems to the story's keys, and its stems to the word counts."""
    days = {fetched_day} | ({profile.date} if profile.date else set())
    keys = dict.fromkeys(profile.anchors + profile.lead)
    db.conn.executemany("insert or ignore into story_keys (key, day, story_id) values (?, ?, ?)",
                        [(key, day, story_id) for key in keys for day in days])
    db.conn.executemany("insert into term_df (term, df) values (?, 1) on conflict(term) do update set df = df + 1",
                        [(DOCUMENTS,), *((term,) for term, _ in profile.terms), *((a,) for a in profile.anchors)])


def refresh(db: Database, story_id: int, now: str | None = None, title_language: str = "en") -> StoryState:
    """Recompute a story's counts, outlets, languages, entities, title, score and relevance from its articles."""
    summary = next(db.query(
        """select count(*) as articles, count(distinct coalesce(outlet, source)) as outlets, max(score) as score,
                  max(relevant) as relevant, min(published) as published
           from articles where story_id = ?""", [story_id]))
    outlets = [row["name"] for row in db.query(
        """select coalesce(outlet, source) as name, min(id) as first from articles where story_id = ?
           group by name order by first""", [story_id])]
    languages = [row["language"] for row in db.query(
        """select language, min(id) as first from articles where story_id = ? and coalesce(language, '') != ''
           group by language order by first""", [story_id])]
    entities = [row["name"] for row in db.query(
        """select e.name, sum(ae.mentions) as total from article_entities ae
           join entities e on e.id = ae.entity_id join articles a on a.id = ae.article_id
           where a.story_id = ? and e.kind not in ('ree-term')
           group by e.id order by total desc, e.name limit ?""", [story_id, MAX_STORY_ENTITIES])]
    changes = {
        "article_count": summary["articles"], "outlet_count": summary["outlets"],
        "outlets": json.dumps(outlets, ensure_ascii=False), "entities": json.dumps(entities, ensure_ascii=False),
        "languages": json.dumps(languages), "language_count": len(languages),
        "score": summary["score"] or 0.0, "relevant": summary["relevant"] or 0,
        "published": summary["published"], **_representative(db, story_id, title_language),
    }
    if now:
        changes["last_seen"] = now
    db.table("stories").update(story_id, changes)
    return StoryState(id=story_id, created=False, relevant=bool(summary["relevant"]),
                      score=float(summary["score"] or 0.0))


def _representative(db: Database, story_id: int, language: str = "en") -> dict[str, object]:
    """Title and id of the story's best original article with a title, in the user's `language` if one is:
    highest score, earliest on ties."""
    rows = list(db.query(
        """select id, title from articles where story_id = ?
           order by coalesce(title, '') = '', lower(coalesce(language, '')) != ? and
                    lower(coalesce(language, '')) not like ?, duplicate_of is not null, score desc, id limit 1""",
        [story_id, language, f"{language}-%"]))
    return {"title": rows[0]["title"], "representative_article_id": rows[0]["id"]} if rows else {}


def story_view(db: Database, story_id: int) -> StoryView | None:
    """What an alert says about a story: title, date, outlets with links, reasons, entities."""
    rows = list(db.query("select * from stories where id = ?", [story_id]))
    if not rows:
        return None
    story = rows[0]
    articles = list(db.query(
        """select coalesce(outlet, source) as outlet, url, reasons, score, duplicate_of from articles
           where story_id = ? order by duplicate_of is not null, score desc, id""", [story_id]))
    outlets: dict[str, str] = {}
    for article in articles:
        outlets.setdefault(article["outlet"], article["url"])
    best = articles[0] if articles else None
    reasons = tuple(Reason(**r) for r in json.loads(best["reasons"])) if best else ()
    return StoryView(id=story_id, title=story["title"], published=story["published"],
                     first_seen=story["first_seen"], score=float(story["score"]),
                     outlets=tuple(outlets.items()), reasons=reasons,
                     entities=tuple(json.loads(story["entities"] or "[]")),
                     languages=tuple(json.loads(story.get("languages") or "[]")))
