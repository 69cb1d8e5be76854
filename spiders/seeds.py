"""The `seeds` spider: local seed documents as Pages, so `scrapy crawl seeds` uses the same path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from monitor.clock import now_stamp
from monitor.sources.seeds import seed_pages
from spiders.base import SourceSpider


class SeedsSpider(SourceSpider):
    """Yield every seed document of the source's folder as a Page item (no network)."""

    name = "seeds"
    kinds = ("seeds",)

    async def start(self) -> AsyncIterator[Any]:
        assert self.source.path is not None
        folder = self.remon.resolve(self.source.path)
        for page in seed_pages(folder, self.source.name, now_stamp(), self.remon.seeds.max_bytes,
                               lambda path, reason: self.count_error("seed-skipped", f"{path.name}: {reason}")):
            yield page
