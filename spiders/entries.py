"""Pure parsers that turn feed and sitemap bodies into link entries (no Scrapy, no network).

A feed entry keeps what the feed says about its page (title, date, summary, author) so
the spider can hand it on as `PageHints`; a sitemap entry keeps its lastmod and the
Google News fields. Dates are ISO days (YYYY-MM-DD) or None, never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from w3lib.html import remove_tags, replace_entities

from monitor.models import PageHints
from monitor.stages.dates import iso_day, struct_day
from monitor.stages.headline import split_outlet

_SPACE = re.compile(r"\s+")
NEWS_NS = "google.com/schemas/sitemap-news"


@dataclass(frozen=True)
class LinkEntry:
    """One link found in a feed or sitemap, with what the listing said about it."""

    url: str
    hints: PageHints = field(default_factory=PageHints)
    modified: str | None = None  # sitemap lastmod (ISO day), for `since`

    @property
    def listed(self) -> str | None:
        """The entry's own date (lastmod, else publication): when it changes, the page may have."""
        return self.modified or self.hints.published


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: either an index of further sitemaps or a set of page entries."""

    is_index: bool
    entries: tuple[LinkEntry, ...]


def plain_text(html: str | None) -> str | None:
    """Feed summaries are HTML fragments; keep their text only."""
    if not html:
        return None
    text = _SPACE.sub(" ", replace_entities(remove_tags(html))).strip()
    return text or None


def parse_feed(body: bytes, base_url: str) -> tuple[LinkEntry, ...]:
    """Entries of an RSS 2.0, RSS 1.0 or Atom document, in feed order, with absolute links."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    entries = []
    for item in parsed.entries:
        link = item.get("link") or item.get("id")
        if not link or not str(link).startswith(("http://", "https://", "/")):
            continue
        day = struct_day(item.get("published_parsed") or item.get("updated_parsed"))
        title, outlet = split_outlet(plain_text(item.get("title")) or "", entry_outlet(item))
        url = urljoin(base_url, str(link).strip())
        hints = PageHints(
            title=title or None,
            published=day,
            published_source="feed" if day else None,
            summary=plain_text(item.get("summary")),
            author=item.get("author") or None,
            outlet=outlet,
            link=url,
        )
        entries.append(LinkEntry(url=url, hints=hints))
    return tuple(entries)


def entry_outlet(item: dict) -> str | None:
    """The publisher a news-search item names: `<source url=...>Name</source>` (its name, else its host)."""
    source = item.get("source") or {}
    name = plain_text(source.get("title"))
    if name:
        return name
    host = urlsplit(source.get("href") or "").hostname or ""
    return host.removeprefix("www.") or None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str, namespace: str = "") -> str | None:
    for child in element.iter():
        tag = child.tag if isinstance(child.tag, str) else ""
        if _local(tag) == name and namespace in tag and child.text and child.text.strip():
            return str(child.text.strip())
    return None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """A sitemap index or urlset, including Google News `news:publication_date`/`news:title`."""
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(body.strip(), parser=parser)
    if root is None:
        return Sitemap(is_index=False, entries=())
    is_index = _local(root.tag) == "sitemapindex"
    entries = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        day = iso_day(_child_text(node, "publication_date", NEWS_NS))
        hints = PageHints(title=_child_text(node, "title", NEWS_NS), published=day,
                          published_source="sitemap" if day else None)
        entries.append(LinkEntry(url=urljoin(base_url, loc), hints=hints,
                                 modified=iso_day(_child_text(node, "lastmod")) or day))
    return Sitemap(is_index=is_index, entries=tuple(entries))
