"""Scale-out on scrapy-redis with a real Redis: workers share the crawl, one ingester stores it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from fixture_site import FixtureSite

from monitor.config.load import load_config
from monitor.flow import close_context, open_context
from monitor.models import Page
from monitor.run.queue import encode_page
from monitor.run.scaleout import DEAD_KEY, PAGES_KEY, PROCESSING_KEY, ingest

pytestmark = pytest.mark.e2e

CONFIG = """
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 2
retries = 0
[redis]
url = "{REDIS}"
[[sources]]
name = "news"
kind = "feed"
url = "{BASE}/feeds/news.rss"
"""
ARTICLE_PREFIX = "/news/"


def remon(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(tmp_path / "remon.toml"), *args],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


@pytest.fixture
def site():
    with FixtureSite(slow_seconds=1.0) as running:
        yield running


def test_two_workers_share_the_crawl_and_ingest_stores_it_once(tmp_path, site, redis_url):
    (tmp_path / "remon.toml").write_text(CONFIG.format(REDIS=redis_url, BASE=site.base_url), encoding="utf-8")
    workers = [remon(tmp_path, "worker", "--source", "news", "--log-file", str(tmp_path / f"w{i}.log"))
               for i in (1, 2)]
    assert [finish(w)[0] for w in workers] == [0, 0]
    fetched = [p for p in site.paths() if p.startswith(ARTICLE_PREFIX)]
    assert fetched and len(fetched) == len(set(fetched))  # no article page fetched by both workers
    client = redis.Redis.from_url(redis_url)
    queued = client.llen(PAGES_KEY)
    assert queued > 0
    code, output = finish(remon(tmp_path, "ingest", "--drain", "--idle", "0.5"))
    assert code == 0, output
    assert client.llen(PAGES_KEY) == 0 and client.llen(PROCESSING_KEY) == 0
    with sqlite3.connect(tmp_path / "remon.db") as db:
        stored = db.execute("select count(*) from articles").fetchone()[0]
        runs = db.execute("select source, kind, pages from runs").fetchall()
    assert 0 < stored <= queued and runs == [("news", "ingest", queued)]
    assert "TOTAL" in output
    site.clear_log()
    assert finish(remon(tmp_path, "worker", "--source", "news"))[0] == 0
    assert [p for p in site.paths() if p.startswith(ARTICLE_PREFIX)] == []  # the shared seen-set remembers
    assert client.llen(PAGES_KEY) == 0


def test_unfinished_and_bad_messages_after_a_killed_ingester(tmp_path, redis_url):
    (tmp_path / "remon.toml").write_text(CONFIG.format(REDIS=redis_url, BASE="http://127.0.0.1:9"),
                                         encoding="utf-8")
    config = load_config(str(tmp_path / "remon.toml"))
    client = redis.Redis.from_url(redis_url)
    text = "The government set a rare earth export quota and a strategic stockpile of neodymium. " * 6
    page = Page(url="https://example.org/quota", source="wire", fetched_at="2026-01-01T00:00:00+00:00",
                body=text.encode(), content_type="text/plain")
    client.rpush(PROCESSING_KEY, encode_page(page))  # taken by an ingester that was then killed
    client.rpush(PAGES_KEY, b"not a page")
    context = open_context(config)
    try:
        report = ingest(client, context, lambda: __import__("datetime").datetime(2026, 1, 1),
                        stop=lambda: False, idle_exit=0.2)
    finally:
        close_context(context)
    assert (report.recovered, report.bad_messages, report.counts["wire"].new) == (1, 1, 1)
    assert client.lrange(DEAD_KEY, 0, -1) == [b"not a page"]
    assert client.llen(PROCESSING_KEY) == 0


def test_ingest_without_redis_says_so(tmp_path):
    (tmp_path / "remon.toml").write_text(CONFIG.format(REDIS="redis://:s3cret@127.0.0.1:9/0", BASE="http://x"),
                                         encoding="utf-8")
    code, output = finish(remon(tmp_path, "ingest", "--drain"))
    assert code == 1 and "cannot reach Redis at redis://127.0.0.1:9/0" in output
    assert "s3cret" not in output
