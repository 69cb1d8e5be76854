"""End-to-end: news-search feeds (Google News format, Bing) on loopback, through the real `scrapy crawl`.

Every entry must end stored under its publisher's URL (full text, or headline only when the
publisher refuses), never under the aggregator's; a second cycle decodes and fetches nothing;
a headline-only article is relevant, in a story, alerted once, and upgraded in place later.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from news_fixtures import CONSENT, REFUSED, SHELL, STORIES, UPGRADED, FakeGoogleNews, Publishers

from monitor.cli.main import main
from monitor.exit_codes import ExitCode
from monitor.run.crawl import run_crawl
from monitor.stages.profile import outlet_of

pytestmark = pytest.mark.e2e

CONFIG = """
[storage]
path = "remon.db"

[crawl]
delay = 0
autothrottle = false
timeout = 10
retries = 1

[[sources]]
name = "gnews"
kind = "feed"
url = "{GOOGLE}/rss/search?q=%22rare+earth%22&hl=en-US&gl=US&ceid=US:en"
news_base_url = "{GOOGLE}"

[[sources]]
name = "bing"
kind = "feed"
url = "{GOOGLE}/bing/news/search?q=rare+earth&format=rss"
news_base_url = "{GOOGLE}"
"""


@pytest.fixture
def news():
    with Publishers() as publishers, FakeGoogleNews(publishers) as google:
        yield google, publishers


def configure(tmp_path: Path, google: FakeGoogleNews) -> str:
    path = tmp_path / "remon.toml"
    path.write_text(CONFIG.replace("{GOOGLE}", google.base_url), encoding="utf-8")
    return str(path)


def crawl(config: str, source: str, tmp_path: Path) -> int:
    runs = len(list(tmp_path.glob(f"{source}-*.log")))
    return run_crawl(config, source, settings={"MONITOR_RETRY_BACKOFF": "0.05"}, timeout=90,
                     log_file=str(tmp_path / f"{source}-{runs + 1}.log"))


def query(tmp_path: Path, sql: str, args: tuple = ()) -> list[dict]:
    with sqlite3.connect(tmp_path / "remon.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, args)]


def test_google_news_entries_end_under_their_publishers(tmp_path, news):
    google, publishers = news
    config = configure(tmp_path, google)
    assert crawl(config, "gnews", tmp_path) == 0
    stored = {row["url"]: row for row in query(tmp_path, "select * from articles")}
    assert sorted(stored) == sorted(publishers.url(story) for story in STORIES)
    for story in STORIES:
        row = stored[publishers.url(story)]
        assert row["canonical_url"] == publishers.url(story) and row["outlet"] == outlet_of(publishers.url(story))
        assert row["title"] == story.title  # " - Outlet" removed
        assert row["relevant"] == 1 and row["story_id"] is not None
        headline_only = story.slug in (REFUSED, CONSENT, SHELL)
        assert row["text_source"] == ("feed" if headline_only else "page"), story.slug
        if headline_only:
            assert row["site_name"] == story.outlet and row["published"] == "2024-07-01"
    assert not [url for url in stored if google.base_url in url]
    links = query(tmp_path, "select key, publisher_url, attempts, error from aggregator_links order by key")
    assert len(links) == 4 and all(link["publisher_url"] and link["error"] is None for link in links)
    assert len(google.batch_bodies) == 4  # the old token was decoded offline
    alerts = query(tmp_path, "select story_id, count(*) as n from alerts group by story_id")
    assert alerts and all(row["n"] == 1 for row in alerts)
    headline_stories = {stored[publishers.url(s)]["story_id"] for s in STORIES if s.slug in (REFUSED, CONSENT, SHELL)}
    assert headline_stories <= {row["story_id"] for row in alerts}

    google.clear_log()
    publishers.clear_log()
    assert crawl(config, "gnews", tmp_path) == 0
    assert [p for p in google.paths() if p != "/robots.txt"] == ["/rss/search"]  # no token page, no batchexecute
    assert publishers.paths() == []  # nothing fetched again
    assert len(query(tmp_path, "select id from articles")) == len(STORIES)

    # later the paywalled outlet serves its text: the same row is upgraded, its story keeps its one alert
    before = stored[publishers.url(STORIES[2])]
    publishers.full_text[REFUSED] = UPGRADED
    with sqlite3.connect(tmp_path / "remon.db") as db:  # the retry is due six hours after the last try
        db.execute("update raw_pages set fetched_at = '2000-01-01T00:00:00+00:00' where id = ?",
                   [before["raw_page_id"]])
    assert crawl(config, "gnews", tmp_path) == 0
    after = query(tmp_path, "select * from articles where id = ?", (before["id"],))[0]
    assert (after["text_source"], after["story_id"]) == ("page", before["story_id"])
    assert "Western Australia" in after["text"]
    assert query(tmp_path, "select count(*) as n from alerts where story_id = ?", (before["story_id"],))[0]["n"] == 1
    assert len(query(tmp_path, "select id from articles")) == len(STORIES)


def test_a_failed_decoding_is_recorded_and_retried_next_cycle(tmp_path, news):
    google, publishers = news
    config = configure(tmp_path, google)
    eu = publishers.url(STORIES[1])
    google.refuse.add(eu)
    assert crawl(config, "gnews", tmp_path) == 0  # not fatal
    assert eu not in {row["url"] for row in query(tmp_path, "select url from articles")}
    failed = query(tmp_path, "select attempts, error from aggregator_links where publisher_url is null")
    assert failed == [{"attempts": 1, "error": "no garturlres URL in the batchexecute answer"}]
    run = query(tmp_path, "select status, errors, error from runs order by id desc limit 1")[0]
    assert (run["status"], run["errors"]) == ("ok", 1) and "decoding" in run["error"]
    google.refuse.clear()
    google.batch_bodies.clear()
    assert crawl(config, "gnews", tmp_path) == 0
    assert len(google.batch_bodies) == 1  # only the failed link is decoded again
    assert eu in {row["url"] for row in query(tmp_path, "select url from articles")}
    assert query(tmp_path, "select count(*) as n from aggregator_links where publisher_url is null")[0]["n"] == 0


def test_bing_apiclick_links_are_fetched_at_the_publisher(tmp_path, news):
    google, publishers = news
    config = configure(tmp_path, google)
    assert crawl(config, "bing", tmp_path) == 0
    rows = query(tmp_path, "select url, text_source, relevant from articles")
    assert rows == [{"url": publishers.url(STORIES[1]), "text_source": "page", "relevant": 1}]
    assert "/news/apiclick.aspx" not in google.paths()


def test_sources_check_reports_each_source_in_one_line(tmp_path, news, capsys):
    google, _ = news
    config = configure(tmp_path, google)
    with open(config, "a", encoding="utf-8") as extra:  # a listing nobody answers for
        extra.write('\n[[sources]]\nname = "gone"\nkind = "feed"\nurl = "http://127.0.0.1:9/feed.rss"\n')
    assert main(["sources", "check", "--config", config]) == ExitCode.FAULT
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert lines["gnews"].startswith("ok: 5 listed, 5 resolve to article links (0 already stored, 0 not decoded); "
                                     "5 fetched: 2 fetchable, 3 headline-only, 0 not articles")
    assert lines["bing"].startswith("ok: 1 listed, 1 resolve to article links")
    assert lines["gone"].startswith("UNREACHABLE: 0 listed") and "127.0.0.1:9" in lines["gone"]
    assert query(tmp_path, "select count(*) as n from articles")[0]["n"] == 0  # a check stores nothing
    assert query(tmp_path, "select count(*) as n from fetch_state")[0]["n"] == 0
    assert main(["sources", "check", "bing", "--config", config]) == ExitCode.OK  # one source, reachable
