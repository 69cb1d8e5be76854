"""Scrapy components besides the pipeline: retries that back off instead of hammering a server.

Scrapy's own RetryMiddleware re-queues a failed request at once; a server answering 503
deserves a pause. This subclass waits `MONITOR_RETRY_BACKOFF * 2**(n-1)` seconds (capped)
before handing back the n-th retry, without blocking other downloads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int, base: float, ceiling: float) -> float:
    """Seconds to wait before retry number `attempt` (1-based): exponential, capped."""
    return 0.0 if attempt < 1 or base <= 0 else min(ceiling, base * 2 ** (attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with an exponential pause before each retry (5xx, 429, timeouts)."""

    def __init__(self, settings: Any, base: float = 0.0, ceiling: float = 60.0) -> None:
        super().__init__(settings)
        self.base = base
        self.ceiling = ceiling

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        settings = crawler.settings
        middleware = cls(settings, settings.getfloat("MONITOR_RETRY_BACKOFF"),
                         settings.getfloat("MONITOR_RETRY_BACKOFF_MAX", 60.0))
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        return await self._paused(super().process_response(request, response))

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        return await self._paused(super().process_exception(request, exception))

    async def _paused(self, result: Any) -> Any:
        if isinstance(result, Request) and self.base > 0:
            attempt = int(result.meta.get("retry_times", 1))
            pause = backoff_seconds(attempt, self.base, self.ceiling)
            log.debug("retry %d of %s in %.1fs", attempt, result.url, pause)
            await asyncio.sleep(pause)
        return result
