"""Aggregator links resolved to publisher URLs before any article is requested (feed spider mixin).

Offline decodings (Bing's `url` parameter, Google's old tokens) and links decoded in an earlier
cycle (the `aggregator_links` table) resolve at once. A recent Google token costs two Scrapy
requests to the source's `news_base_url` (default news.google.com) — the token page for the
signature and timestamp, then the `batchexecute` POST — so they obey the URL policy, robots.txt,
the per-domain delay and the per-cycle cap `max_decodes` like every other request. A failure is
recorded and retried next cycle, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from monitor.clock import now_stamp
from monitor.sources.aggregators import (
    GOOGLE_NEWS_BASE,
    alias_hosts,
    batchexecute_form,
    batchexecute_url,
    decode_link,
    parse_garturlres,
    parse_signature,
    token_page_url,
)
from monitor.store.aggregator_links import link_states, save_decoded, save_failure
from spiders.base import SourceSpider, failure_reason
from spiders.entries import LinkEntry


@dataclass(frozen=True)
class PendingLink:
    """A feed entry whose aggregator link needs the online protocol."""

    entry: LinkEntry
    key: str  # 'google-news:<token>'
    aggregator: str
    token: str


def publisher_entry(entry: LinkEntry, url: str) -> LinkEntry:
    """The entry pointing at the publisher: its URL is what is fetched, stored and linked to."""
    return LinkEntry(url=url, hints=replace(entry.hints, link=url), modified=entry.modified)


class AggregatorDecoding(SourceSpider):
    """Resolves news-search feed entries to publisher URLs; counts what it did in `remon/decode/*` stats."""

    def resolve_links(self, entries: Iterable[LinkEntry]) -> tuple[list[LinkEntry], list[PendingLink]]:
        """(entries ready to fetch, links to decode online this cycle)."""
        aliases = alias_hosts(self.source.news_base_url)
        ready: list[LinkEntry] = []
        waiting: list[PendingLink] = []
        for entry in entries:
            decoded = decode_link(entry.url, aliases)
            if decoded is None:
                ready.append(entry)
            elif decoded.url:
                ready.append(publisher_entry(entry, decoded.url))
                self.count("offline")
            elif decoded.token:
                waiting.append(PendingLink(entry, f"{decoded.aggregator}:{decoded.token}", decoded.aggregator,
                                           decoded.token))
        states = link_states(self.open_archive(), [link.key for link in waiting])
        pending = []
        for link in waiting:
            state = states.get(link.key)
            if state is not None and state.publisher_url:
                ready.append(publisher_entry(link.entry, state.publisher_url))
                self.count("cached")
            elif state is not None and state.gave_up:
                self.count("given_up")
            else:
                pending.append(link)
        if len(pending) > self.source.max_decodes:
            self.count("deferred", len(pending) - self.source.max_decodes)
        return ready, pending[: self.source.max_decodes]

    def count(self, what: str, amount: int = 1) -> None:
        self.crawler.stats.inc_value(f"remon/decode/{what}", amount)

    def decode_requests(self, pending: list[PendingLink], feed_url: str) -> Iterator[Request]:
        base = self.source.news_base_url or GOOGLE_NEWS_BASE
        for link in pending:
            yield Request(token_page_url(base, link.token, feed_url), callback=self.parse_token_page,
                          errback=self.decode_error, dont_filter=True, meta={"remon_decode": link})

    def parse_token_page(self, response: Response) -> Iterator[Request]:
        link: PendingLink = response.meta["remon_decode"]
        found = parse_signature(response.text)
        if found is None:
            self.decode_failed(link, "no data-n-a-sg/data-n-a-ts on the token page")
            return
        signature, timestamp = found
        base = self.source.news_base_url or GOOGLE_NEWS_BASE
        yield FormRequest(batchexecute_url(base), formdata=batchexecute_form(link.token, signature, timestamp),
                          callback=self.parse_batchexecute, errback=self.decode_error, dont_filter=True,
                          meta={"remon_decode": link})

    def parse_batchexecute(self, response: Response) -> Iterator[Any]:
        link: PendingLink = response.meta["remon_decode"]
        url = parse_garturlres(response.text)
        if url is None:
            self.decode_failed(link, "no garturlres URL in the batchexecute answer")
            return
        save_decoded(self.open_archive(), link.key, link.aggregator, self.source.name, link.entry.url, url,
                     now_stamp())
        self.count("online")
        self.crawler.stats.inc_value("remon/check/resolved")
        yield from self.page_requests([publisher_entry(link.entry, url)])

    def decode_error(self, failure: Failure) -> None:
        link: PendingLink = failure.request.meta["remon_decode"]  # type: ignore[attr-defined]
        self.decode_failed(link, failure_reason(failure) or f"refused: {failure.value}")

    def decode_failed(self, link: PendingLink, reason: str) -> None:
        """Recorded, counted, retried next cycle; never stops the crawl."""
        self.logger.warning("could not decode %s: %s", link.entry.url, reason)
        save_failure(self.open_archive(), link.key, link.aggregator, self.source.name, link.entry.url, reason,
                     now_stamp())
        self.count("failed")
        # counted as a failed request: the run shows it, source health sees a protocol change, and the
        # listing's validators are not kept, so the next cycle re-reads the listing and retries
        self.crawler.stats.inc_value("remon/errors")
        self.crawler.stats.set_value("remon/last_error", f"decoding: {reason} <{link.entry.url}>")
        if not self.crawler.stats.get_value("remon/decode/first_error"):
            self.crawler.stats.set_value("remon/decode/first_error", f"decoding: {reason} <{link.entry.url}>")
