"""Scrapy components besides the pipeline: retries that back off instead of hammering a server.

Scrapy's own RetryMiddleware re-queues a failed request at once; a server answering 503
deserves a pause. This subclass waits `MONITOR_RETRY_BACKOFF * 2**(n-1)` seconds (capped)
before handing back the n-th retry, without blocking other downloads. The pause never keeps
a finished crawl alive: once the spider has nothing else to do (no queued, downloading or
processing request besides the ones pausing here), a waiting retry is given up and the
failure recorded as is; the URL is still not stored, so the next cycle asks for it again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 0.25  # how often a pausing retry looks whether the rest of the crawl is done


def backoff_seconds(attempt: int, base: float, ceiling: float) -> float:
    """Seconds to wait before retry number `attempt` (1-based): exponential, capped."""
    return 0.0 if attempt < 1 or base <= 0 else min(ceiling, base * 2 ** (attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with an exponential pause before each retry (5xx, 429, timeouts)."""

    def __init__(self, settings: Any, base: float = 0.0, ceiling: float = 60.0) -> None:
        super().__init__(settings)
        self.base = base
        self.ceiling = ceiling
        self.pausing = 0  # requests waiting in a back-off right now

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        settings = crawler.settings
        middleware = cls(settings, settings.getfloat("MONITOR_RETRY_BACKOFF"),
                         settings.getfloat("MONITOR_RETRY_BACKOFF_MAX", 60.0))
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        return result if await self._paused(result) else response

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        result = super().process_exception(request, exception)
        return result if await self._paused(result) else None

    async def _paused(self, result: Any) -> bool:
        """Wait before a retry; False when the wait was given up because nothing else is left to do."""
        if not isinstance(result, Request) or self.base <= 0:
            return True
        attempt = int(result.meta.get("retry_times", 1))
        pause = backoff_seconds(attempt, self.base, self.ceiling)
        log.debug("retry %d of %s in %.1fs", attempt, result.url, pause)
        loop = asyncio.get_running_loop()
        until = loop.time() + pause
        self.pausing += 1
        try:
            while (left := until - loop.time()) > 0:
                if self.only_retries_left():
                    log.info("not waiting to retry %s: the rest of the crawl is done; the next cycle tries again",
                             result.url)
                    return False
                await asyncio.sleep(min(left, IDLE_CHECK_SECONDS))
        finally:
            self.pausing -= 1
        return True

    def only_retries_left(self) -> bool:
        """True when every request still in the downloader is pausing here and nothing else is queued."""
        engine = getattr(self.crawler, "engine", None)
        if engine is None or engine.scheduler is None:
            return False
        return (len(engine.downloader.active) <= self.pausing and not engine.scheduler.has_pending_requests()
                and engine.scraper.slot is not None and engine.scraper.slot.is_idle())
