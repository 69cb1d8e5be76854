"""The `sitemap` spider: sitemaps and sitemap indexes, Google News sitemaps included.

`since` (days) keeps only URLs whose lastmod or news publication date is recent enough;
entries without any date are kept. Allow/deny patterns apply to page URLs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Request, Response

from spiders.entries import LinkEntry, parse_sitemap
from spiders.listings import ListingSpider


class SitemapSpider(ListingSpider):
    """Walk the sitemap tree conditionally; request recent pages not yet stored."""

    name = "sitemap"
    kinds = ("sitemap",)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            if (request := self.listing_request(url, self.parse_sitemap)) is not None:
                yield request

    def recent(self, entry: LinkEntry) -> bool:
        if self.source.since is None or entry.modified is None:
            return True
        cutoff = (datetime.now(UTC) - timedelta(days=self.source.since)).date().isoformat()
        return entry.modified >= cutoff

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        sitemap = self.parsed_listing(response, parse_sitemap)
        if sitemap is None:
            return
        entries = [e for e in sitemap.entries if self.recent(e)]
        self.logger.info("sitemap %s: %d of %d entries recent", response.url, len(entries), len(sitemap.entries))
        if sitemap.is_index:
            depth = int(response.meta.get("remon_listing_depth", 0)) + 1
            for entry in entries:
                request = self.listing_request(entry.url, self.parse_sitemap, depth, listed_by=response.url)
                if request is not None:
                    yield request
            return
        yield from self.page_requests(entries)
