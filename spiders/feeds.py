"""The `feed` spider: RSS 2.0, RSS 1.0 and Atom (search feeds included); follows each entry's link."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from spiders.entries import parse_feed
from spiders.listings import ListingSpider


class FeedSpider(ListingSpider):
    """Fetch the feed conditionally, then each entry's page not yet stored, with the entry as hints."""

    name = "feed"
    kinds = ("feed",)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            if (request := self.listing_request(url, self.parse_feed)) is not None:
                yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = self.parsed_listing(response, parse_feed)
        if entries is None:
            return
        self.logger.info("feed %s: %d entries", response.url, len(entries))
        yield from self.page_requests(entries)
