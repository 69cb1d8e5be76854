"""The shipped remon.toml: it validates, and every source it lists is one a spider or the seed loader reads."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.load import load_config
from spiders.feeds import FeedSpider
from spiders.seeds import SeedsSpider
from spiders.site import SiteSpider
from spiders.sitemaps import SitemapSpider

DEFAULT = Path(__file__).resolve().parents[2] / "remon.toml"
KINDS = {spider.name for spider in (FeedSpider, SitemapSpider, SiteSpider, SeedsSpider)}


def test_default_config_validates_and_every_source_has_a_spider():
    config = load_config(str(DEFAULT))
    assert config.active_sources
    for source in config.active_sources:
        assert source.kind in KINDS, source.name
        for url in source.start_urls:
            parts = urlsplit(url)
            assert parts.scheme == "https" and parts.hostname, (source.name, url)


def test_search_feeds_cover_english_chinese_and_russian_when_listed():
    config = load_config(str(DEFAULT))
    web = [s for s in config.active_sources if s.kind != "seeds"]
    if not web:
        return  # the web source list is merged into remon.toml separately (see deploy notes)
    languages = {(s.language or "")[:2] for s in web}
    assert {"en", "zh", "ru"} <= languages
