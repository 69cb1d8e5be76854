"""End-to-end: rejected pages are remembered, so a re-crawl of an unchanged listing fetches no page again."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_site import FixtureSite
from test_spiders_e2e import CHINA, LITHIUM, configure, crawl, query

pytestmark = pytest.mark.e2e

TAG, ABOUT = "/tag/rare-earths.html", "/about.html"
SITEMAP = "/sitemaps/mixed.xml"
SOURCE = f'[[sources]]\nname = "mixed"\nkind = "sitemap"\nurl = "{{BASE}}{SITEMAP}"\n'


def publish_sitemap(site: FixtureSite, tag_lastmod: str) -> None:
    entries = ((CHINA, "2024-05-17"), (LITHIUM, "2024-06-10"), (TAG, tag_lastmod), (ABOUT, "2024-01-01"))
    urls = "".join(f"<url><loc>{site.base_url}{path}</loc><lastmod>{day}</lastmod></url>" for path, day in entries)
    site.extra_pages[SITEMAP] = (f'<?xml version="1.0" encoding="UTF-8"?><urlset '
                                 f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()


def pages_fetched(site: FixtureSite) -> list[str]:
    return sorted(p for p in site.paths() if p not in ("/robots.txt", SITEMAP))


def test_recrawl_fetches_neither_stored_nor_rejected_pages_until_an_entry_changes(tmp_path: Path) -> None:
    with FixtureSite() as site:
        site.honor_validators = False  # the listing is read again each time: only the archive can say "seen"
        publish_sitemap(site, "2024-07-01")
        config = configure(tmp_path, site, SOURCE)
        assert crawl(config, "mixed", tmp_path) == 0
        assert pages_fetched(site) == sorted([CHINA, LITHIUM, TAG, ABOUT])
        rejected = {row["url"].removeprefix(site.base_url): row for row in query(
            tmp_path, "select url, stage, reason, listed, body_size, times from rejections")}
        assert {path: (row["reason"], row["listed"], row["times"]) for path, row in rejected.items()} == {
            TAG: ("not-article", "2024-07-01", 1), ABOUT: ("too-short", "2024-01-01", 1)}
        assert all(row["body_size"] > 0 for row in rejected.values())

        site.clear_log()
        assert crawl(config, "mixed", tmp_path) == 0
        assert pages_fetched(site) == []  # unchanged: nothing stored or rejected is fetched again

        publish_sitemap(site, "2024-08-02")  # the tag page's entry changed
        site.clear_log()
        assert crawl(config, "mixed", tmp_path) == 0
        assert pages_fetched(site) == [TAG]
        site.clear_log()
        assert crawl(config, "mixed", tmp_path) == 0
        assert pages_fetched(site) == []  # fetched once, not again
        assert query(tmp_path, "select listed, times from rejections where url like ?", (f"%{TAG}",)) == [
            {"listed": "2024-08-02", "times": 2}]
        health = query(tmp_path, "select source, reason, pages from source_rejections order by reason")
        assert health == [{"source": "mixed", "reason": "not-article", "pages": 1},
                          {"source": "mixed", "reason": "too-short", "pages": 1}]
