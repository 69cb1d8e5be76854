"""`remon serve`: the Datasette instance (views, search, facets, dashboard, Atom route) and its read-only guard."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

import pytest
import yaml

from monitor.config.load import load_config, parse_config
from monitor.serve.datasette import DATASETTE_DIR, ServeOptions, build_datasette, prepare_database, serve_options
from tests.browser_fixtures import (
    REMON,
    SCRIPT_TITLE,
    explicit_archive,
    remon_serve,
    store_article,
    write_config,
)

ATOM = b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>remon</title></feed>\n'


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "remon.db"
    path.parent.mkdir()
    explicit_archive(path)
    return path


def options_for(db_path: Path) -> ServeOptions:
    return ServeOptions(db_path=db_path, atom_path=db_path.parent / "stories.atom")


def fetch(options: ServeOptions, *paths: str) -> list[Any]:
    """GET each path from an in-process Datasette built as `remon serve` builds it."""
    datasette = build_datasette(options)

    async def run() -> list[Any]:
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(run())


def sql_rows(options: ServeOptions, sql: str) -> list[dict[str, Any]]:
    response = fetch(options, "/remon.json?" + urlencode({"sql": sql, "_shape": "array"}))[0]
    assert response.status_code == 200, response.text
    return response.json()


def test_options_default_to_loopback_port_8001_and_the_configured_paths(tmp_path: Path) -> None:
    config = parse_config({}, base_dir=str(tmp_path))
    assert serve_options(config) == ServeOptions(
        db_path=tmp_path / "data" / "remon.db", atom_path=tmp_path / "data" / "stories.atom",
        host="127.0.0.1", port=8001, immutable=False, datasette_dir=DATASETTE_DIR)


def test_options_from_the_serve_section_then_the_command_line(tmp_path: Path) -> None:
    config = parse_config({"serve": {"host": "127.0.0.5", "port": 9000}}, base_dir=str(tmp_path))
    assert (serve_options(config).host, serve_options(config).port) == ("127.0.0.5", 9000)
    assert (serve_options(config, host="127.0.0.6", port=0).host, serve_options(config, port=0).port) == (
        "127.0.0.6", 0)


def test_relevant_stories_view_has_one_row_per_relevant_story(archive: Path) -> None:
    rows = sql_rows(options_for(archive), "select story, outlets, outlet_count, countries, elements, companies, "
                                          "score, why from relevant_stories")
    assert rows == [
        {"story": 3, "outlets": '["ledger"]', "outlet_count": 1, "countries": "[]", "elements": "[]",
         "companies": "[]", "score": 0.7, "why": "rare earth ×2 in title"},
        {"story": 1, "outlets": '["ledger", "wire"]', "outlet_count": 2, "countries": '["China"]',
         "elements": '["Dysprosium"]', "companies": '["Lynas"]', "score": 0.9, "why": "rare earth ×2 in title"},
    ]


def test_article_list_facets_and_an_array_facet_narrows_the_list(archive: Path) -> None:
    options = options_for(archive)
    faceted, narrowed = fetch(options, "/remon/article_list.json?_facet=source&_facet=relevant",
                              "/remon/article_list.json?_shape=array&countries__arraycontains=China")
    facets = faceted.json()["facet_results"]
    assert [(f["value"], f["count"]) for f in facets["source"]["results"]] == [("ledger", 2), ("wire", 2)]
    assert [(f["value"], f["count"]) for f in facets["relevant"]["results"]] == [(1, 3), (0, 1)]
    assert [(row["article"], row["source"], row["entities"]) for row in narrowed.json()] == [
        (2, "wire", '["China","Lynas"]'), (1, "ledger", '["China","Dysprosium"]')]


def test_entity_mentions_facet_by_kind_and_name(archive: Path) -> None:
    response = fetch(options_for(archive), "/remon/entity_mentions.json?_facet=entity_kind&_facet=entity")[0]
    facets = response.json()["facet_results"]
    assert [(f["value"], f["count"]) for f in facets["entity_kind"]["results"]] == [
        ("country", 2), ("company", 1), ("element", 1)]
    assert [(f["value"], f["count"]) for f in facets["entity"]["results"]] == [
        ("China", 2), ("Dysprosium", 1), ("Lynas", 1)]


def test_search_highlights_matches_and_escapes_markup(archive: Path) -> None:
    options = options_for(archive)
    page, data = fetch(options, "/remon/search_articles?q=magnet+quota",
                       "/remon/search_articles.json?_shape=array&q=rare-earth%20curbs")
    assert page.status_code == 200
    assert ("&lt;script&gt;window.__pwned = 1&lt;/script&gt; Rare-earth <mark>magnet</mark> <mark>quota</mark> "
            "&lt;b&gt;raised&lt;/b&gt;") in page.text
    assert "<script>window.__pwned" not in page.text
    assert [(row["article"], row["title"]) for row in data.json()] == [
        (2, "Beijing \x02curbs\x03 \x02rare earth\x03 exports")]


def test_story_numbers_link_to_the_story_articles_query(archive: Path) -> None:
    stories, articles = fetch(options_for(archive), "/remon/relevant_stories", "/remon/story_articles.json?"
                              "_shape=array&story=1")
    assert '<a href="/remon/story_articles?story=1">1</a>' in stories.text
    assert [(row["article"], row["source"], row["role"]) for row in articles.json()] == [
        (1, "ledger", "original"), (2, "wire", "original")]


def test_figures_side_by_side_across_outlets(archive: Path) -> None:
    response = fetch(options_for(archive), "/remon/figures_across_outlets.json?_shape=array")[0]
    rows = response.json()
    assert rows == [{
        "story": 1, "story_title": "China tightens rare earth export controls", "kind": "mass", "entity": "China",
        "unit": "tonnes", "outlets": 2, "distinct_values": 1, "lowest": 28700000.0, "highest": 28700000.0,
        "stated_by_outlet": "ledger: 28.7 million tonnes | wire: 28,700,000 tonnes"}]


def test_source_health_and_alert_queue(archive: Path) -> None:
    options = options_for(archive)
    health = sql_rows(options, "select source, last_status, last_error, last_ok, runs, failed_runs, errors, "
                               "new_articles, relevant_yield from source_health")
    assert health == [
        {"source": "wire", "last_status": "failed", "last_error": "HTTP 503", "last_ok": None, "runs": 1,
         "failed_runs": 1, "errors": 1, "new_articles": 0, "relevant_yield": None},
        {"source": "ledger", "last_status": "ok", "last_error": None, "last_ok": "2024-07-02T07:00:00+00:00",
         "runs": 1, "failed_runs": 0, "errors": 0, "new_articles": 3, "relevant_yield": 0.667},
    ]
    queue = sql_rows(options, "select alert, status, channel, story, story_title, attempts, error from alert_queue")
    assert queue == [
        {"alert": 1, "status": "failed", "channel": "console", "story": 1,
         "story_title": "China tightens rare earth export controls", "attempts": 1, "error": "SMTP refused"},
        {"alert": 2, "status": "pending", "channel": "console", "story": 3, "story_title": SCRIPT_TITLE,
         "attempts": 0, "error": None},
    ]


def test_every_dashboard_chart_query_runs(archive: Path) -> None:
    metadata = yaml.safe_load((DATASETTE_DIR / "metadata.yml").read_text(encoding="utf-8"))
    charts = metadata["plugins"]["datasette-dashboards"]["trends"]["charts"]
    options = options_for(archive)
    counts = {slug: len(sql_rows(options, chart["query"])) for slug, chart in charts.items()}
    assert counts == {"relevant-stories": 1, "articles": 1, "failing-sources": 1, "stories-per-week": 1,
                      "by-country": 1, "by-element": 1, "sources-activity": 2}
    page = fetch(options, "/-/dashboards/trends")[0]
    assert page.status_code == 200
    assert all(f'id="chart-{slug}"' in page.text for slug in charts)


def test_atom_route_serves_the_feed_file_or_says_why_not(archive: Path) -> None:
    options = options_for(archive)
    missing = fetch(options, "/-/remon/stories.atom")[0]
    assert (missing.status_code, missing.text.split(":")[0]) == (404, "No Atom feed yet")
    options.atom_path.write_bytes(ATOM)
    present, home = fetch(options, "/-/remon/stories.atom", "/")
    assert (present.status_code, present.headers["content-type"], present.content) == (
        200, "application/atom+xml; charset=utf-8", ATOM)
    assert '<a href="/-/remon/stories.atom">' in home.text
    assert 'type="application/atom+xml"' in home.text


def test_writes_are_refused_and_the_file_is_unchanged(archive: Path) -> None:
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    options = options_for(archive)
    prepare_database(options)
    datasette = build_datasette(options)

    async def attempt() -> tuple[int, str]:
        await datasette.invoke_startup()
        with pytest.raises(sqlite3.OperationalError, match="readonly database"):
            await datasette.get_database("remon").execute_write("delete from articles")
        response = await datasette.client.get("/remon.json?" + urlencode({"sql": "delete from articles"}))
        return response.status_code, response.json()["error"]

    assert asyncio.run(attempt()) == (400, "Statement must be a SELECT")
    assert sql_rows(options, "select count(*) as n from articles") == [{"n": 4}]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before


def _refused(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


def test_cli_listens_on_127_0_0_1_by_default(archive: Path) -> None:
    config = write_config(archive.parent.parent)
    with remon_serve(config) as url:
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        with urlopen(url + "remon/relevant_stories.json?_shape=array", timeout=10) as response:
            assert [row["story"] for row in json.load(response)] == [3, 1]
        assert _refused("127.0.0.2", parts.port or 0)


def test_cli_listens_where_told(archive: Path) -> None:
    config = write_config(archive.parent.parent, '\n[serve]\nhost = "127.0.0.3"\n')
    with remon_serve(config) as url:
        assert urlsplit(url).hostname == "127.0.0.3"
        assert _refused("127.0.0.1", urlsplit(url).port or 0)
    with remon_serve(config, "--host", "127.0.0.2") as url:
        assert urlsplit(url).hostname == "127.0.0.2"
        with urlopen(url, timeout=10) as response:
            assert response.status == 200
        assert _refused("127.0.0.1", urlsplit(url).port or 0)


def test_cli_refuses_a_missing_database_without_creating_it(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    result = subprocess.run([REMON, "serve", "--config", str(config), "--port", "0"], check=False,
                            capture_output=True, text=True, timeout=60)
    db_path = load_config(str(config)).db_path
    assert (result.returncode, result.stderr.strip()) == (
        2, f"remon: no database at {db_path}: run `remon run` first")
    assert not db_path.exists()


def test_home_page_starts_analysts_on_the_views_and_loads_remon_styles(archive: Path) -> None:
    home, css = fetch(options_for(archive), "/", "/remon-static/remon.css")
    links = ('<a href="/remon/relevant_stories">', '<a href="/remon/article_list">', '<a href="/remon/search_articles">',
             '<a href="/-/dashboards/trends">', '<a href="/remon/source_health">', '<a href="/remon/alert_queue">')
    assert [link in home.text for link in links] == [True] * len(links)
    assert '<link rel="stylesheet" href="/remon-static/remon.css">' in home.text
    assert (css.status_code, css.text.splitlines()[0]) == (
        200, "/* remon: readable story and article lists (titles wide enough, reasons and snippets compact). */")


def test_a_served_archive_shows_what_a_run_writes_meanwhile(archive: Path) -> None:
    """Why read-only and not immutable: rows committed by `remon run` while serving appear at once."""
    config = write_config(archive.parent.parent)
    count_url = "remon.json?" + urlencode({"sql": "select count(*) as n from articles", "_shape": "array"})
    with remon_serve(config) as url:
        with urlopen(url + count_url, timeout=10) as response:
            assert json.load(response) == [{"n": 4}]
        store_article(archive, "ledger", "later", "Vietnam raises its rare earth export quota")
        with urlopen(url + count_url, timeout=10) as response:
            assert json.load(response) == [{"n": 5}]
