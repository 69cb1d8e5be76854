"""Crawl benchmark: `remon run` beside a plain Scrapy + trafilatura + sqlite-utils spider, same run.

A loopback news site serves real article HTML (../shared/bench/article-extraction, 181 pages)
plus held-out texts of bench/data/relevance-heldout.jsonl in a plain template, listed by an
RSS feed, an Atom feed and a Google News sitemap (three remon sources; the plain spider
starts from the same three listings and lets Scrapy's duplicate filter drop repeats). Both
run with delay 0, AutoThrottle off and the same per-domain concurrency, into a fresh
database each round, alternating which goes first. Printed per round and as medians:
wall seconds, articles per second (the site's articles / wall time), the throughput ratio,
CPU seconds of the whole process tree and peak memory (summed PSS of the tree, sampled).
Then the cost of a no-op cycle: `remon run` again on the same database, nothing new.

    python bench/crawl.py [--rounds 3] [--heldout 120] [--workers 0] [--data DIR]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACTION = ROOT / ".." / "shared" / "bench" / "article-extraction"
HELDOUT = ROOT / "bench" / "data" / "relevance-heldout.jsonl"
CONCURRENCY = 8
STAMP = formatdate(time.time() - 3600, usegmt=True)

TEMPLATE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}"></head><body><header><nav><a href="/">Home</a>
<a href="/world">World</a><a href="/business">Business</a></nav></header><main><article><h1>{title}</h1>
<p class="byline">Staff reporter, {date}</p>{paragraphs}</article></main><footer>© Loopback News</footer>
</body></html>"""


# --- the site -------------------------------------------------------------------------------------------------

def site_pages(extraction: Path, heldout: int) -> dict[str, bytes]:
    """path -> HTML: the real benchmark pages as served, then held-out texts in the template."""
    pages: dict[str, bytes] = {}
    for index, path in enumerate(sorted((extraction / "html").glob("*.html.gz"))):
        pages[f"/news/{index:04d}.html"] = gzip.decompress(path.read_bytes())
    for index, line in enumerate(HELDOUT.read_text(encoding="utf-8").splitlines()[:heldout]):
        item = json.loads(line)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in item["text"].split("\n") if p.strip())
        pages[f"/world/{index:04d}.html"] = TEMPLATE.format(
            lang=item.get("language", "en"), title=html.escape(item["title"]), date=item.get("date") or "2025-01-01",
            paragraphs=paragraphs).encode("utf-8")
    return pages


def listings(base: str, paths: list[str]) -> dict[str, tuple[str, bytes]]:
    """The three listings of every article: RSS 2.0, Atom and a Google News sitemap."""
    rss = "".join(f"<item><title>Story {i}</title><link>{base}{p}</link><pubDate>{STAMP}</pubDate></item>"
                  for i, p in enumerate(paths))
    atom = "".join(f'<entry><title>Story {i}</title><link href="{base}{p}"/><id>{base}{p}</id>'
                   f"<updated>2026-01-01T00:00:00Z</updated></entry>" for i, p in enumerate(paths))
    news = "".join(f"<url><loc>{base}{p}</loc><news:news><news:publication><news:name>Loopback</news:name>"
                   f"<news:language>en</news:language></news:publication><news:publication_date>2026-01-01"
                   f"</news:publication_date><news:title>Story {i}</news:title></news:news></url>"
                   for i, p in enumerate(paths))
    return {
        "/rss.xml": ("application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback'
                     f"</title><link>{base}/</link>{rss}</channel></rss>".encode()),
        "/atom.xml": ("application/atom+xml", f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                      f"<title>Loopback</title><id>{base}/</id><updated>2026-01-01T00:00:00Z</updated>{atom}"
                      f"</feed>".encode()),
        "/news-sitemap.xml": ("application/xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                              'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                              f"{news}</urlset>".encode()),
        "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
    }


class Site:
    """A threaded loopback HTTP server with Last-Modified/ETag (304 on a conditional GET), like a news site."""

    def __init__(self, extraction: Path, heldout: int) -> None:
        self.pages = site_pages(extraction, heldout)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.files = {path: ("text/html; charset=utf-8", body) for path, body in self.pages.items()}
        self.files.update(listings(self.base, sorted(self.pages)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = site.files.get(self.path.split("?", 1)[0])
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                kind, body = found
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == STAMP:
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                for name, value in (("Content-Type", kind), ("Content-Length", str(len(body))), ("ETag", etag),
                                    ("Last-Modified", STAMP)):
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- measuring a process tree -----------------------------------------------------------------------------------

def tree_pss_kb(root: int) -> int:
    """Summed proportional set size (shared pages split among sharers) of a process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


@dataclass
class Measure:
    seconds: float
    cpu: float
    peak_mb: float
    pages: int


def measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[Measure, subprocess.CompletedProcess[str]]:
    """Run a command; wall time, CPU of its whole tree (RUSAGE_CHILDREN delta) and sampled peak PSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, tree_pss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return Measure(seconds, cpu, peak / 1024, 0), result


# --- the two contenders -----------------------------------------------------------------------------------------

REMON_CONFIG = """
[storage]
path = "data/remon.db"
[crawl]
delay = 0
autothrottle = false
concurrency_per_domain = {concurrency}
retries = 1
max_pages_per_source = 5000
workers = {workers}
[[sources]]
name = "rss"
kind = "feed"
url = "{base}/rss.xml"
[[sources]]
name = "atom"
kind = "feed"
url = "{base}/atom.xml"
[[sources]]
name = "news-sitemap"
kind = "sitemap"
url = "{base}/news-sitemap.xml"
"""


def run_remon(site: Site, folder: Path, workers: int) -> tuple[Measure, subprocess.CompletedProcess[str]]:
    (folder / "remon.toml").write_text(REMON_CONFIG.format(base=site.base, concurrency=CONCURRENCY,
                                                           workers=workers), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    measure, result = measured([sys.executable, "-m", "monitor", "run", "--quiet"], folder, env)
    if result.returncode != 0:
        raise SystemExit(f"remon run failed ({result.returncode}):\n{result.stderr[-3000:]}")
    measure.pages = count_rows(folder / "data" / "remon.db", "select sum(pages) from runs")
    return measure, result


def run_plain(site: Site, folder: Path) -> tuple[Measure, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(Path(__file__).resolve()), "--plain-spider", site.base, str(folder / "plain.db")]
    measure, result = measured(command, folder, env)
    if result.returncode != 0:
        raise SystemExit(f"plain spider failed ({result.returncode}):\n{result.stderr[-3000:]}")
    measure.pages = count_rows(folder / "plain.db", "select count(*) from pages")
    return measure, result


def count_rows(path: Path, query: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return int(db.execute(query).fetchone()[0] or 0)


def plain_spider(base: str, db_path: str) -> None:
    """The peer: one Scrapy spider, trafilatura on each page, one sqlite-utils insert per page."""
    import scrapy
    import sqlite_utils
    import trafilatura
    from scrapy.crawler import CrawlerProcess

    class Store:
        def open_spider(self) -> None:
            self.table = sqlite_utils.Database(db_path)["pages"]

        def process_item(self, item: dict[str, object]) -> dict[str, object]:
            self.table.insert(item, pk="url", replace=True)
            return item

    class PlainSpider(scrapy.Spider):
        name = "plain"
        start_urls = (f"{base}/rss.xml", f"{base}/atom.xml", f"{base}/news-sitemap.xml")

        def parse(self, response: scrapy.http.Response):  # type: ignore[no-untyped-def]
            response.selector.remove_namespaces()
            links = response.xpath("//item/link/text() | //entry/link/@href | //url/loc/text()").getall()
            for link in links:
                yield response.follow(link.strip(), self.parse_article)

        def parse_article(self, response: scrapy.http.Response):  # type: ignore[no-untyped-def]
            found = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True, as_dict=True)
            found = found if isinstance(found, dict) else {}
            yield {"url": response.url, "title": found.get("title"), "date": found.get("date"),
                   "text": found.get("text"), "fetched": time.time()}

    process = CrawlerProcess({"CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY, "DOWNLOAD_DELAY": 0,
                              "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True,
                              "TELNETCONSOLE_ENABLED": False, "ITEM_PIPELINES": {Store: 300}})
    process.crawl(PlainSpider)
    process.start()


# --- the run ----------------------------------------------------------------------------------------------------

def show(label: str, m: Measure, articles: int) -> None:
    print(f"  {label:<7} {m.seconds:6.2f} s  {articles / m.seconds:6.1f} articles/s  cpu {m.cpu:6.2f} s  "
          f"peak {m.peak_mb:6.0f} MB  ({m.pages} pages processed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=EXTRACTION, help="the article-extraction bench folder")
    parser.add_argument("--heldout", type=int, default=120, help="held-out texts added to the 181 real pages")
    parser.add_argument("--workers", type=int, default=0, help="remon crawl.workers (0 = one per core)")
    parser.add_argument("--plain-spider", nargs=2, metavar=("BASE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_spider:
        plain_spider(*args.plain_spider)
        return
    if not (args.data / "html").is_dir():
        raise SystemExit(f"skipped: {args.data} is absent (the shared bench pages sit beside the repo)")
    site = Site(args.data, args.heldout)
    articles = len(site.pages)
    print(f"loopback site: {articles} articles ({articles - args.heldout} real pages, {args.heldout} held-out "
          f"texts), 3 listings; delay 0, AutoThrottle off, {CONCURRENCY} per domain; {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f}")
    remon_runs, plain_runs, noops = [], [], []
    try:
        for round_ in range(args.rounds):
            work = Path(tempfile.mkdtemp(prefix="remon-crawl-bench-"))
            order = ("remon", "plain") if round_ % 2 == 0 else ("plain", "remon")
            print(f"round {round_ + 1} ({' then '.join(order)})")
            for who in order:
                if who == "remon":
                    (work / "remon").mkdir()
                    measure, _ = run_remon(site, work / "remon", args.workers)
                    remon_runs.append(measure)
                else:
                    (work / "plain").mkdir()
                    measure, _ = run_plain(site, work / "plain")
                    plain_runs.append(measure)
                show(who, measure, articles)
            noop, _ = run_remon(site, work / "remon", args.workers)
            noops.append(noop)
            print(f"  no-op remon cycle: {noop.seconds:.2f} s, cpu {noop.cpu:.2f} s, {noop.pages} pages")
            print(f"  throughput ratio remon/plain (same articles): {plain_runs[-1].seconds / remon_runs[-1].seconds:.2f}")
            shutil.rmtree(work, ignore_errors=True)
    finally:
        site.close()
    summarise(remon_runs, plain_runs, noops)


def summarise(remon_runs: list[Measure], plain_runs: list[Measure], noops: list[Measure]) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    ratios = [p.seconds / r.seconds for r, p in zip(remon_runs, plain_runs, strict=True)]
    print("medians")
    print(f"  remon  {median([m.seconds for m in remon_runs]):6.2f} s  cpu {median([m.cpu for m in remon_runs]):6.2f} s"
          f"  peak {median([m.peak_mb for m in remon_runs]):5.0f} MB")
    print(f"  plain  {median([m.seconds for m in plain_runs]):6.2f} s  cpu {median([m.cpu for m in plain_runs]):6.2f} s"
          f"  peak {median([m.peak_mb for m in plain_runs]):5.0f} MB")
    print(f"  throughput ratio remon/plain: {median(ratios):.2f}  (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"  no-op cycle (3 sources): {median([m.seconds for m in noops]):.2f} s wall, "
          f"cpu {median([m.cpu for m in noops]):.2f} s")


if __name__ == "__main__":
    main()
