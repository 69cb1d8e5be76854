"""The Scrapy item pipeline: every `Page` a spider yields goes through the flow (prepare, then store).

A Rejected outcome becomes a `PageRejected` subclass named after its reason (so Scrapy's
stats count `item_dropped_reasons_count/NotArticle` and so on), logged at DEBUG. The
run's counts, plus the spider's failed requests, are written to its `runs` row when the
spider closes (status 'failed' if it was stopped early):
the row a parent `remon run` opened (MONITOR_RUN_ID), or a new one for a bare `scrapy crawl`.
"""

from __future__ import annotations

import logging
import time
from functools import cache
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from monitor.clock import now_stamp
from monitor.config.load import Config, SourceConfig, load_config
from monitor.glue.workers import Shared, acquire, release
from monitor.models import Outcome, Page, Rejected, RunCounts
from monitor.store.runs import finish_run, start_run

log = logging.getLogger(__name__)


ERROR_REASON_PREFIX = "remon/error/"


def count_error(stats: StatsCollector, key: str, message: str) -> None:
    """One error of a crawl (a failed request, a listing that would not parse, a loop), counted by kind."""
    stats.inc_value("remon/errors")
    stats.inc_value(f"{ERROR_REASON_PREFIX}{key}")
    stats.set_value("remon/last_error", message[:500])


def error_reasons(stats: StatsCollector) -> dict[str, int]:
    """The crawl's errors by kind, as counted by `count_error`."""
    return {name[len(ERROR_REASON_PREFIX):]: int(value) for name, value in stats.get_stats().items()
            if name.startswith(ERROR_REASON_PREFIX)}


class PageRejected(DropItem):
    """A page the processing path did not store as an article (a value, logged at DEBUG)."""


@cache
def rejection_class(reason: str) -> type[PageRejected]:
    """A PageRejected subclass per reason, e.g. 'not-article' -> NotArticle."""
    name = "".join(part.capitalize() for part in reason.replace("_", "-").split("-") if part) or "Unknown"
    return type(name if name.isidentifier() else "Unknown", (PageRejected,), {"__module__": __name__})


def drop_for(outcome: Rejected) -> PageRejected:
    return rejection_class(outcome.reason)(
        f"{outcome.stage}: {outcome.reason} {outcome.detail} <{outcome.url}>".strip(), log_level="DEBUG")


class PagePipeline:
    """Pages in, outcomes tallied; shares the process's archive and page workers, closes the run row.

    A page not yet stored is prepared by a page worker (another core) while the reactor keeps
    downloading; the result is stored here, in the crawl process, one transaction per page.
    """

    def __init__(self, config: Config, source: SourceConfig, run_id: int | None, stats: StatsCollector) -> None:
        self.config, self.source, self.run_id, self.stats = config, source, run_id, stats
        self.counts = RunCounts()
        self.shared: Shared | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePipeline:
        settings = crawler.settings
        config = load_config(settings.get("MONITOR_CONFIG"))
        run_id = settings.getint("MONITOR_RUN_ID", 0) or None
        pipeline = cls(config, config.source(settings.get("MONITOR_SOURCE")), run_id, crawler.stats)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.request_scheduled, signal=signals.request_scheduled)
        return pipeline

    def open_spider(self) -> None:
        self.shared = acquire(self.config)
        if self.run_id is None:
            self.run_id = start_run(self.shared.archive.db, self.source.name, self.source.kind, now_stamp())

    def request_scheduled(self, request: Any) -> None:
        """A page request (not a listing) means pages will come: start loading the stages."""
        if self.shared is not None and "remon_hints" in request.meta:
            self.shared.expect_pages()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page) or self.shared is None:
            return item
        try:
            outcome = await self.outcome(item, self.shared)
        except Exception as error:  # one bad page never stops the crawl
            log.exception("processing failed for %s", item.url)
            self.counts.errors += 1
            self.stats.inc_value("remon/processing_errors")
            raise DropItem(f"processing error: {error} <{item.url}>", log_level="ERROR") from error
        self.counts.count(outcome)
        if isinstance(outcome, Rejected):
            self.stats.inc_value(f"remon/rejected/{outcome.stage}/{outcome.reason}")
            raise drop_for(outcome)
        self.stats.inc_value("remon/stored_new" if outcome.new else "remon/stored_known")
        return item

    async def outcome(self, page: Page, shared: Shared) -> Outcome:
        """Known pages (and changed-page refreshes) here; new pages prepared by a worker, stored here."""
        from monitor.flow import process_page, store_prepared, stored_outcome  # loaded with the first page

        context = shared.flow()
        if self.source.changes or stored_outcome(page, context) is not None:
            return process_page(page, context, now_stamp(), refresh=self.source.changes)
        prepared = await shared.workers().prepare(page)
        return store_prepared(page, prepared, context, now_stamp())

    def spider_closed(self, reason: str) -> None:
        """Write the run row: 'ok' when the crawl finished, 'failed' naming why it stopped early."""
        if self.shared is None or self.run_id is None:
            return
        status, error = run_status(reason, self.stats)
        self.counts.errors += int(self.stats.get_value("remon/errors", 0))
        finish_run(self.shared.archive.db, self.run_id, self.counts, now_stamp(),
                   time.monotonic() - self.started, status, error, error_reasons(self.stats))
        log.info("run %d of %s (%s): %s", self.run_id, self.source.name, reason, self.counts.as_row())
        self.shared = None
        release(self.config)


def run_status(reason: str, stats: StatsCollector) -> tuple[str, str | None]:
    """'ok' when the crawl finished (naming failed requests, if any), else 'failed' with why it stopped."""
    if reason != "finished":
        return "failed", f"crawl stopped: {reason}"
    failed = int(stats.get_value("remon/errors", 0))
    if failed:  # the run finished; say what went wrong with its requests, by kind
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(error_reasons(stats).items()))
        return "ok", f"{failed} error(s) ({kinds}), last: {stats.get_value('remon/last_error', '?')}"
    return "ok", None
