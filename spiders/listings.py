"""Conditional fetching of listings (feeds, sitemaps): a 304 costs no parsing.

Requests carry the ETag / Last-Modified we stored last time. A 304 ends there; a 200 whose
body hash is unchanged is noted (validators lie) and its entries are still checked against
the archive, which is cheap because known URLs are never requested again.

Validators are saved when the crawl ends, and only if no request or page failed: a 304
must mean "everything listed here was handled", or a failed page would never be retried.
After a failed run only the body hash is kept, so the next run re-reads the listing.

Listings are bounded, because strangers write them: each listing URL is fetched once per
crawl (a visited set), sitemap indexes are followed `crawl.max_listing_depth` levels deep,
and at most `crawl.max_listing_requests` listings are fetched per source. A loop (index A
lists B, B lists A), the depth and the cap are each reported once as an error of the run,
and so is a listing that cannot be parsed (an empty sitemap, a gzip bomb).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip

from monitor.clock import now_stamp
from monitor.hashing import sha256_hex
from monitor.sources.fetch import conditional_headers
from monitor.stages.urls import canonical_url
from monitor.store.fetch_state import FetchState, load_state, save_state
from monitor.store.rejections import unchanged_rejections
from spiders.base import SourceSpider
from spiders.entries import LinkEntry

log = logging.getLogger(__name__)
T = TypeVar("T")


class ListingSpider(SourceSpider):
    """A source whose start URLs are listings of article links."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_states: list[FetchState] = []
        self.listings_seen: set[str] = set()
        self.problems_reported: set[str] = set()

    def listing_request(self, url: str, callback: Callable[[Response], Any], depth: int = 0,
                        listed_by: str | None = None) -> Request | None:
        """The request for a listing, or None when it was already fetched, is too deep or over the cap."""
        key = canonical_url(url)
        if key in self.listings_seen:
            if listed_by is not None:
                self.listing_problem("listing-loop", f"listing loop: {url} listed again by {listed_by}")
            return None
        if depth > self.settings.getint("MONITOR_MAX_LISTING_DEPTH", 3):
            self.listing_problem("listing-depth", f"listings nested deeper than {depth - 1}: {url}")
            return None
        if len(self.listings_seen) >= self.settings.getint("MONITOR_MAX_LISTINGS", 50):
            self.listing_problem("listing-cap", f"more than {len(self.listings_seen)} listings; not fetched: {url}")
            return None
        self.listings_seen.add(key)
        state = load_state(self.open_archive(), url)
        # a source whose pages change in place re-reads its listing: a 304 would hide the pages' changes
        headers = conditional_headers(state.etag, state.last_modified) if state and not self.source.changes else {}
        return Request(url, callback=callback, errback=self.on_error, headers=headers, dont_filter=True,
                       meta={"handle_httpstatus_list": [304], "remon_listing": url, "remon_listing_depth": depth})

    def listing_problem(self, key: str, message: str) -> None:
        """Report a bounded listing's problem once per crawl as an error (a loop costs one line, not 6,000)."""
        if key not in self.problems_reported:
            self.problems_reported.add(key)
            log.error("%s", message)
            self.count_error(key, message)

    def parsed_listing(self, response: Response, parse: Callable[[bytes, str], T]) -> T | None:
        """The listing parsed by `parse`, None after a 304; a listing that will not parse is an error."""
        try:
            body = self.listing_body(response)
            return None if body is None else parse(body, response.url)
        except Exception as error:  # noqa: BLE001 - a listing is a fault boundary: one bad listing never stops the crawl
            message = f"listing {response.url} could not be parsed: {type(error).__name__}: {error}"
            log.error("%s", message[:500])
            self.count_error("oversized" if "MaxSize" in type(error).__name__ else "listing-unparsable", message)
            return None

    def listing_body(self, response: Response) -> bytes | None:
        """The body to parse, or None after a 304; records the listing's validators either way."""
        url = response.meta.get("remon_listing", response.url)
        archive = self.open_archive()
        previous = load_state(archive, url)
        now = now_stamp()
        if response.status == 304:
            log.info("listing not modified: %s", url)
            self.crawler.stats.inc_value("remon/listing_not_modified")
            if previous is not None:
                save_state(archive, replace(previous, checked_at=now))
            return None
        body = self._plain_body(response)
        digest = sha256_hex(body)
        unchanged = previous is not None and previous.body_sha256 == digest
        if unchanged:
            log.info("listing unchanged (same body hash): %s", url)
            self.crawler.stats.inc_value("remon/listing_unchanged")
        self.seen_states.append(FetchState(
            url=url, source=self.source.name, etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"), body_sha256=digest, checked_at=now,
            changed_at=previous.changed_at if unchanged and previous else now))
        return body

    def not_worth_fetching(self, fresh: dict[str, LinkEntry]) -> set[str]:
        """Stored pages, and pages rejected before whose listing entry has not changed since:
        a re-crawl of an unchanged listing fetches none of them; a changed entry is fetched once."""
        rejected = unchanged_rejections(self.open_archive(), {key: entry.listed for key, entry in fresh.items()})
        self.crawler.stats.inc_value("remon/skipped_rejected", len(rejected))
        return super().not_worth_fetching(fresh) | rejected

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        clean = reason == "finished" and not stats.get_value("remon/errors") \
            and not stats.get_value("remon/processing_errors")
        if self.archive is not None:
            for state in self.seen_states:
                save_state(self.archive, state if clean else replace(state, etag=None, last_modified=None))
        if not clean and self.seen_states:
            log.info("listing validators not kept: this run had failures, the next one re-reads the listings")
        super().closed(reason)

    def _plain_body(self, response: Response) -> bytes:
        if response.body[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file, not as transfer encoding
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        return response.body


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
