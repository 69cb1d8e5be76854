"""The item pipeline of `remon sources check`: judges each fetched page as the processing path would, stores nothing.

A page is counted fetchable (an article with its text), headline-only (refused, consent wall,
JavaScript shell, no article: only its listing entry would be stored) or rejected; with the
spider's listing counts and first error, the tally is written as JSON to the path in
`MONITOR_CHECK` when the crawl closes, for the CLI to print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from monitor.config.load import load_config
from monitor.flow import FlowContext, analyse_page, close_context, open_context
from monitor.models import Page, Rejected

CHECK_STATS = ("listed", "resolved", "fetchable", "headline", "rejected", "listing_errors")


class CheckPipeline:
    """Tallies pages into `remon/check/*` stats; nothing reaches the archive."""

    def __init__(self, config_path: str | None, report: str, stats: StatsCollector) -> None:
        self.config_path, self.report, self.stats = config_path, report, stats
        self.context: FlowContext | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CheckPipeline:
        pipeline = cls(crawler.settings.get("MONITOR_CONFIG"), crawler.settings.get("MONITOR_CHECK"), crawler.stats)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.context = open_context(load_config(self.config_path))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page) or self.context is None:
            return item
        judged = analyse_page(item, self.context)
        verdict = "rejected" if isinstance(judged, Rejected) else \
            "headline" if judged[0].text_source == "feed" else "fetchable"
        self.stats.inc_value(f"remon/check/{verdict}")
        raise DropItem(f"checked: {verdict} <{item.url}>", log_level="DEBUG")

    def spider_closed(self, reason: str) -> None:
        counts = {name: int(self.stats.get_value(f"remon/check/{name}", 0)) for name in CHECK_STATS}
        counts["stored"] = int(self.stats.get_value("remon/skipped_known", 0))
        counts["decode_failed"] = int(self.stats.get_value("remon/decode/failed", 0))
        error = self.stats.get_value("remon/check/listing_error") or self.stats.get_value("remon/decode/first_error") \
            or self.stats.get_value("remon/last_error")
        Path(self.report).write_text(json.dumps({**counts, "first_error": error, "reason": reason}), encoding="utf-8")
        if self.context is not None:
            close_context(self.context)
            self.context = None
