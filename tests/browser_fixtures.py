"""Archives for the serve and browser tests: the seeds through `remon run`, fixture-site pages, explicit rows.

`seeded_archive` builds what a user would have (seeds run by the real CLI, then pages fetched
from the fixture site on 127.0.0.1 through the one processing path); `explicit_archive` stores
rows with explicit entities and figures, so view assertions do not depend on the analysers.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.config import load_config
from monitor.flow import close_context, open_context, process_page
from monitor.models import (
    Analysis,
    Article,
    Channel,
    DedupeDecision,
    EntityMention,
    Figure,
    Fingerprint,
    Page,
    Reason,
    RunCounts,
)
from monitor.store import open_archive, save_processed
from monitor.store.outbox import mark_failed_attempt
from monitor.store.runs import finish_run, start_run
from tests.fixture_site import FixtureSite

REPO = Path(__file__).resolve().parent.parent
REMON = str(Path(sys.executable).parent / "remon")
NOW = "2024-07-02T08:00:00+00:00"
SITE_SOURCE = "metals-ledger"
SITE_PATHS = (
    "/news/2024/05/17/china-tightens-rare-earth-export-controls.html",
    "/news/2024/06/12/us-dod-awards-magnet-plant-funding.html",
    "/news/2024/07/01/japan-australia-rare-earth-deal.html",
    "/news/lithium-prices-slide.html",
)
SCRIPT_PATH = "/news/2024/07/02/script-in-title.html"
SCRIPT_TITLE = "<script>window.__pwned = 1</script> Rare-earth magnet quota <b>raised</b>"
SCRIPT_TEXT = ('<img src="x" onerror="window.__pwned = 2"> The ministry raised the rare-earth export '
               'quota for neodymium and dysprosium magnets by 12 percent, the rare-earth industry '
               'association said on Tuesday, citing export licence data.')


def write_config(folder: Path, extra: str = "") -> Path:
    """A remon.toml in `folder`: the archive in data/, the seeds folder as the one source."""
    config = folder / "remon.toml"
    config.write_text('[storage]\npath = "data/remon.db"\n\n[[sources]]\nname = "seeds"\nkind = "seeds"\n'
                      f'path = "seeds"\n\n[alerts]\nconsole = true\n{extra}', encoding="utf-8")
    return config


def run_seeds(folder: Path) -> Path:
    """Copy the repo's seeds into `folder`, run `remon run` on them; returns the config path."""
    shutil.copytree(REPO / "seeds", folder / "seeds")
    config = write_config(folder)
    subprocess.run([REMON, "run", "--config", str(config), "--quiet"], check=True, cwd=folder,
                   capture_output=True, timeout=300)
    return config


def script_page_html() -> bytes:
    """An article whose title and text hold markup that must show as text (escaped in the HTML)."""
    title, text = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   for value in (SCRIPT_TITLE, SCRIPT_TEXT))
    paragraphs = "".join(f"<p>{text} Paragraph {n} adds detail on the licence rules.</p>" for n in range(4))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="2024-07-02T09:00:00Z"></head><body>'
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


def fetch_page(url: str, source: str, fetched_at: str) -> Page:
    """A Page for a URL fetched from the local fixture site."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return Page(url=url, source=source, fetched_at=fetched_at, body=response.read(),
                    content_type=response.headers.get("Content-Type", "text/html").split(";")[0],
                    status=response.status)


def add_site_pages(config_path: Path, site: FixtureSite) -> None:
    """Fetch the fixture site's articles (plus the script-title one) and process them like a crawl."""
    site.extra_pages[SCRIPT_PATH] = script_page_html()
    config = load_config(str(config_path))
    context = open_context(config)
    try:
        for path in (*SITE_PATHS, SCRIPT_PATH):
            process_page(fetch_page(site.base_url + path, SITE_SOURCE, NOW), context, NOW)
    finally:
        close_context(context)


def seeded_archive(folder: Path) -> Path:
    """The seeds through `remon run`, then the fixture site's pages; returns the config path."""
    config = run_seeds(folder)
    with FixtureSite() as site:
        add_site_pages(config, site)
    return config


def _article(source: str, slug: str, title: str, text: str, language: str = "en") -> tuple[Page, Article]:
    url = f"https://{source}.example/{slug}"
    page = Page(url=url, source=source, fetched_at=NOW, body=text.encode())
    return page, Article(url=url, canonical_url=url, source=source, fetched_at=NOW, title=title, text=text,
                         published="2024-07-01", language=language)


def _analysis(score: float, entities: tuple[EntityMention, ...] = (), figures: tuple[Figure, ...] = ()) -> Analysis:
    reasons = (Reason(term="rare earth", kind="ree", where="title", weight=0.6, count=2),) if score >= 0.5 else ()
    return Analysis(score=score, relevant=score >= 0.5, reasons=reasons, entities=entities, figures=figures)


CHINA = EntityMention("country:china", "China", "country", 3)
DYSPROSIUM = EntityMention("element:dysprosium", "Dysprosium", "element", 2)
LYNAS = EntityMention("company:lynas", "Lynas", "company", 1)
RESERVES = "Reserves stand at {} of rare earths."


def _figure(stated: str) -> Figure:
    return Figure(kind="mass", value=28_700_000.0, unit="tonnes", stated=stated, sentence=RESERVES.format(stated),
                  entity="China")


def explicit_archive(db_path: Path) -> None:
    """Four articles with explicit analysis: a two-outlet story, an irrelevant one, a script title; runs; alerts."""
    archive = open_archive(db_path)
    channels = (Channel(name="console"),)

    def store(source: str, slug: str, title: str, analysis: Analysis, story: int | None = None) -> int:
        page, article = _article(source, slug, title, f"{title}. " + " ".join(f.sentence for f in analysis.figures))
        decision = DedupeDecision(kind="joins-story" if story else "new-story", reason="explicit", story_id=story)
        printed = Fingerprint(content_hash=hashlib.sha256(article.text.encode()).hexdigest())
        return save_processed(archive, page, article, analysis, printed, decision, channels, NOW).story_id or 0

    try:
        story = store("ledger", "china-controls", "China tightens rare earth export controls",
                      _analysis(0.9, (CHINA, DYSPROSIUM), (_figure("28.7 million tonnes"),)))
        store("wire", "china-controls-wire", "Beijing curbs rare earth exports",
              _analysis(0.8, (CHINA, LYNAS), (_figure("28,700,000 tonnes"),)), story)
        store("wire", "marathon", "City marathon results", _analysis(0.1), None)
        store("ledger", "script", SCRIPT_TITLE, _analysis(0.7))
        _runs_and_alerts(archive.db)
    finally:
        archive.close()


def _runs_and_alerts(db: object) -> None:
    ok = start_run(db, "ledger", "feed", "2024-07-02T07:00:00+00:00")  # type: ignore[arg-type]
    finish_run(db, ok, RunCounts(pages=4, new=3, relevant=2), "2024-07-02T07:01:00+00:00", 60.0, "ok")  # type: ignore[arg-type]
    bad = start_run(db, "wire", "sitemap", "2024-07-02T07:00:00+00:00")  # type: ignore[arg-type]
    finish_run(db, bad, RunCounts(errors=1), "2024-07-02T07:00:05+00:00", 5.0, "failed", "HTTP 503")  # type: ignore[arg-type]
    mark_failed_attempt(db, 1, "SMTP refused", NOW, max_attempts=1)  # type: ignore[arg-type]


@contextmanager
def remon_serve(config: Path, *args: str) -> Iterator[str]:
    """A real `remon serve --port 0` subprocess; yields the URL it announced, stops it afterwards.

    Its stderr goes to serve.log beside the config, quoted in the error if it does not start.
    """
    log_path = config.parent / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([REMON, "serve", "--config", str(config), "--port", "0", *args],
                                   stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline() if process.stdout else ""
        if " at http" not in line:
            process.wait(timeout=20)
            raise RuntimeError(f"remon serve did not start: {line}{log_path.read_text()}")
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout:
            process.stdout.close()
