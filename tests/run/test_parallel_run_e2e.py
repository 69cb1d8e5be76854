"""`remon run` crawls web sources in parallel into one database without losing or doubling a page."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_site import FixtureSite

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]

CONFIG = """
[storage]
path = "data/remon.db"
[crawl]
delay = 0
autothrottle = false
timeout = 2
retries = 0
parallel_sources = 4
[[sources]]
name = "seeds"
kind = "seeds"
path = "seeds"
[[sources]]
name = "rss"
kind = "feed"
url = "{BASE}/feeds/news.rss"
[[sources]]
name = "atom"
kind = "feed"
url = "{BASE}/feeds/atom.xml"
[[sources]]
name = "rdf"
kind = "feed"
url = "{BASE}/feeds/rss1.rdf"
[[sources]]
name = "maps"
kind = "sitemap"
url = "{BASE}/sitemap_index.xml"
"""


def test_parallel_sources_share_the_database(tmp_path: Path) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    with FixtureSite(slow_seconds=0.5) as site:
        (tmp_path / "remon.toml").write_text(CONFIG.format(BASE=site.base_url), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "monitor", "run"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
        fetched = site.paths()
    assert result.returncode == 0, result.stderr
    assert "database is locked" not in result.stderr and "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "data/remon.db") as db:
        runs = dict(db.execute("select source, status from runs").fetchall())
        urls = [u for (u,) in db.execute("select canonical_url from articles")]
        stored_by_source = dict(db.execute("select source, count(*) from articles group by source").fetchall())
    assert runs == {"seeds": "ok", "rss": "ok", "atom": "ok", "rdf": "ok", "maps": "ok"}
    assert len(urls) == len(set(urls))
    assert stored_by_source["seeds"] == 5 and sum(stored_by_source.values()) >= 8
    assert {u.split("127.0.0.1", 1)[-1].split("/", 1)[-1] for u in urls if u.startswith("http")} <= \
        {p.lstrip("/") for p in fetched}  # every stored web article was fetched in this run
    table = [line.split() for line in result.stdout.splitlines() if line.split()[:1] in (["rss"], ["TOTAL"])]
    assert len(table) == 2
