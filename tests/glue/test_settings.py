"""Scrapy settings: safe defaults (robots, no telnet, no remote control) and values from the one config."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list

from monitor.config.load import parse_config
from monitor.glue import settings as monitor_settings
from monitor.glue.extensions import backoff_seconds
from monitor.glue.pipelines import PageRejected, drop_for, rejection_class
from monitor.glue.settings import crawl_settings
from monitor.models import Rejected
from monitor.run.crawl import crawl_environment
from spiders.feeds import FeedSpider
from spiders.seeds import SeedsSpider
from spiders.site import SiteSpider
from spiders.sitemaps import SitemapSpider

SPIDERS = (FeedSpider, SitemapSpider, SiteSpider, SeedsSpider)


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(monitor_settings, priority="project")
    return settings


def test_consoles_off_robots_on_and_politeness_defaults():
    settings = project_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    extensions = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert extensions and not {"scrapy.extensions.telnet.TelnetConsole",
                                "scrapy.extensions.remote_control.RemoteControl"} & set(extensions)
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings["LOG_LEVEL"] == "INFO" and settings.getlist("SPIDER_MODULES") == ["spiders"]
    assert settings.getdict("ITEM_PIPELINES") == {"monitor.glue.pipelines.PagePipeline": 300}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "monitor.glue.extensions.BackoffRetryMiddleware" in middlewares
    assert 503 in settings.getlist("RETRY_HTTP_CODES") and settings.getfloat("MONITOR_RETRY_BACKOFF") > 0


CONFIG = {
    "crawl": {"delay": 2.0, "autothrottle": True, "concurrency_per_domain": 3, "timeout": 20,
              "user_agent": "remon-test/1.0", "retries": 4, "max_redirects": 3, "max_page_bytes": 500_000},
    "sources": [{"name": "gov", "kind": "feed", "url": "http://127.0.0.1/f.rss", "delay": 5.0,
                 "autothrottle": False, "timeout": 7},
                {"name": "plain", "kind": "feed", "url": "http://127.0.0.1/g.rss"}],
}


def test_crawl_settings_come_from_the_config_with_per_source_overrides():
    config = parse_config(CONFIG)
    gov = crawl_settings(config, config.source("gov"))
    assert (gov["DOWNLOAD_DELAY"], gov["AUTOTHROTTLE_ENABLED"], gov["DOWNLOAD_TIMEOUT"]) == (5.0, False, 7)
    assert (gov["USER_AGENT"], gov["CONCURRENT_REQUESTS_PER_DOMAIN"]) == ("remon-test/1.0", 3)
    assert (gov["RETRY_TIMES"], gov["REDIRECT_MAX_TIMES"], gov["DOWNLOAD_MAXSIZE"]) == (4, 3, 500_000)
    plain = crawl_settings(config, config.source("plain"))
    assert (plain["DOWNLOAD_DELAY"], plain["AUTOTHROTTLE_ENABLED"], plain["DOWNLOAD_TIMEOUT"]) == (2.0, True, 20)
    assert plain["ROBOTSTXT_OBEY"] is True


PROBE = textwrap.dedent("""
    import json, sys
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings
    from spiders.feeds import FeedSpider
    settings = get_project_settings()
    settings.set("DOWNLOAD_TIMEOUT", 3, priority="cmdline")
    crawler = Crawler(FeedSpider, settings, init_reactor=True)
    crawler.spider = FeedSpider.from_crawler(crawler, source="gov", config=sys.argv[1])
    crawler._apply_settings()
    names = [type(e).__name__ for e in crawler.extensions.middlewares]
    keys = ("DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT", "USER_AGENT", "ROBOTSTXT_OBEY", "MONITOR_SOURCE")
    print(json.dumps({"extensions": names, **{k: crawler.settings.get(k) for k in keys}}))
""")


def test_a_real_crawler_has_no_console_and_takes_the_config(tmp_path: Path):
    config = tmp_path / "remon.toml"
    config.write_text('[crawl]\nuser_agent = "remon-test/2.0"\n[[sources]]\nname = "gov"\nkind = "feed"\n'
                      'url = "http://127.0.0.1:9/f.rss"\ndelay = 4.5\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, str(config)], capture_output=True, text=True, check=False,
                          env=crawl_environment(), cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert "TelnetConsole" not in probe["extensions"] and "RemoteControl" not in probe["extensions"]
    assert "AutoThrottle" in probe["extensions"] and "CoreStats" in probe["extensions"]
    assert (probe["DOWNLOAD_DELAY"], probe["USER_AGENT"], probe["MONITOR_SOURCE"]) == (4.5, "remon-test/2.0", "gov")
    assert probe["DOWNLOAD_TIMEOUT"] == 3  # `-s` on the command line still wins over the config
    assert probe["ROBOTSTXT_OBEY"] is True


@pytest.mark.parametrize("attempt,expected", [(0, 0.0), (1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)])
def test_backoff_doubles_up_to_a_ceiling(attempt, expected):
    assert backoff_seconds(attempt, 2.0, 60.0) == expected


def test_rejections_become_drop_items_named_after_their_reason():
    assert rejection_class("not-article").__name__ == "NotArticle"
    assert rejection_class("unsupported-type") is rejection_class("unsupported-type")
    assert issubclass(rejection_class("too-short"), PageRejected) and issubclass(PageRejected, DropItem)
    drop = drop_for(Rejected("extract", "binary", "http://x/a.png", "body is not text"))
    assert type(drop).__name__ == "Binary" and drop.log_level == "DEBUG" and "http://x/a.png" in str(drop)


def test_spiders_are_named_by_kind_and_start_asynchronously():
    assert {spider.name for spider in SPIDERS} == {"feed", "sitemap", "site", "seeds"}
    for spider in SPIDERS:
        assert inspect.isasyncgenfunction(spider.start), spider
        assert spider.kinds == (spider.name,)
        assert not any("start_requests" in vars(klass) for klass in spider.__mro__ if klass.__module__.startswith("spiders"))
