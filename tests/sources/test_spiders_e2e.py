"""End-to-end: the real `scrapy crawl` subprocess, per spider, against the fixture news site on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from fixture_site import FixtureSite

from monitor.run.crawl import run_crawl

pytestmark = pytest.mark.e2e

FAST = {"MONITOR_RETRY_BACKOFF": "0.05"}
CRAWL = """
[storage]
path = "remon.db"

[crawl]
delay = 0
autothrottle = false
timeout = 1
retries = 1
"""
CHINA = "/news/2024/05/17/china-tightens-rare-earth-export-controls.html"
EU = "/news/eu-critical-raw-materials-act-stockpiles.html"
LITHIUM = "/news/lithium-prices-slide.html"
PENTAGON = "/news/2024/06/12/us-dod-awards-magnet-plant-funding.html"
JAPAN = "/news/2024/07/01/japan-australia-rare-earth-deal.html"
PRIVATE = "/private/internal-memo.html"


@pytest.fixture
def site():
    with FixtureSite(slow_seconds=2.5) as running:
        yield running


def configure(tmp_path: Path, site: FixtureSite, sources: str) -> str:
    path = tmp_path / "remon.toml"
    path.write_text(CRAWL + sources.replace("{BASE}", site.base_url), encoding="utf-8")
    return str(path)


def crawl(config: str, source: str, tmp_path: Path) -> int:
    return run_crawl(config, source, settings=FAST, timeout=90, log_file=str(tmp_path / f"{source}.log"))


def query(tmp_path: Path, sql: str, args: tuple = ()) -> list[dict]:
    with sqlite3.connect(tmp_path / "remon.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, args)]


def articles(tmp_path: Path) -> dict[str, dict]:
    return {row["title"]: row for row in query(tmp_path, "select * from articles")}


def last_run(tmp_path: Path) -> dict:
    return query(tmp_path, "select * from runs order by id desc limit 1")[0]


FEED = '[[sources]]\nname = "news"\nkind = "feed"\nurl = "{BASE}/feeds/news.rss"\n'


def test_feed_spider_stores_articles_with_text_and_metadata(tmp_path, site):
    config = configure(tmp_path, site, FEED)
    assert crawl(config, "news", tmp_path) == 0
    assert site.paths()[:2] == ["/robots.txt", "/feeds/news.rss"]
    assert sorted(site.paths()[2:]) == sorted([CHINA, EU, LITHIUM])
    stored = articles(tmp_path)
    china = stored["China tightens rare earth export controls"]
    assert (china["published"], china["date_source"], china["author"]) == ("2024-05-17", "metadata", "Li Wei")
    assert china["canonical_url"] == site.base_url + CHINA  # utm_* removed
    assert "individual licences from July" in china["text"]
    assert "Comment:" not in china["text"] and "cookies" not in china["text"].lower()
    assert "Share this article" not in china["text"] and "Related stories" not in china["text"]
    eu = stored["EU weighs joint stockpiles under Critical Raw Materials Act"]
    assert (eu["published"], eu["date_source"], eu["author"]) == ("2024-06-03", "json-ld", "Anna Schmidt")
    lithium = stored["Lithium prices slide for a third month"]  # no date or author on the page itself
    assert (lithium["published"], lithium["date_source"], lithium["author"]) == ("2024-06-10", "feed", "Maria Lopez")
    run = last_run(tmp_path)
    assert (run["source"], run["kind"], run["new"], run["errors"], run["status"]) == ("news", "feed", 3, 0, "ok")


def test_recrawl_fetches_only_the_feed_then_exactly_the_new_item(tmp_path, site):
    config = configure(tmp_path, site, FEED)
    assert crawl(config, "news", tmp_path) == 0
    site.clear_log()
    assert crawl(config, "news", tmp_path) == 0
    assert site.paths() == ["/robots.txt", "/feeds/news.rss"]  # a 304: nothing parsed, no page fetched
    assert last_run(tmp_path)["new"] == 0
    paragraph = ("China's commerce ministry set an export quota for gallium and germanium, "
                 "widening controls on critical minerals used in chips and rare earth magnets. "
                 "Exporters must apply for licences and report end users every quarter.")
    url = site.add_feed_item("gallium-quota", "China sets gallium export quota", (paragraph,) * 2, "2024-08-01")
    site.clear_log()
    assert crawl(config, "news", tmp_path) == 0
    assert site.paths() == ["/robots.txt", "/feeds/news.rss", "/news/added/gallium-quota.html"]
    added = articles(tmp_path)["China sets gallium export quota"]
    assert (added["url"], added["published"]) == (url, "2024-08-01")
    assert len(articles(tmp_path)) == 4 and last_run(tmp_path)["new"] == 1


def test_lying_validators_unchanged_body_fetches_no_page(tmp_path, site):
    site.honor_validators = False  # always 200, same body
    config = configure(tmp_path, site, FEED)
    assert crawl(config, "news", tmp_path) == 0
    site.clear_log()
    assert crawl(config, "news", tmp_path) == 0
    assert site.paths() == ["/robots.txt", "/feeds/news.rss"]
    assert "listing unchanged (same body hash)" in (tmp_path / "news.log").read_text()


def test_errors_are_logged_and_counted_not_fatal(tmp_path, site):
    config = configure(tmp_path, site, FEED.replace("news.rss", "atom.xml"))
    assert crawl(config, "news", tmp_path) == 0
    paths = site.paths()
    assert PRIVATE not in paths  # robots.txt disallows /private/
    assert paths.count("/broken/server-error.html") == 2  # retried once, then given up
    run = last_run(tmp_path)
    assert (run["errors"], run["status"]) == (3, "ok")  # 404, 500, timeout
    log = (tmp_path / "news.log").read_text()
    for url, reason in (("/missing-page.html", "HTTP 404"), ("/broken/server-error.html", "HTTP 500"),
                        ("/slow/report.html", "took longer than 1.0 seconds")):
        assert f"fetch failed {site.base_url}{url}: " in log and reason in log
    stored = articles(tmp_path)
    notice = stored["MOFCOM announcement No. 18 of 2024"]  # PDF, title from the feed
    assert notice["url"].endswith(".pdf") and "apply for an export licence" in notice["text"]
    assert stored["Japan and Australia sign rare earth supply pact"]["url"] == site.base_url + JAPAN  # redirect
    assert stored["Pentagon funds new rare earth magnet plant in Texas"]["author"] == "James Carter"
    assert not any(a["url"].endswith((".png", ".zip")) for a in stored.values())


def test_rss1_feed_and_legacy_encoding(tmp_path, site):
    config = configure(tmp_path, site, FEED.replace("news.rss", "rss1.rdf"))
    assert crawl(config, "news", tmp_path) == 0
    assert "/ru/redkozemelnye-metally-eksport.html" in site.paths() and "/tag/rare-earths.html" in site.paths()
    stored = articles(tmp_path)
    russian = stored["Россия расширяет добычу редкоземельных металлов"]
    assert russian["author"] == "Иван Петров" and "Томторского месторождения" in russian["text"]
    assert not any("Topic" in title for title in stored)  # the tag page is not an article
    assert last_run(tmp_path)["rejected"] >= 1


def test_sitemap_spider_with_news_dates_since_and_deny(tmp_path, site):
    since = (date.today() - date(2020, 1, 1)).days  # keeps 2024 entries, drops the 2015 one
    config = configure(tmp_path, site, f'[[sources]]\nname = "maps"\nkind = "sitemap"\n'
                                       f'url = "{{BASE}}/sitemap_index.xml"\nsince = {since}\ndeny = ["/tag/"]\n')
    assert crawl(config, "maps", tmp_path) == 0
    paths = site.paths()
    assert {"/sitemap_index.xml", "/sitemaps/news.xml", "/sitemaps/pages.xml", CHINA, EU, JAPAN} <= set(paths)
    assert "/news/archive-2015-policy.html" not in paths and PRIVATE not in paths
    assert not any(p.startswith("/tag/") for p in paths)
    stored = articles(tmp_path)
    pentagon = stored["Pentagon funds new rare earth magnet plant in Texas"]  # only the URL has a date
    assert (pentagon["published"], pentagon["date_source"]) == ("2024-06-12", "sitemap")
    assert stored["Lithium prices slide for a third month"]["published"] is None  # never made up
    site.clear_log()
    assert crawl(config, "maps", tmp_path) == 0
    assert sorted(site.paths()) == ["/robots.txt", "/sitemap_index.xml"]


def test_site_spider_follows_same_site_links_to_depth(tmp_path, site):
    config = configure(tmp_path, site, '[[sources]]\nname = "home"\nkind = "site"\nurl = "{BASE}/"\ndepth = 1\n')
    assert crawl(config, "home", tmp_path) == 0
    paths = site.paths()
    assert {"/", CHINA, EU, LITHIUM, PENTAGON, "/notices/mofcom-announcement-2024-18.pdf"} <= set(paths)
    assert PRIVATE not in paths and JAPAN not in paths  # robots; depth 2
    assert not any(p.endswith(".png") for p in paths)
    stored = articles(tmp_path)
    assert "China tightens rare earth export controls" in stored
    assert not any(title.startswith(("Metals Ledger", "Latest news", "Topic")) for title in stored)
    site.clear_log()
    assert crawl(config, "home", tmp_path) == 0
    assert not {CHINA, EU, LITHIUM, PENTAGON} & set(site.paths())


def test_unreachable_source_is_counted_not_fatal(tmp_path, site):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    config = configure(tmp_path, site, FEED.replace("{BASE}", dead))
    assert crawl(config, "news", tmp_path) == 0
    run = last_run(tmp_path)
    assert run["errors"] >= 1 and run["pages"] == 0
    assert "fetch failed" in (tmp_path / "news.log").read_text()


def test_seeds_spider_goes_through_the_same_path(tmp_path, site):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for seed in sorted(Path(__file__).resolve().parents[2].joinpath("seeds").iterdir())[:2]:
        (seeds / seed.name).write_bytes(seed.read_bytes())
    config = configure(tmp_path, site, '[[sources]]\nname = "local"\nkind = "seeds"\npath = "seeds"\n')
    assert crawl(config, "local", tmp_path) == 0
    run = last_run(tmp_path)
    assert (run["source"], run["kind"], run["pages"]) == ("local", "seeds", 2)
    assert site.paths() == []


def test_remon_run_without_network_stores_seeds_and_reports_unreachable_sources(tmp_path, site):
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    first_seed = min(Path(__file__).resolve().parents[2].joinpath("seeds").iterdir())
    (seeds / first_seed.name).write_bytes(first_seed.read_bytes())
    config = configure(tmp_path, site, '[[sources]]\nname = "local"\nkind = "seeds"\npath = "seeds"\n'
                       f'[[sources]]\nname = "gone"\nkind = "feed"\nurl = "{dead}/feed.rss"\n'
                       f'[[sources]]\nname = "gone-map"\nkind = "sitemap"\nurl = "{dead}/sitemap.xml"\n')
    done = subprocess.run([sys.executable, "-m", "monitor", "run", "--config", config, "--no-alerts"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    runs = {row["source"]: row for row in query(tmp_path, "select * from runs")}
    assert runs["local"]["new"] == 1 and runs["local"]["errors"] == 0
    assert runs["gone"]["errors"] >= 1 and runs["gone-map"]["errors"] >= 1
    assert "ConnectionRefused" in runs["gone"]["error"] and f"<{dead}/feed.rss>" in runs["gone"]["error"]
    # names what failed, by kind (Scrapy reports a refused connection as (Download)ConnectionRefusedError)
    assert re.search(r"gone: ok: 1 error\(s\) \((Download)?ConnectionRefusedError: 1\), last: ", done.stdout)


def test_crawl_past_its_timeout_is_stopped_and_still_closes_its_run(tmp_path, site):
    site.slow_seconds = 3.0
    config = configure(tmp_path, site, FEED.replace("news.rss", "atom.xml"))
    config_text = Path(config).read_text().replace("timeout = 1\n", "timeout = 30\n")
    Path(config).write_text(config_text)
    code = run_crawl(config, "news", settings=FAST, timeout=3.5, log_file=str(tmp_path / "news.log"))
    assert code == 124  # stopped gracefully during the slow download
    run = last_run(tmp_path)
    assert (run["status"], run["error"]) == ("failed", "crawl stopped: shutdown")
    assert run["finished_at"] is not None and run["new"] >= 1


def test_plain_scrapy_crawl_seeds_from_the_project_root(tmp_path):
    """`scrapy crawl seeds` with no arguments, as the README says, ingests the one seeds source."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(root / "scrapy.cfg", project / "scrapy.cfg")
    shutil.copytree(root / "seeds", project / "seeds")
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "seeds"], cwd=project, capture_output=True,
                            text=True, timeout=120, check=False, env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(project / "data/remon.db") as db:
        assert db.execute("select count(*), sum(relevant) from articles").fetchone() == (5, 5)
        assert db.execute("select source, kind, status, pages from runs").fetchall() == [("seeds", "seeds", "ok", 5)]


def test_source_that_changes_refetches_and_updates_changed_pages(tmp_path, site):
    config = configure(tmp_path, site, FEED + "changes = true\n")
    url = site.add_feed_item("quota-notice", "Beijing sets rare earth mining quota",
                             ("The Ministry of Industry set the first rare earth mining quota of the year at "
                              "135,000 tonnes, with export licences required for neodymium magnets.",
                              "Officials said the quota would be reviewed after the summer and that smelting "
                              "and separation would stay under separate state control.",
                              "Analysts expect the second batch of quotas to follow the same rules."),
                             "2024-08-01")
    assert crawl(config, "news", tmp_path) == 0
    path = url.split(site.base_url, 1)[1]
    site.extra_pages[path] = site.extra_pages[path].replace(b"135,000 tonnes", b"140,000 tonnes")
    site.clear_log()
    assert crawl(config, "news", tmp_path) == 0
    assert path in site.paths()
    [row] = query(tmp_path, "select text from articles where url = ?", (url,))
    assert "140,000 tonnes" in row["text"] and "135,000 tonnes" not in row["text"]
    assert query(tmp_path, "select count(*) as n from articles where url = ?", (url,)) == [{"n": 1}]
