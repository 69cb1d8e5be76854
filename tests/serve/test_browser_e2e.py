"""End to end in headless Chromium: `remon serve` on the seeds plus fixture-site pages, as an analyst uses it.

Debian's /usr/bin/chromium is driven by Playwright (never a downloaded browser); every request
the pages make outside the served instance is blocked and recorded, so a CDN dependency fails.
Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from tests.browser_fixtures import REPO, SCRIPT_TITLE, SITE_SOURCE, remon_serve, seeded_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts" / "browser"
SEED_TERM, SEED_FILE = "Krasnoyarsk", "002_0e4a6e20a33d7ec7.txt"
CHARTS = ("relevant-stories", "articles", "failing-sources", "stories-per-week", "by-country", "by-element",
          "sources-activity")

pytestmark = [
    pytest.mark.e2e, pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium (CI installs it)"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `remon serve` on an archive built from the seeds and the fixture site; (URL, db path)."""
    folder = tmp_path_factory.mktemp("served")
    config = seeded_archive(folder)
    with remon_serve(config) as url:
        yield url, folder / "data" / "remon.db"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, served: tuple[str, Path]) -> Iterator[object]:
    """A fresh page that may only reach the served instance; stray requests and JS errors are recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    origin = urlsplit(served[0]).netloc
    tab.stray, tab.errors = [], []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).netloc == origin or url.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            tab.stray.append(url)
            route.abort()  # type: ignore[attr-defined]

    tab.route("**/*", guard)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    assert (tab.stray, tab.errors) == ([], [])
    context.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def row_cells(page: object, column: str) -> list[str]:
    return page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()  # type: ignore[attr-defined]


def test_home_page_lists_the_stories_view(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    page.goto(url)  # type: ignore[attr-defined]
    shot(page, "home")
    page.get_by_role("link", name="Latest relevant stories").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/remon/relevant_stories")  # type: ignore[attr-defined]
    shot(page, "relevant-stories")
    expected = [str(story) for (story,) in query(
        db, "select id from stories where relevant = 1 order by first_seen desc, id desc")]
    assert len(expected) >= 3
    assert row_cells(page, "story") == expected


def test_search_for_a_seed_term_shows_a_highlighted_snippet(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("search words").fill(SEED_TERM)  # type: ignore[attr-defined]
    page.get_by_label("search words").press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/remon/search_articles?q=*")  # type: ignore[attr-defined]
    shot(page, "search")
    (article,) = query(db, "select id from articles where url like ?", f"%/{SEED_FILE}")[0]
    assert row_cells(page, "article") == [str(article)]
    marks = page.locator("td.col-snippet mark").all_inner_texts()  # type: ignore[attr-defined]
    assert marks and {mark.lower() for mark in marks} == {SEED_TERM.lower()}


def test_a_facet_click_narrows_the_list(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    page.goto(url + "remon/article_list")  # type: ignore[attr-defined]
    everything = len(row_cells(page, "article"))
    page.locator("#facet-source li a", has_text=SITE_SOURCE).first.click()  # type: ignore[attr-defined]
    page.wait_for_url(f"**source={SITE_SOURCE}*")  # type: ignore[attr-defined]
    shot(page, "facet-source")
    sources = row_cells(page, "source")
    ((from_site,),) = query(db, "select count(*) from articles where source = ?", SITE_SOURCE)
    assert (everything, sources) == (query(db, "select count(*) from articles")[0][0], [SITE_SOURCE] * from_site)
    assert 0 < from_site < everything


def test_dashboard_renders_every_chart(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    page.goto(url + "-/dashboards/trends")  # type: ignore[attr-defined]
    for slug in CHARTS:
        page.wait_for_selector(f"#chart-{slug} canvas, #chart-{slug} svg, #chart-{slug} p")  # type: ignore[attr-defined]
    shot(page, "dashboard")
    sizes = {slug: page.locator(f"#chart-{slug} canvas, #chart-{slug} svg, #chart-{slug} p")  # type: ignore[attr-defined]
             .first.bounding_box() for slug in CHARTS}
    assert {slug for slug, box in sizes.items() if box and box["width"] > 0 and box["height"] > 0} == set(CHARTS)
    articles = page.locator("#chart-articles p").inner_text()  # type: ignore[attr-defined]
    assert articles == str(query(db, "select count(*) from articles")[0][0])


def test_a_script_in_a_title_shows_as_text_and_runs_nothing(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    ((article, story),) = query(db, "select id, story_id from articles where title = ?", SCRIPT_TITLE)
    for path, name in ((f"remon/articles/{article}", "script-article"), ("remon/relevant_stories", None),
                       ("remon/search_articles?q=magnet+quota", "script-search"),
                       (f"remon/story_articles?story={story}", None)):
        page.goto(url + path)  # type: ignore[attr-defined]
        if name:
            shot(page, name)
        assert page.evaluate("window.__pwned") is None, path  # type: ignore[attr-defined]
        assert SCRIPT_TITLE in page.locator("table").first.inner_text(), path  # type: ignore[attr-defined]
        scripts = page.evaluate("[...document.scripts].map(s => s.textContent)")  # type: ignore[attr-defined]
        assert [text for text in scripts if "__pwned" in text] == [], path


def test_the_home_page_links_the_atom_feed_remon_run_wrote(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    page.goto(url)  # type: ignore[attr-defined]
    href = page.get_by_role("link", name="Atom feed of new relevant stories").get_attribute("href")  # type: ignore[attr-defined]
    feed = page.request.get(url.rstrip("/") + href)  # type: ignore[attr-defined]
    assert (feed.status, feed.headers["content-type"]) == (200, "application/atom+xml; charset=utf-8")
    entries = ElementTree.fromstring(feed.body()).findall("{http://www.w3.org/2005/Atom}entry")
    titles = {entry.findtext("{http://www.w3.org/2005/Atom}title") for entry in entries}
    assert SCRIPT_TITLE in titles
    assert titles <= {title for (title,) in query(db, "select title from stories where relevant = 1")}


def test_story_page_of_the_seed_story_shows_figures_side_by_side(page: object, served: tuple[str, Path]) -> None:
    url, db = served
    (story,) = query(db, "select story_id from articles where url like ? ", f"%/{SEED_FILE}")[0]
    page.goto(url.rstrip("/") + f"/-/remon/story/{story}")  # type: ignore[attr-defined]
    shot(page, "story-page")
    figures = page.locator("table.remon-figures tr").first.inner_text()  # type: ignore[attr-defined]
    assert "28.5 Mt" in figures and "28.7 Mt" in figures and "vs" in figures
    outlets = page.locator("table.remon-articles a").all_inner_texts()  # type: ignore[attr-defined]
    assert len([name for name in outlets if name.startswith("#")]) == 4
    assert page.locator("ol.remon-timeline li").count() >= 5  # type: ignore[attr-defined]
