"""The `feed` spider: RSS 2.0, RSS 1.0 and Atom (search feeds included); follows each entry's link.

News-search entries are first resolved to the publisher's URL (spiders/decoding.py). A page
the publisher refuses (401/402/403/451) is still handed on as a `Page`, so the processing path
can store its entry headline only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from monitor.models import Page
from monitor.stages.headline import REFUSED_STATUSES
from spiders.base import failure_reason
from spiders.decoding import AggregatorDecoding
from spiders.entries import LinkEntry, parse_feed
from spiders.listings import ListingSpider


class FeedSpider(AggregatorDecoding, ListingSpider):
    """Fetch the feed conditionally, then each entry's page not yet stored, with the entry as hints."""

    name = "feed"
    kinds = ("feed",)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            if self.checking:  # `remon sources check`: the whole listing, unconditionally
                yield Request(url, callback=self.parse_feed, errback=self.listing_failed, dont_filter=True,
                              meta={"remon_listing": url})
            elif (request := self.listing_request(url, self.parse_feed)) is not None:
                yield request

    @property
    def checking(self) -> bool:
        return bool(self.settings.get("MONITOR_CHECK"))

    def listing_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value("remon/check/listing_errors")
        reason = failure_reason(failure) or f"refused: {failure.value}"
        self.crawler.stats.set_value("remon/check/listing_error", f"listing {reason} <{failure.request.url}>")  # type: ignore[attr-defined]
        self.on_error(failure)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = self.parsed_listing(response, parse_feed)
        if entries is None:
            return
        self.logger.info("feed %s: %d entries", response.url, len(entries))
        ready, pending = self.resolve_links(entries)
        self.crawler.stats.inc_value("remon/check/listed", len(entries))
        self.crawler.stats.inc_value("remon/check/resolved", len(ready))
        yield from self.page_requests(ready)
        yield from self.decode_requests(pending, response.url)

    def page_request(self, entry: LinkEntry, **meta: Any) -> Request:
        return super().page_request(entry, **meta).replace(errback=self.on_page_error)

    def on_page_error(self, failure: Failure) -> Iterator[Page]:
        """A refused page becomes a Page anyway (its entry may be stored headline only); others are errors."""
        if failure.check(HttpError) and failure.value.response.status in REFUSED_STATUSES:
            self.crawler.stats.inc_value("remon/refused")
            yield self.page_item(failure.value.response)
            return
        self.on_error(failure)

    def closed(self, reason: str) -> None:
        if self.checking:  # a check leaves the listing's validators as they were
            self.seen_states = []
        super().closed(reason)
