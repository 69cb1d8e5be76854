"""The Atom feed: a pure rendering checked whole, parsed back by feedparser, and written only when it changes."""

from __future__ import annotations

from pathlib import Path

import feedparser

from monitor.alerting.atom import reason_line, render_atom, write_atom
from monitor.models import Reason, StoryView
from monitor.store import open_archive
from monitor.store.feed import FeedStory

CONTENT = '<div><a href="https://caixin.example/b">Caixin</a> &amp; more</div>'  # what story_contents gives
VIEW = StoryView(id=7, title="China adds <rare earth> technologies to export ban", published="2025-03-02",
                 first_seen="2025-03-02T08:00:00+00:00", score=0.91,
                 outlets=(("Reuters", "https://reuters.example/a?x=1&y=2"), ("Caixin", "https://caixin.example/b")),
                 reasons=(Reason(term="rare earths", kind="ree", where="title", weight=1.0),),
                 entities=("China", "Ministry of Commerce"))


def test_render_atom_whole_document() -> None:
    story = FeedStory(view=VIEW, updated="2025-03-03T09:30:00+00:00")
    html = CONTENT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    summary = f"2025-03-02 · score 0.91 · {reason_line(VIEW)}"
    assert render_atom([story], "remon stories", "2025-03-04T00:00:00+00:00", contents={7: CONTENT}) == f"""\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:remon:stories</id>
  <title>remon stories</title>
  <updated>2025-03-03T09:30:00Z</updated>
  <author>
    <name>remon</name>
  </author>
  <generator>remon</generator>
  <entry>
    <id>urn:remon:stories:7</id>
    <title>China adds &lt;rare earth&gt; technologies to export ban</title>
    <updated>2025-03-03T09:30:00Z</updated>
    <published>2025-03-02T08:00:00Z</published>
    <link rel="alternate" href="https://reuters.example/a?x=1&amp;y=2" title="Reuters" />
    <link rel="related" href="https://caixin.example/b" title="Caixin" />
    <summary>{summary}</summary>
    <content type="html">{html}</content>
    <category term="China" />
    <category term="Ministry of Commerce" />
  </entry>
</feed>
"""


def test_feed_readers_can_parse_it() -> None:
    text = render_atom([FeedStory(view=VIEW, updated="2025-03-03T09:30:00+00:00")], "remon", "2025-03-04T00:00:00Z",
                       contents={7: CONTENT})
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    entry = parsed.entries[0]
    assert (entry.title, entry.link, entry.id, entry.published) == \
        (VIEW.title, "https://reuters.example/a?x=1&y=2", "urn:remon:stories:7", "2025-03-02T08:00:00Z")
    assert 'href="https://caixin.example/b"' in entry.content[0].value


def test_empty_feed_uses_now() -> None:
    parsed = feedparser.parse(render_atom([], "remon", "2025-03-04T00:00:00+00:00"))
    assert (parsed.bozo, parsed.feed.updated, len(parsed.entries)) == (0, "2025-03-04T00:00:00Z", 0)


def test_write_atom_writes_only_on_change(tmp_path: Path) -> None:
    archive = open_archive(":memory:")
    path = tmp_path / "out/stories.atom"
    now = "2025-03-04T00:00:00+00:00"
    assert write_atom(archive, path, "remon", 50, now) is True
    first = path.read_text()
    assert write_atom(archive, path, "remon", 50, now) is False
    archive.db["stories"].insert({"title": "Story", "first_seen": now, "last_seen": now, "relevant": 1,
                                  "score": 0.8})
    assert write_atom(archive, path, "remon", 50, now) is True
    assert path.read_text() != first and feedparser.parse(path.read_text()).entries[0].title == "Story"
    assert sorted(p.name for p in path.parent.iterdir()) == ["stories.atom"]  # no temporary file left
