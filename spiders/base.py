"""The shared spider: one remon source, its config applied as Scrapy settings, `Page` items out.

Subclasses only find URLs (feed entries, sitemap entries, links). This base turns a URL
into a request only when the archive lacks it, makes listings conditional, wraps each
response as a `Page` (never parsing its text), and logs and counts every failed request.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from monitor.clock import now_stamp
from monitor.config.load import Config, ConfigError, SourceConfig, load_config
from monitor.glue.pipelines import count_error
from monitor.glue.settings import crawl_settings
from monitor.glue.workers import claim_url
from monitor.models import Page, PageHints
from monitor.sources.fetch import declared_encoding, is_pdf
from monitor.stages.urls import canonical_url
from monitor.store import Archive, known_urls, open_archive
from spiders.entries import LinkEntry

log = logging.getLogger(__name__)

KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


class SourceSpider(scrapy.Spider):
    """Base of the feed, sitemap, site and seeds spiders: `scrapy crawl KIND -a source=NAME`."""

    kinds: tuple[str, ...] = ()

    def __init__(self, remon: Config, source: SourceConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.remon, self.source = remon, source
        self.allow = tuple(re.compile(p) for p in source.allow)
        self.deny = tuple(re.compile(p) for p in source.deny)
        self.archive: Archive | None = None
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        """Load the remon config (`-a config=PATH` or MONITOR_CONFIG), pick `-a source=NAME`."""
        name = kwargs.pop("source", None) or crawler.settings.get("MONITOR_SOURCE")
        remon = load_config(kwargs.pop("config", None) or crawler.settings.get("MONITOR_CONFIG"))
        source = remon.source(name) if name else cls.only_source(remon)
        if source.kind not in cls.kinds:
            raise ConfigError(f"source {name!r} is a {source.kind!r} source: run `scrapy crawl {source.kind}`")
        crawler.settings.setdict({**crawl_settings(remon, source), "MONITOR_SOURCE": source.name,
                                  "MONITOR_CONFIG": remon.config_path}, priority="spider")
        if crawler.settings.getbool("MONITOR_SCALE_OUT"):  # worker of a scrapy-redis crawl
            from monitor.run.scaleout import scale_out_settings  # redis is imported in scale-out mode only

            crawler.settings.setdict(scale_out_settings(remon.redis.url, source.name), priority="spider")
        spider = cls(remon, source, *args, **kwargs)
        spider._set_crawler(crawler)
        return spider

    @classmethod
    def only_source(cls, remon: Config) -> SourceConfig:
        """The one configured source of this spider's kind, when `-a source=NAME` was not given."""
        matching = [s for s in remon.active_sources if s.kind in cls.kinds]
        if len(matching) != 1:
            names = ", ".join(s.name for s in matching) or "none configured"
            raise ConfigError(f"scrapy crawl {cls.name}: pass -a source=NAME (sources of this kind: {names})")
        return matching[0]

    def open_archive(self) -> Archive:
        if self.archive is None:
            self.archive = open_archive(self.remon.db_path)
        return self.archive

    def closed(self, reason: str) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def page_requests(self, entries: Iterable[LinkEntry], **meta: Any) -> Iterator[Request]:
        """Requests for the entries worth fetching: wanted, not yet stored, within the page budget."""
        fresh: dict[str, LinkEntry] = {}
        for entry in entries:
            key = canonical_url(entry.url)
            if url_wanted(entry.url, self.allow, self.deny) and key not in self.requested and key not in fresh:
                fresh[key] = entry
        stored = set() if self.source.changes else self.not_worth_fetching(fresh)
        self.crawler.stats.inc_value("remon/skipped_known", len(stored))
        budget = self.settings.getint("MONITOR_MAX_PAGES", 500)
        for key, entry in fresh.items():
            if key in stored or len(self.requested) >= budget:
                continue
            if not claim_url(self.remon.db_path, key):  # another source of this crawl process asked first
                self.crawler.stats.inc_value("remon/claimed_by_other_source")
                continue
            self.requested.add(key)
            yield self.page_request(entry, **meta)

    def not_worth_fetching(self, fresh: dict[str, LinkEntry]) -> set[str]:
        """Canonical URLs among `fresh` not to request: those already stored."""
        return known_urls(self.open_archive(), list(fresh))

    def page_request(self, entry: LinkEntry, **meta: Any) -> Request:
        meta = {"remon_hints": replace(entry.hints, listed=entry.listed), **meta}
        if is_pdf("", entry.url):
            meta["download_maxsize"] = self.settings.getint("MONITOR_MAX_PDF_BYTES")
        return Request(entry.url, callback=self.parse_page, errback=self.on_error, meta=meta)

    def parse_page(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response)

    def page_item(self, response: Response) -> Page:
        return page_from_response(response, self.source.name)

    def on_error(self, failure: Failure) -> None:
        """Log a failed request with its URL and reason; count it unless it was refused on purpose."""
        request = failure.request  # type: ignore[attr-defined]
        reason = failure_reason(failure)
        if reason is None:
            log.info("not fetched %s: %s", request.url, failure.value)
            self.crawler.stats.inc_value("remon/ignored")
            return
        log.warning("fetch failed %s: %s", request.url, reason)
        self.count_error(reason_key(reason), f"{reason} <{request.url}>")

    def count_error(self, key: str, message: str) -> None:
        """One error of this crawl, counted under `key` (its kind) for the run row and source health."""
        count_error(self.crawler.stats, key, message)


def url_wanted(url: str, allow: tuple[re.Pattern[str], ...], deny: tuple[re.Pattern[str], ...]) -> bool:
    """A source's allow/deny patterns (regular expressions searched in the URL); deny wins."""
    if any(p.search(url) for p in deny):
        return False
    return not allow or any(p.search(url) for p in allow)


def page_from_response(response: Response, source: str) -> Page:
    """The response as it arrived, with the listing's hints (request meta) as fallbacks."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    headers = tuple((name.decode("latin-1"), value.decode("latin-1"))
                    for name, values in response.headers.items() for value in values
                    if name.decode("latin-1").lower() in KEPT_HEADERS)
    return Page(url=response.url, source=source, fetched_at=now_stamp(), body=response.body,
                content_type=content_type, status=response.status, headers=headers,
                encoding=declared_encoding(content_type, response.body),
                hints=response.meta.get("remon_hints") or PageHints())


BENIGN_IGNORES = ("Forbidden by robots.txt", "Filtered offsite request")


def failure_reason(failure: Failure) -> str | None:
    """Why a request failed ('HTTP 404', 'DownloadTimeoutError: ...', 'refused (loopback): ...'); None
    only when robots.txt or the offsite filter declined it, which is not an error. A redirect loop, the
    redirect limit, an oversized or refused response are errors: source health must see them."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value) or "request ignored"
        return None if message.startswith(BENIGN_IGNORES) else message
    return f"{type(failure.value).__name__}: {failure.value}"


def reason_key(reason: str) -> str:
    """A short, countable kind for a failure reason: 'http-404', 'refused/loopback', 'DownloadTimeoutError'."""
    if reason.startswith("HTTP "):
        return "http-" + reason[5:].strip()
    if "larger than download max size" in reason or "exceeded DOWNLOAD_MAXSIZE" in reason:
        return "oversized"
    if reason.startswith("max redirections"):
        return "max-redirects"
    if reason.startswith("refused ("):
        return "refused/" + reason[len("refused ("):].split(")", 1)[0]
    head = reason.split(":", 1)[0].strip()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", head)[:60] or "error"
