"""The Atom feed of new relevant stories, so any feed reader can follow remon.

`render_atom` is pure (stories and a clock value in, XML text out); `write_atom` writes
it atomically (temporary file, then rename) so a reader never sees half a feed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

from monitor.alerting.render.digest import build_digest
from monitor.alerting.render.html import render_html
from monitor.models import Analysis, StoryView
from monitor.stages.analyse import explain
from monitor.store import Archive
from monitor.store.feed import FeedStory, recent_stories
from monitor.store.story_digest import story_rows

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:remon:stories"


def _utc(stamp: str) -> str:
    """An RFC 3339 timestamp from a stored ISO one (dates get midnight UTC)."""
    if len(stamp) == 10:
        return f"{stamp}T00:00:00Z"
    return stamp.replace("+00:00", "Z")


def reason_line(view: StoryView) -> str:
    """Why the story matched, in one line."""
    return explain(Analysis(score=view.score, relevant=True, reasons=view.reasons))


def story_date(view: StoryView) -> str:
    """The publication date, or the day remon first saw an undated story (said as such, never passed off)."""
    return view.published or f"first seen {view.first_seen[:10]}"


def _entry(feed: ET.Element, story: FeedStory, content: str | None) -> None:
    view = story.view
    entry = ET.SubElement(feed, "entry")
    ET.SubElement(entry, "id").text = f"{FEED_ID}:{view.id}"
    ET.SubElement(entry, "title").text = view.title
    ET.SubElement(entry, "updated").text = _utc(story.updated)
    ET.SubElement(entry, "published").text = _utc(view.first_seen)
    for name, url in view.outlets:
        ET.SubElement(entry, "link", {"rel": "alternate" if name == view.outlets[0][0] else "related",
                                      "href": url, "title": name})
    languages = f" · {len(view.outlets)} outlet(s) · languages: {', '.join(view.languages)}" if view.languages else ""
    summary = f"{story_date(view)} · score {view.score:.2f} · {reason_line(view)}"
    ET.SubElement(entry, "summary").text = summary + languages
    if content:
        ET.SubElement(entry, "content", {"type": "html"}).text = content
    for term in view.entities[:8]:
        ET.SubElement(entry, "category", {"term": term})


def story_contents(archive: Archive, story_ids: list[int]) -> dict[int, str]:
    """Each story's digest as HTML (the same body an email alert has), for the entries' content."""
    found = {}
    for story_id in story_ids:
        rows = story_rows(archive.db, story_id)
        if rows is not None:
            found[story_id] = render_html(build_digest(rows))
    return found


def render_atom(stories: list[FeedStory], title: str, now: str, self_url: str | None = None,
                contents: dict[int, str] | None = None) -> str:
    """An Atom 1.0 document with one entry per story; `updated` is the newest entry's, else `now`."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    ET.SubElement(feed, "id").text = FEED_ID
    ET.SubElement(feed, "title").text = title
    ET.SubElement(feed, "updated").text = _utc(max((s.updated for s in stories), default=now))
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = "remon"
    ET.SubElement(feed, "generator").text = "remon"
    if self_url:
        ET.SubElement(feed, "link", {"rel": "self", "href": self_url})
    for story in stories:
        _entry(feed, story, (contents or {}).get(story.view.id))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_atom(archive: Archive, path: Path, title: str, entries: int, now: str) -> bool:
    """Write the feed of the latest stories to `path` if it changed; True when the file was (re)written."""
    stories = recent_stories(archive.db, entries)
    text = render_atom(stories, title, now, contents=story_contents(archive, [s.view.id for s in stories]))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    log.info("wrote Atom feed %s (%d entries)", path, min(entries, text.count("<entry>")))
    return True
