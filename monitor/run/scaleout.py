"""Scale-out on scrapy-redis: crawl workers share Redis queues, one ingester stores their pages.

Workers on any number of machines run a source's spider with scrapy-redis's scheduler and
duplicate filter (one request queue and one seen-set per source in Redis, kept between
runs), and scrapy-redis's item pipeline pushes each `Page` as a JSON message to one Redis
list. `remon ingest` on the machine that holds the SQLite archive moves messages to a
processing list, runs each through the one processing path, and removes it only after it
is stored, so a killed ingester loses nothing (processing a page twice is harmless: a
stored URL is returned as known).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from monitor.flow import FlowContext, process_page
from monitor.models import RunCounts
from monitor.run.queue import BadMessage, decode_page

log = logging.getLogger(__name__)

PAGES_KEY = "remon:pages"
PROCESSING_KEY = "remon:pages:processing"
DEAD_KEY = "remon:pages:dead"


def scale_out_settings(redis_url: str, source: str) -> dict[str, Any]:
    """Scrapy settings that put one source's crawl on scrapy-redis (queues keyed by source name)."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"remon:{source}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"remon:{source}:dupefilter",
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": {"scrapy_redis.pipelines.RedisPipeline": 300},
        "REDIS_ITEMS_KEY": PAGES_KEY,
        "REDIS_ITEMS_SERIALIZER": "monitor.run.queue.encode_page",
    }


def printable_url(redis_url: str) -> str:
    """The Redis URL without its password, fit for messages and logs."""
    parts = urlsplit(redis_url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def connect(redis_url: str) -> redis.Redis:
    """A Redis client that fails fast when the server is down."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30)
    client.ping()
    return client


@dataclass
class IngestReport:
    counts: dict[str, RunCounts] = field(default_factory=dict)
    bad_messages: int = 0
    recovered: int = 0

    def tally(self, source: str) -> RunCounts:
        return self.counts.setdefault(source, RunCounts())


def recover_unfinished(client: redis.Redis) -> int:
    """Messages a killed ingester was processing go back to the front of the queue."""
    moved = 0
    while client.lmove(PROCESSING_KEY, PAGES_KEY, "RIGHT", "LEFT") is not None:
        moved += 1
    return moved


def ingest_one(client: redis.Redis, message: bytes | str, context: FlowContext, report: IngestReport,
               now: str) -> None:
    """Store one queued page (or set aside a bad message), then drop it from the processing list."""
    try:
        page = decode_page(message)
    except BadMessage as error:
        log.warning("queue message set aside in %s: %s", DEAD_KEY, error)
        report.bad_messages += 1
        client.rpush(DEAD_KEY, message)
        client.lrem(PROCESSING_KEY, 1, message)  # type: ignore[arg-type]  # bytes are fine
        return
    tally = report.tally(page.source)
    try:
        tally.count(process_page(page, context, now))
    except Exception:  # one bad page never stops the ingester; it is kept for inspection
        log.exception("processing failed for %s; message set aside in %s", page.url, DEAD_KEY)
        tally.errors += 1
        client.rpush(DEAD_KEY, message)
    client.lrem(PROCESSING_KEY, 1, message)  # type: ignore[arg-type]  # bytes are fine


def ingest(client: redis.Redis, context: FlowContext, now: Callable[[], datetime],
           stop: Callable[[], bool], idle_exit: float | None = None,
           progress: Callable[[str, RunCounts], None] | None = None) -> IngestReport:
    """Consume queued pages until `stop()` or, with `idle_exit`, until the queue was empty that long."""
    report = IngestReport(recovered=recover_unfinished(client))
    idle_since = time.monotonic()
    while not stop():
        message = client.blmove(PAGES_KEY, PROCESSING_KEY, 1, "LEFT", "RIGHT")
        if message is None:
            if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                break
            continue
        idle_since = time.monotonic()
        ingest_one(client, message, context, report, now().isoformat(timespec="seconds"))
        if progress and report.counts:
            source, counts = next(reversed(report.counts.items()))
            progress(source, counts)
    return report
