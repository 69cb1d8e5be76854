"""Fault injection at scale: SIGKILL `remon run` at random moments, then check nothing was lost or repeated.

A loopback news site publishes a new article before every run (its feed lists them all) and a
flaky JSON webhook refuses a share of deliveries with HTTP 500. Each of `--kills` rounds starts
the real `remon run` and SIGKILLs it after a random delay (somewhere inside a run: while the
crawl child fetches, while a page's transaction is written, while alerts go out). Then the
webhook turns reliable and clean runs follow until nothing is pending. The figures:

- pages lost: published articles not in `articles` after the clean runs (must be 0)
- duplicate articles: canonical URLs stored more than once, or one page body stored twice (0)
- alerts repeated: story alerts the webhook received more than once (0)
- alerts lost: story alerts not received, alerts left pending/failed, stories without an alert (0)
- integrity: `PRAGMA integrity_check` (ok); runs left 'running' (0: closed as 'killed')

    .venv/bin/python bench/faults.py [--kills 1000] [--seed 11] [--flaky 0.3]

Timing figures depend on the machine's load; the counts do not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = ("China", "Japan", "Brazil", "Vietnam", "Australia", "Canada", "India", "Kazakhstan", "Malaysia",
             "Greenland", "Chile", "Norway", "Namibia", "Tanzania", "Myanmar", "Sweden", "Estonia", "Morocco")
ELEMENTS = ("dysprosium", "terbium", "neodymium", "praseodymium", "yttrium", "lanthanum", "cerium", "samarium",
            "europium", "gadolinium", "scandium", "holmium")
ACTIONS = ("export licence rules", "a strategic stockpile", "a mining royalty", "a magnet recycling quota",
           "a processing subsidy", "an export ban", "a separation plant grant", "an import tariff")
SYLLABLES = ("ka", "ro", "mi", "ta", "ve", "lo", "su", "ne", "da", "pi", "go", "ze", "ru", "ba", "fo", "xi")


def word(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def article(n: int) -> tuple[str, str]:
    """A distinct rare-earth policy article (title, HTML): its own country, element, action and names."""
    rng = random.Random(n)
    country, element, action = rng.choice(COUNTRIES), rng.choice(ELEMENTS), rng.choice(ACTIONS)
    minister, firm, region = word(rng), word(rng) + " Metals", word(rng, 4)
    title = f"{country} announces {action} for {element} (notice {n})"
    paragraphs = [
        f"{country}'s ministry of industry announced {action} covering {element} and other rare earth elements "
        f"on day {n}, minister {minister} said in {region}.",
        f"The rare earth policy affects {firm}, which mines {element} ore near {region} and ships "
        f"{rng.randint(100, 9000)} tonnes of rare earth oxide a year to magnet makers.",
        f"Officials said the measure on {element} responds to export controls by other rare earth producers and "
        f"will be reviewed after {rng.randint(2, 24)} months; {firm} chief {word(rng)} welcomed the decision.",
        f"Analysts at {word(rng)} Capital expect {element} prices in {region} to move by {rng.randint(2, 40)} "
        "percent as the rare earths supply chain adjusts.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")
    return title, html


class QuietServer(ThreadingHTTPServer):
    """A killed client resets its connection: expected here, not worth a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class NewsSite:
    """A loopback site whose RSS feed lists every published article, newest first."""

    def __init__(self) -> None:
        self.published: list[int] = []
        self.feed_requests = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                status, kind, body = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self) -> None:
        with self.lock:
            self.published.append(len(self.published) + 1)

    def url(self, n: int) -> str:
        return f"{self.base_url}/a/{n}.html"

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/feed.rss":
            with self.lock:
                self.feed_requests += 1
                numbers = list(reversed(self.published))
            items = "".join(f"<item><title>{article(n)[0]}</title><link>{self.url(n)}</link></item>" for n in numbers)
            return 200, "application/rss+xml", f"<rss version='2.0'><channel><title>news</title>{items}</channel></rss>".encode()
        if path.startswith("/a/") and path.endswith(".html") and path[3:-5].isdigit():
            return 200, "text/html; charset=utf-8", article(int(path[3:-5]))[1].encode()
        return 404, "text/plain", b"not found"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FlakyHook:
    """A JSON webhook that refuses a share of deliveries (HTTP 500) and records what it accepted."""

    def __init__(self, failure_rate: float, seed: int) -> None:
        self.failure_rate, self.rng, self.received = failure_rate, random.Random(seed), []  # type: ignore[var-annotated]
        self.refused = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if hook.rng.random() < hook.failure_rate:
                    hook.refused += 1
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                hook.received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_config(folder: Path, site: NewsSite, hook: FlakyHook) -> Path:
    config = folder / "remon.toml"
    config.write_text(f"""
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 10
retries = 0
[[sources]]
name = "news"
kind = "feed"
url = "{site.base_url}/feed.rss"
[alerts]
console = false
backoff = 0
max_attempts = 100
timeout = 5
[[alerts.channels]]
name = "hook"
url = "{hook.url}"
""", encoding="utf-8")
    return config


@dataclass
class Figures:
    kills: int = 0
    finished_before_kill: int = 0
    killed_after_run_row: int = 0  # the kill came after the run had opened a `runs` row (crawl started)
    killed_after_store: int = 0  # ... after it had stored an article in that round
    killed_after_delivery: int = 0  # ... after the webhook had been called in that round
    clean_runs: int = 0
    published: int = 0
    pages_lost: int = 0
    duplicate_articles: int = 0
    alerts_repeated: int = 0
    alerts_lost: int = 0
    stories: int = 0
    alerts_delivered: int = 0
    deliveries_refused: int = 0
    runs_left_running: int = 0
    runs_killed: int = 0
    integrity: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return (self.pages_lost, self.duplicate_articles, self.alerts_repeated, self.alerts_lost,
                self.runs_left_running, self.integrity) == (0, 0, 0, 0, 0, "ok")


def remon_run(config: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config), "--quiet"],
                            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def progress_marks(db: Path, hook: FlakyHook) -> tuple[int, int, int]:
    """(runs rows, articles, webhook calls) so far: how far a killed round got."""
    if not db.exists():
        return 0, 0, hook.refused + len(hook.received)
    try:
        runs = query(db, "select count(*) from runs")[0][0]
        stored = query(db, "select count(*) from articles")[0][0]
    except sqlite3.OperationalError:  # killed before the schema was complete
        runs = stored = 0
    return runs, stored, hook.refused + len(hook.received)


def kill_rounds(config: Path, folder: Path, site: NewsSite, hook: FlakyHook, kills: int, max_delay: float,
                rng: random.Random, figures: Figures, progress: bool, anchored: bool = False) -> None:
    """`kills` rounds: publish an article, start `remon run`, SIGKILL it after a random delay.

    `anchored` counts the delay from the moment the crawl asks for the feed instead of from the
    start, so every kill lands in the crawl, store or delivery phase, none in interpreter start-up.
    """
    db = folder / "remon.db"
    for n in range(kills):
        site.publish()
        before = progress_marks(db, hook)
        feeds = site.feed_requests
        process = remon_run(config, folder)
        deadline = time.monotonic() + 120
        while anchored and site.feed_requests == feeds and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, max_delay))
        if process.poll() is not None:
            figures.finished_before_kill += 1
        else:
            process.send_signal(signal.SIGKILL)
        process.wait()
        figures.kills += 1
        after = progress_marks(db, hook)
        figures.killed_after_run_row += after[0] > before[0]
        figures.killed_after_store += after[1] > before[1]
        figures.killed_after_delivery += after[2] > before[2]
        if progress and (n + 1) % 50 == 0:
            print(f"  {n + 1} kills", file=sys.stderr, flush=True)


def clean_runs(config: Path, folder: Path, site: NewsSite, hook: FlakyHook, db: Path, limit: int = 6) -> int:
    """Runs with a reliable webhook until every article is stored and no alert is pending."""
    hook.failure_rate = 0.0
    for attempt in range(1, limit + 1):
        done = remon_run(config, folder)
        done.wait(timeout=600)
        stored = query(db, "select count(*) from articles")[0][0]
        pending = query(db, "select count(*) from alerts where status = 'pending'")[0][0]
        if stored >= len(site.published) and pending == 0:
            return attempt
    return limit


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=60) as conn:
        return conn.execute(sql).fetchall()


def check(db: Path, site: NewsSite, hook: FlakyHook, figures: Figures) -> None:
    """The counts that must all be zero (and integrity ok) after the kills and the clean runs."""
    stored = {row[0] for row in query(db, "select url from articles")}
    figures.published = len(site.published)
    figures.pages_lost = sum(site.url(n) not in stored for n in site.published)
    figures.duplicate_articles = (
        query(db, "select count(*) - count(distinct canonical_url) from articles")[0][0]
        + query(db, "select count(*) - count(distinct body_sha256) from raw_pages")[0][0])
    titles = dict(query(db, "select a.id, s.title from alerts a join stories s on s.id = a.story_id "
                            "where a.channel = 'hook' and a.kind = 'story'"))
    received: dict[str, int] = {}
    for message in hook.received:
        received[message.get("title", "")] = received.get(message.get("title", ""), 0) + 1
    wanted = {title for title in titles.values()}
    figures.stories = query(db, "select count(*) from stories")[0][0]
    figures.alerts_delivered = sum(received.values())
    figures.deliveries_refused = hook.refused
    figures.alerts_repeated = sum(count - 1 for title, count in received.items()
                                  if count > 1 and any(title.endswith(t) or t in title for t in wanted))
    unsent = query(db, "select count(*) from alerts where channel = 'hook' and status != 'sent'")[0][0]
    missing = sum(not any(t in title for title in received) for t in wanted)
    no_alert = query(db, "select count(*) from stories s where not exists (select 1 from alerts a "
                         "where a.story_id = s.id and a.channel = 'hook')")[0][0]
    figures.alerts_lost = unsent + missing + no_alert
    figures.runs_left_running = query(db, "select count(*) from runs where status = 'running'")[0][0]
    figures.runs_killed = query(db, "select count(*) from runs where status = 'killed'")[0][0]
    figures.integrity = query(db, "pragma integrity_check")[0][0]


def run_faults(kills: int, seed: int = 11, flaky: float = 0.3, max_delay: float = 4.0,
               folder: Path | None = None, progress: bool = False, anchored: bool = False) -> Figures:
    """The whole experiment in `folder` (a temporary one by default); returns the figures."""
    rng, figures, started = random.Random(seed), Figures(), time.monotonic()
    site, hook = NewsSite(), FlakyHook(flaky, seed)
    with tempfile.TemporaryDirectory(prefix="remon-faults-") as scratch:
        work = folder or Path(scratch)
        config = write_config(work, site, hook)
        try:
            kill_rounds(config, work, site, hook, kills, max_delay, rng, figures, progress, anchored)
            figures.clean_runs = clean_runs(config, work, site, hook, work / "remon.db")
            check(work / "remon.db", site, hook, figures)
        finally:
            site.close()
            hook.close()
    figures.seconds = time.monotonic() - started
    return figures


def report(figures: Figures) -> str:
    return "\n".join([
        f"kills: {figures.kills} SIGKILLs of `remon run` ({figures.finished_before_kill} runs had already ended), "
        f"then {figures.clean_runs} clean run(s); {figures.seconds:.0f} s",
        f"kill points: {figures.killed_after_run_row} after the run row opened, {figures.killed_after_store} after "
        f"an article was stored in that round, {figures.killed_after_delivery} after a delivery attempt",
        f"articles published: {figures.published}; stories: {figures.stories}; "
        f"webhook: {figures.alerts_delivered} accepted, {figures.deliveries_refused} refused on purpose",
        f"pages lost: {figures.pages_lost}",
        f"duplicate articles: {figures.duplicate_articles}",
        f"alerts repeated: {figures.alerts_repeated}",
        f"alerts lost: {figures.alerts_lost}",
        f"runs left running: {figures.runs_left_running} (closed as killed: {figures.runs_killed})",
        f"integrity_check: {figures.integrity}",
        "verdict: " + ("CLEAN" if figures.clean else "PROBLEMS"),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--flaky", type=float, default=0.3, help="share of deliveries the webhook refuses")
    parser.add_argument("--max-delay", type=float, default=4.0, help="kill within this many seconds of the start")
    parser.add_argument("--anchored", action="store_true", help="count the delay from the crawl's feed request")
    args = parser.parse_args()
    figures = run_faults(args.kills, args.seed, args.flaky, args.max_delay, progress=True, anchored=args.anchored)
    print(report(figures))
    return 0 if figures.clean else 1


if __name__ == "__main__":
    sys.exit(main())
