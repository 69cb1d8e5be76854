"""Scrapy settings for remon: fixed safety defaults here, per-source values from the remon config.

The static part below is what every crawl shares (robots obeyed, telnet console and the
code-executing remote-control server off, retries with backoff). Values a user can
configure are never copied here: `crawl_settings` maps the one remon config onto Scrapy
setting names, and the spiders apply it in `from_crawler` at "spider" priority, so a
`-s NAME=value` on the command line still wins.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

from monitor.config.load import Config, SourceConfig
from monitor.sources.url_policy import source_hosts

BOT_NAME = "remon"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

ITEM_PIPELINES = {"monitor.glue.pipelines.PagePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    # the URL policy first (before robots.txt asks a refused host), the redirect guard just outside
    # RedirectMiddleware (600) so it sees a 3xx before it is followed: see monitor/glue/urlguard.py
    "monitor.glue.urlguard.UrlPolicyMiddleware": 40,
    "monitor.glue.urlguard.RedirectGuardMiddleware": 610,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "monitor.glue.extensions.BackoffRetryMiddleware": 550,
}
# Both consoles execute code inside the crawl; remon never needs them. They are dropped from the base list
# itself rather than set to None in EXTENSIONS: Scrapy imports every listed extension, even a disabled one,
# and the remote-control one pulls in aiohttp (a good part of a crawl's start-up CPU).
_CONSOLES = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
EXTENSIONS_BASE = {name: order for name, order in _SCRAPY_EXTENSIONS.items() if name not in _CONSOLES}
TELNETCONSOLE_ENABLED = False
# Only http(s) is ever fetched: a hostile listing must not read local files (file:), smuggle
# content (data:) or hang the crawl on a protocol without our timeouts (ftp:), nor reach S3.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
REMOTE_CONTROL_ENABLED = False
# remon fetches http(s) only; the S3 and FTP handlers would be imported for nothing by every crawler.
DOWNLOAD_HANDLERS = {"s3": None, "ftp": None}

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's default list minus CannotResolveHostError: a name that does not resolve (or no
# network at all) will not resolve a few seconds later; the next cycle tries again anyway.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    "builtins.OSError",
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
MONITOR_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each further one
MONITOR_RETRY_BACKOFF_MAX = 60.0
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

MONITOR_CONFIG = None  # config path; None = $REMON_CONFIG or ./remon.toml (monitor.config.load.find_config)
MONITOR_SOURCE = None  # set by the spider from `-a source=NAME`
MONITOR_RUN_ID = None  # the `runs` row a parent `remon run` opened for this crawl, if any
MONITOR_SCALE_OUT = False  # True: queues, seen-set and pages in Redis (scrapy-redis), see monitor/scaleout.py


def crawl_settings(config: Config, source: SourceConfig) -> dict[str, Any]:
    """Scrapy settings for one source: its [crawl] values, overridden per source where set."""
    polite = config.crawl_for(source)
    limits = config.crawl
    delay = polite.delay or 0.0
    return {
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_ENABLED": bool(polite.autothrottle),
        "AUTOTHROTTLE_START_DELAY": max(delay, 1.0),
        "CONCURRENT_REQUESTS_PER_DOMAIN": polite.concurrency_per_domain,
        "USER_AGENT": polite.user_agent,
        "DOWNLOAD_TIMEOUT": polite.timeout,
        "DNS_TIMEOUT": polite.timeout,
        "ROBOTSTXT_OBEY": limits.obey_robots,
        "DOWNLOAD_MAXSIZE": limits.max_page_bytes,
        "DOWNLOAD_WARNSIZE": limits.max_page_bytes // 2,
        "MONITOR_MAX_PDF_BYTES": limits.max_pdf_bytes,
        "MONITOR_MAX_PAGES": limits.max_pages_per_source,
        "RETRY_TIMES": limits.retries,
        "REDIRECT_MAX_TIMES": limits.max_redirects,
        "CLOSESPIDER_TIMEOUT": limits.max_seconds,  # the crawl's wall-clock bound; the run row says why it stopped
        "MONITOR_OWN_HOSTS": sorted(source_hosts(source.start_urls)),
        "MONITOR_ALLOW_PRIVATE": source.allow_private,
        "MONITOR_MAX_LISTINGS": limits.max_listing_requests,
        "MONITOR_MAX_LISTING_DEPTH": limits.max_listing_depth,
    }
