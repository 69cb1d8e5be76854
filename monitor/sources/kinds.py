"""The source-kind registry: one table from each kind of source to what it needs and what reads it.

Config validation, the cycle and the crawl command all read this table, so adding a kind means one row
here and one new module (a spider in `spiders/` named after the kind, or an in-process loader).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Location = Literal["path", "url", "url_or_urls"]


@dataclass(frozen=True)
class SourceKind:
    """What a kind of source needs in the config and how a cycle reads it."""

    name: str
    location: Location        # the config key(s) that must be set
    in_process: bool          # read by a loader inside `remon run` (no network, no Scrapy process)
    summary: str

    @property
    def spider(self) -> str:
        """The Scrapy spider that reads this kind: spiders are named after their kind."""
        return self.name


KINDS: dict[str, SourceKind] = {kind.name: kind for kind in (
    SourceKind("seeds", "path", True, "a folder of local .txt, .md, .html/.htm and .pdf documents"),
    SourceKind("feed", "url", False, "an RSS 2.0, RSS 1.0 or Atom feed; its items' links are fetched"),
    SourceKind("sitemap", "url", False, "a sitemap, sitemap index or Google News sitemap"),
    SourceKind("site", "url_or_urls", False, "start pages; same-site links followed to `depth`"),
)}


class UnknownKind(ValueError):
    """A kind name that is not in the registry."""


def source_kind(name: str) -> SourceKind:
    """The registry row for a kind name; UnknownKind names the kinds there are."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"unknown source kind {name!r}; kinds are: {', '.join(KINDS)}") from None


def missing_location(kind: SourceKind, path: str | None, url: str | None, urls: tuple[str, ...]) -> str | None:
    """The config key a source of this kind lacks ('path', 'url', "'url' or 'urls'"), or None."""
    if kind.location == "path" and not path:
        return "'path'"
    if kind.location == "url" and not url:
        return "'url'"
    if kind.location == "url_or_urls" and not (url or urls):
        return "'url' or 'urls'"
    return None
