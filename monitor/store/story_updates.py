"""Story update rows in the outbox: written in the same transaction as the article that changes an
already announced story (a report in a new language, a new figure, a first official source).

An update is an `alerts` row of kind `update:<period>`, so the outbox's uniqueness on
(story, channel, kind) makes it at most one per story, channel and period, and delivery,
retries, `remon alerts` and SIGKILL recovery work as for story alerts. The period is the
day (`[alerts] updates = "daily"`: `update:2025-11-06`) or the article (`"each"`:
`update:a42`). A change that comes after the day's update was sent goes into the next
day's, which is not delivered before that day starts. The row's `subject` holds the changes
as a JSON list of {what, outlet, title, value}.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlite_utils import Database

from monitor.models import Channel
from monitor.stages.official import is_official

MAX_FIGURE_CHANGES = 3
SAME_VALUE = 0.001  # relative difference under which two stated values are the same figure


def _article(db: Database, article_id: int) -> dict:
    return next(db.query(
        """select a.id, a.story_id, coalesce(a.outlet, a.source) as outlet, a.title, a.url, a.language,
                  r.content_type from articles a left join raw_pages r on r.id = a.raw_page_id where a.id = ?""",
        [article_id]))


def _new_language(db: Database, article: dict) -> list[dict]:
    language = (article["language"] or "").lower()
    if not language:
        return []
    seen = db.query("select 1 from articles where story_id = ? and id != ? and lower(language) = ? limit 1",
                    [article["story_id"], article["id"], language])
    return [] if list(seen) else [{"what": "language", "value": language, "outlet": article["outlet"],
                                   "title": article["title"]}]


def _new_figures(db: Database, article: dict) -> list[dict]:
    rows = db.query(
        """select f.kind, f.stated from figures f where f.article_id = ? and not exists (
               select 1 from figures g join articles o on o.id = g.article_id
               where o.story_id = ? and o.id != ? and g.kind = f.kind and g.unit = f.unit
                 and abs(g.value - f.value) <= ? * max(abs(g.value), abs(f.value)))
           order by f.id""", [article["id"], article["story_id"], article["id"], SAME_VALUE])
    return [{"what": "figure", "value": row["stated"], "kind": row["kind"], "outlet": article["outlet"],
             "title": article["title"]} for row in list(rows)[:MAX_FIGURE_CHANGES]]


def _first_official(db: Database, article: dict) -> list[dict]:
    if not is_official(article["url"], article["content_type"]):
        return []
    others = db.query(
        """select a.url, r.content_type from articles a left join raw_pages r on r.id = a.raw_page_id
           where a.story_id = ? and a.id != ?""", [article["story_id"], article["id"]])
    if any(is_official(row["url"], row["content_type"]) for row in others):
        return []
    return [{"what": "official", "value": article["url"], "outlet": article["outlet"], "title": article["title"]}]


def story_changes(db: Database, article_id: int) -> list[dict]:
    """What the article adds to its story that is worth telling readers who were already alerted."""
    article = _article(db, article_id)
    if article["story_id"] is None:
        return []
    return _first_official(db, article) + _new_language(db, article) + _new_figures(db, article)


def _period(channel: Channel, article_id: int, now: str, offset: int = 0) -> tuple[str, str]:
    """(kind, not-before stamp) of the update row for this change on this channel."""
    if channel.updates == "each":
        return f"update:a{article_id}", now
    day = date.fromisoformat(now[:10]) + timedelta(days=offset)
    return f"update:{day.isoformat()}", now if offset == 0 else f"{day.isoformat()}T00:00:00+00:00"


def _queue_one(db: Database, story_id: int, channel: Channel, article_id: int, changes: list[dict],
               now: str) -> int:
    for offset in (0, 1):
        kind, due = _period(channel, article_id, now, offset)
        found = list(db.query("select id, status, subject from alerts where story_id = ? and channel = ? and kind = ?",
                              [story_id, channel.name, kind]))
        if not found:
            db.execute("""insert into alerts (story_id, channel, kind, subject, status, attempts, created_at,
                              next_attempt_at) values (?, ?, ?, ?, 'pending', 0, ?, ?)""",
                       [story_id, channel.name, kind, json.dumps(changes, ensure_ascii=False), now, due])
            return 1
        if found[0]["status"] == "pending":
            merged = json.loads(found[0]["subject"] or "[]") + changes
            db.execute("update alerts set subject = ? where id = ?", [json.dumps(merged, ensure_ascii=False),
                                                                      found[0]["id"]])
            return 0
        if channel.updates == "each":
            return 0
    return 0


def queue_story_updates(db: Database, story_id: int, article_id: int, channels: tuple[Channel, ...],
                        now: str) -> int:
    """Update rows for the channels that already delivered the story's alert, when the article changes
    the story; call inside the transaction that stored the article. Returns rows added."""
    wanted = [c for c in channels if c.role == "story" and c.updates != "off"]
    if not wanted:
        return 0
    sent = {row["channel"] for row in db.query(
        "select channel from alerts where story_id = ? and kind = 'story' and status = 'sent'", [story_id])}
    wanted = [c for c in wanted if c.name in sent]
    changes = story_changes(db, article_id) if wanted else []
    if not changes:
        return 0
    return sum(_queue_one(db, story_id, channel, article_id, changes, now) for channel in wanted)
