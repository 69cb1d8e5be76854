"""The `site` spider: start URLs, links followed within the same sites, allow/deny and a depth limit.

Start pages are listings and are fetched every run; article links already stored are not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import HtmlResponse, Request, Response
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

from monitor.sources.fetch import host_of, same_site
from spiders.base import SourceSpider
from spiders.entries import LinkEntry


class SiteSpider(SourceSpider):
    """Crawl a site section: every fetched page becomes a Page; its links are followed to `depth`."""

    name = "site"
    kinds = ("site",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = sorted({host_of(u) for u in self.source.start_urls})
        self.hosts = frozenset(self.allowed_domains)
        self.links = LinkExtractor(allow=self.source.allow, deny=self.source.deny,
                                   deny_extensions=[e for e in IGNORED_EXTENSIONS if e != "pdf"])

    async def start(self) -> AsyncIterator[Any]:
        self.crawler.stats.set_value("remon/depth_limit", self.source.depth)
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=True,
                          meta={"remon_depth": 0})

    def parse_page(self, response: Response) -> Iterator[Any]:
        depth = int(response.meta.get("remon_depth", 0))
        yield self.page_item(response)
        if depth >= self.source.depth or not isinstance(response, HtmlResponse):
            return
        entries = [LinkEntry(url=link.url) for link in self.links.extract_links(response)
                   if same_site(link.url, self.hosts)]  # by host name: LinkExtractor's domains miss ports
        yield from self.page_requests(entries, remon_depth=depth + 1)
