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
            yield self.listing_request(url, self.parse_sitemap)

    def recent(self, entry: LinkEntry) -> bool:
        if self.source.since is None or entry.modified is None:
            return True
        cutoff = (datetime.now(UTC) - timedelta(days=self.source.since)).date().isoformat()
        return entry.modified >= cutoff

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = self.listing_body(response)
        if body is None:
            return
        sitemap = parse_sitemap(body, response.url)
        entries = [e for e in sitemap.entries if self.recent(e)]
        self.logger.info("sitemap %s: %d of %d entries recent", response.url, len(entries), len(sitemap.entries))
        if sitemap.is_index:
            for entry in entries:
                yield self.listing_request(entry.url, self.parse_sitemap)
            return
        yield from self.page_requests(entries)
