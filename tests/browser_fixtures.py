"""Archives for the serve and browser tests: the seeds through `remon run`, fixture-site pages, explicit rows.

`seeded_archive` builds what a user would have (the seeds and the fixture site's feed on
127.0.0.1, crawled by a real `remon run`); `explicit_archive` stores
rows with explicit entities and figures, so view assertions do not depend on the analysers.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
SCRIPT_TITLE = "<script>window.__pwned = 1</script> Rare-earth magnet quota <b>raised</b>"
SCRIPT_TEXT = ('<img src="x" onerror="window.__pwned = 2"> The ministry raised the rare-earth export '
               'quota for neodymium and dysprosium magnets by 12 percent, the rare-earth industry '
               'association said on Tuesday, citing export licence data.')


CRAWL = """
[crawl]
delay = 0
autothrottle = false
timeout = 5
retries = 1
"""


def write_config(folder: Path, extra: str = "") -> Path:
    """A remon.toml in `folder`: the archive in data/, the seeds folder as the first source."""
    config = folder / "remon.toml"
    config.write_text('[storage]\npath = "data/remon.db"\n\n[[sources]]\nname = "seeds"\nkind = "seeds"\n'
                      f'path = "seeds"\n\n{extra}', encoding="utf-8")
    return config


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def publish_script_article(site: FixtureSite) -> str:
    """Put an article whose title and text hold markup (escaped in its HTML and RSS) at the top of the feed."""
    paragraphs = tuple(f"{_escaped(SCRIPT_TEXT)} Paragraph {n} adds detail on the licence rules." for n in range(4))
    return site.add_feed_item("script-in-title", _escaped(SCRIPT_TITLE), paragraphs, "2024-07-02")


def seeded_archive(folder: Path) -> Path:
    """The seeds plus the fixture site's RSS feed, crawled by one real `remon run`; returns the config path.

    The fixture site is stopped once the run is over: the archive is all the tests need.
    """
    shutil.copytree(REPO / "seeds", folder / "seeds")
    with FixtureSite() as site:
        publish_script_article(site)
        feed = f'[[sources]]\nname = "{SITE_SOURCE}"\nkind = "feed"\nurl = "{site.base_url}/feeds/news.rss"\n'
        config = write_config(folder, feed + CRAWL)
        subprocess.run([REMON, "run", "--config", str(config), "--quiet"], check=True, cwd=folder,
                       capture_output=True, timeout=300)
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


def store_article(db_path: Path, source: str, slug: str, title: str) -> int:
    """Store one more relevant article in its own story, as a concurrent `remon run` would; its id."""
    archive = open_archive(db_path)
    try:
        page, article = _article(source, slug, title, title)
        printed = Fingerprint(content_hash=hashlib.sha256(article.text.encode()).hexdigest())
        decision = DedupeDecision(kind="new-story", reason="explicit")
        return save_processed(archive, page, article, _analysis(0.8), printed, decision, (), NOW).article_id
    finally:
        archive.close()


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
