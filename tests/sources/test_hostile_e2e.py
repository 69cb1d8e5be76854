"""End-to-end: a hostile sitemap, feed, sitemap-index loop and seeds folder, all on loopback, through `remon run`.

The hostile site is the source's own host (127.0.0.1); a second server on 127.0.0.2 stands in
for an internal host and must see no request; a tarpit stands in for an FTP server that hangs.
One `remon run` crawls every hostile source, so the whole corpus costs a single cycle.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_site import FixtureSite
from hostile_site import HostileSite, Tarpit

pytestmark = pytest.mark.e2e

SECRET = "remon-secret-token-7f3a"
ARTICLE = ("<html lang='en'><head><title>China tightens rare earth export controls</title></head><body><article>"
           "<h1>China tightens rare earth export controls</h1>"
           + "<p>China's commerce ministry said exporters of dysprosium and terbium must apply for licences, "
             "and rare earth magnet makers expect delays in shipments to Japan and Europe this year.</p>" * 4
           + "</article></body></html>")


def urlset(*locs: str) -> str:
    items = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def index(*locs: str) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def feed(*links: str) -> str:
    items = "".join(f"<item><title>item {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.fixture
def hostile(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(f"alert url: json://hooks.example/{SECRET}\n", encoding="utf-8")
    with HostileSite("127.0.0.1") as site, HostileSite("127.0.0.2") as internal, Tarpit() as ftp:
        internal.route("/internal.html", ARTICLE, content_type="text/html")
        hidden = f"{internal.base_url}/internal.html"
        site.route("/news/ok.html", ARTICLE, content_type="text/html")
        site.route("/to-file", "", status=302, Location=f"file://{secret}")
        site.route("/to-internal", "", status=302, Location=hidden)
        site.route("/loop-a", "", status=302, Location="/loop-b")
        site.route("/loop-b", "", status=302, Location="/loop-a")
        for n in range(8):  # a chain longer than crawl.max_redirects (5)
            site.route(f"/hop{n}", "", status=302, Location=f"/hop{n + 1}")
        site.route("/big.html", "<p>" + "rare earth " * 6_000 + "</p>", content_type="text/html")
        site.route("/bomb.xml.gz", gzip.compress(b"<urlset>" + b" " * 10_000_000), content_type="application/gzip")
        site.route("/sitemap.xml", urlset(
            "file:///etc/passwd", f"file://{secret}", "data:text/html,<p>" + SECRET + "</p>",
            f"ftp://127.0.0.1:{ftp.port}/pub/notice.html", hidden, "//169.254.169.254/latest/meta-data/",
            "{BASE}/to-file", "{BASE}/to-internal", "{BASE}/loop-a", "{BASE}/hop0", "{BASE}/big.html",
            "{BASE}/news/ok.html"))
        site.route("/feed.rss", feed(f"file://{secret}", "data:,hello", "//169.254.169.254/latest/meta-data/",
                                     hidden, f"http://[::ffff:127.0.0.2]:{internal.base_url.rsplit(':', 1)[1]}/x"),
                   content_type="application/rss+xml")
        site.route("/index-a.xml", index("{BASE}/index-b.xml"))
        site.route("/index-b.xml", index("{BASE}/index-a.xml"))
        site.route("/empty.xml", b"")
        yield site, internal, ftp, secret


def write_config(tmp_path: Path, site: HostileSite, secret: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "passwd.txt").symlink_to("/etc/passwd")
    (seeds / "secret.txt").symlink_to(secret)
    (seeds / "huge.txt").write_text("rare earth 1,000 tonnes. " * 2_000, encoding="utf-8")
    (seeds / "note\u202etxt.md").write_text("# Rare earth note\n\nChina rare earth export quota rises.\n",
                                            encoding="utf-8")
    base = site.base_url
    config = tmp_path / "remon.toml"
    config.write_text(f"""
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 3
retries = 0
max_seconds = 60
max_page_bytes = 20000
[seeds]
max_bytes = 20000
[[sources]]
name = "map"
kind = "sitemap"
url = "{base}/sitemap.xml"
[[sources]]
name = "feed"
kind = "feed"
url = "{base}/feed.rss"
[[sources]]
name = "loop"
kind = "sitemap"
url = "{base}/index-a.xml"
[[sources]]
name = "empty"
kind = "sitemap"
url = "{base}/empty.xml"
[[sources]]
name = "bomb"
kind = "sitemap"
url = "{base}/bomb.xml.gz"
[[sources]]
name = "local"
kind = "seeds"
path = "seeds"
""", encoding="utf-8")
    return config


def rows(db: Path, sql: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql)]


def test_hostile_listings_and_seeds_read_no_local_file_reach_no_internal_host_and_end(tmp_path, hostile):
    site, internal, ftp, secret = hostile
    config = write_config(tmp_path, site, secret)
    done = subprocess.run([sys.executable, "-m", "monitor", "run", "--config", str(config), "--no-alerts"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    db = tmp_path / "remon.db"

    # no local file's content is stored (or can be served: serve only reads these tables)
    for table, column in (("raw_pages", "url"), ("articles", "url"), ("articles", "text")):
        for row in rows(db, f"select {column} as value from {table}"):
            assert not str(row["value"]).startswith(("file:/etc", f"file://{secret}", "data:", "ftp:"))
            assert SECRET not in str(row["value"]) and "root:x:0:0" not in str(row["value"])
    assert not any("passwd" in r["url"] or "secret" in r["url"] for r in rows(db, "select url from raw_pages"))
    assert "/news/ok.html" in site.paths()  # the honest entry is still fetched

    # no request reached the internal host, the FTP tarpit or the metadata address
    assert internal.paths() == [] and ftp.accepted == 0
    # the index loop cost a handful of requests: each index once
    assert site.paths().count("/index-a.xml") == 1 and site.paths().count("/index-b.xml") == 1

    runs = {r["source"]: r for r in rows(db, "select * from runs")}
    reasons = {name: json.loads(run["reasons"] or "{}") for name, run in runs.items()}
    # a URL both the sitemap and the feed list (the metadata address, the internal page) is requested, and
    # refused, once per cycle by whichever source reaches it first; the sitemap's own hostile entries are its own
    assert runs["map"]["status"] == "ok" and runs["map"]["errors"] >= 7
    assert {"refused/scheme", "refused/loopback", "refused/redirect-loop"} <= set(reasons["map"])
    assert reasons["map"]["refused/scheme"] >= 5  # file x2, data, ftp, 302 -> file
    assert reasons["map"]["refused/loopback"] >= 1  # through a 302 (the direct link may be the feed's)
    assert reasons["map"]["refused/loopback"] + reasons["feed"]["refused/loopback"] == 3  # direct, 302, IPv4-mapped
    assert reasons["map"]["max-redirects"] == 1 and reasons["map"]["oversized"] == 1
    assert reasons["bomb"] == {"oversized": 1}  # 10 KB of gzip, 10 MB inflated: cut at max_page_bytes, counted
    # feeds drop file:/data: links at parse; the feed's own IPv4-mapped internal link is surely its own
    assert set(reasons["feed"]) <= {"refused/metadata", "refused/loopback"} and reasons["feed"]["refused/loopback"] >= 1
    assert reasons["feed"].get("refused/metadata", 0) + reasons["map"].get("refused/metadata", 0) == 1
    assert reasons["loop"] == {"listing-loop": 1} and runs["loop"]["errors"] == 1
    assert "listing-unparsable" in reasons["empty"] and runs["empty"]["errors"] == 1
    assert "listing loop" in runs["loop"]["error"]

    # seeds: symlinks out of the folder and the oversized file are reported, counted and not read
    assert runs["local"]["errors"] == 3 and runs["local"]["pages"] == 1  # only the note was read
    for name in ("passwd.txt: not read (links outside the seeds folder", "secret.txt: not read (links outside",
                 "huge.txt: not read (50000 bytes, larger than seeds.max_bytes (20000))"):
        assert name in done.stdout
    assert "\u202e" not in done.stdout and "note" in done.stdout  # bidi override stripped from console lines


def test_sitemap_index_depth_and_listing_cap_are_bounded(tmp_path):
    with HostileSite("127.0.0.1") as site:
        for n in range(8):  # a chain of indexes 8 deep, each also listing 3 fresh sitemaps
            site.route(f"/i{n}.xml", index(f"{{BASE}}/i{n + 1}.xml", *(f"{{BASE}}/s{n}-{k}.xml" for k in range(3))))
        config = tmp_path / "remon.toml"
        config.write_text(f"""
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 3
retries = 0
max_listing_depth = 2
max_listing_requests = 6
[[sources]]
name = "deep"
kind = "sitemap"
url = "{site.base_url}/i0.xml"
""", encoding="utf-8")
        from monitor.run.crawl import run_crawl

        assert run_crawl(str(config), "deep", timeout=90, log_file=str(tmp_path / "deep.log")) == 0
        listings = [p for p in site.paths() if p.endswith(".xml")]
        assert len(listings) == 6  # the cap, not the 30 listed
        run = rows(tmp_path / "remon.db", "select * from runs")[0]
        reasons = json.loads(run["reasons"])
        assert reasons.get("listing-cap") == 1 and "http-404" in reasons  # s*.xml do not exist
        assert run["status"] == "ok"


def test_crawl_stops_itself_after_max_seconds(tmp_path):
    with FixtureSite(slow_seconds=3.0) as site:
        config = tmp_path / "remon.toml"
        sitemap = urlset(*(f"{site.base_url}/slow/report-{n}.html" for n in range(40)))
        with HostileSite("127.0.0.1", {"/sitemap.xml": (200, {"Content-Type": "application/xml"},
                                                         sitemap.encode())}) as listing:
            config.write_text(f"""
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 30
retries = 0
max_seconds = 2
[[sources]]
name = "slowpoke"
kind = "sitemap"
url = "{listing.base_url}/sitemap.xml"
allow_private = true
""", encoding="utf-8")
            from monitor.run.crawl import run_crawl

            run_crawl(str(config), "slowpoke", timeout=60, log_file=str(tmp_path / "slow.log"))
        run = rows(tmp_path / "remon.db", "select * from runs")[0]
        assert (run["status"], run["error"]) == ("failed", "crawl stopped: closespider_timeout")
        assert run["seconds"] < 20
