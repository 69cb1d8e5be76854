"""The Scrapy edge of the URL policy: every request is checked before it leaves, every redirect before it is followed.

`UrlPolicyMiddleware` runs first among the downloader middlewares (before robots.txt, so a
refused host is not even asked for its robots.txt): configured URLs, listing entries,
redirect targets (re-scheduled requests pass it again), decoded aggregator links and PDF
links all go through `monitor.sources.url_policy.check_url`. `RedirectGuardMiddleware`
sits beside Scrapy's RedirectMiddleware and looks at a 3xx before it is followed: a
Location the policy refuses, or one that leads back to a URL of the same chain (a loop
Scrapy's duplicate filter would otherwise swallow silently), fails the request.

Refusals raise `RefusedRequest` (an IgnoreRequest with a reason), which the spider's errback
counts as an error; the middleware counts them per reason as `remon/refused/<reason>`.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from monitor.sources.url_policy import Refusal, check_url, system_resolver

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class RefusedRequest(IgnoreRequest):
    """A request the URL policy (or the redirect guard) refused; its message is the reason, counted as an error."""


class UrlPolicyMiddleware:
    """Refuse, before download, any request the URL policy does not allow for this crawl's source."""

    def __init__(self, own_hosts: frozenset[str], allow_private: bool, stats: StatsCollector) -> None:
        self.own_hosts, self.allow_private, self.stats = own_hosts, allow_private, stats
        self.verdicts: dict[str, Refusal | None] = {}  # per scheme+host: DNS once per crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlPolicyMiddleware:
        settings = crawler.settings
        assert crawler.stats is not None
        return cls(frozenset(settings.getlist("MONITOR_OWN_HOSTS")), settings.getbool("MONITOR_ALLOW_PRIVATE"),
                   crawler.stats)

    async def process_request(self, request: Request) -> None:
        refusal = await self.verdict(request.url)
        if refusal is not None:
            raise refuse(self.stats, request.url, refusal)

    async def verdict(self, url: str) -> Refusal | None:
        """The policy's verdict, resolved in a thread (the reactor never blocks on DNS); once per scheme+host."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        if key not in self.verdicts:
            self.verdicts[key] = await maybe_deferred_to_future(deferToThread(
                check_url, url, self.own_hosts, self.allow_private, system_resolver))
        return self.verdicts[key]


class RedirectGuardMiddleware:
    """Fail a redirect whose target the policy refuses or which loops back into its own chain."""

    def __init__(self, policy: UrlPolicyMiddleware, stats: StatsCollector) -> None:
        self.policy, self.stats = policy, stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        assert crawler.stats is not None
        return cls(UrlPolicyMiddleware.from_crawler(crawler), crawler.stats)

    async def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECTS or not location or request.meta.get("dont_redirect"):
            return response
        if response.status in request.meta.get("handle_httpstatus_list", ()):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        chain = {*request.meta.get("redirect_urls", ()), request.url}
        if target in chain:
            raise refuse(self.stats, request.url, Refusal("redirect-loop", f"{request.url} redirects back to {target}"))
        refusal = await self.policy.verdict(target)
        if refusal is not None:
            raise refuse(self.stats, request.url, Refusal(refusal.reason, f"redirect to {target}: {refusal.detail}"))
        return response


def refuse(stats: StatsCollector, url: str, refusal: Refusal) -> RefusedRequest:
    """Count a refusal under its reason and build the exception that fails the request."""
    stats.inc_value(f"remon/refused/{refusal.reason}")
    log.warning("not requested %s: %s", url[:300], refusal)
    return RefusedRequest(str(refusal))
