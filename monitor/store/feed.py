"""Queries for the Atom feed: the latest relevant stories, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from monitor.models import StoryView
from monitor.store.stories import story_view


@dataclass(frozen=True)
class FeedStory:
    """A story as a feed entry needs it: its view plus when it was last updated."""

    view: StoryView
    updated: str


def recent_stories(db: Database, limit: int) -> list[FeedStory]:
    """The latest relevant stories (by first sight), newest first."""
    rows = list(db.query("select id, last_seen from stories where relevant = 1 order by first_seen desc, id desc "
                         "limit ?", [limit]))
    found = []
    for row in rows:
        view = story_view(db, row["id"])
        if view is not None:
            found.append(FeedStory(view=view, updated=row["last_seen"]))
    return found
