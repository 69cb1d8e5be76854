"""Start-up imports only what a command needs: no Scrapy, extraction or Redis for help and alert listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("scrapy", "twisted", "trafilatura", "redis", "scrapy_redis", "datasketch")
PROBE = """
import json, sys
from monitor.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def imported_by(args: list[str], cwd: Path) -> list[str]:
    """The heavy top-level packages a fresh interpreter has loaded after running `remon ARGS`."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], cwd=cwd, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    return list(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["serve", "--help"], ["alerts", "--help"]])
def test_help_imports_no_crawl_stack(args: list[str], tmp_path: Path) -> None:
    assert imported_by(args, tmp_path) == []


def test_listing_alerts_imports_no_crawler_or_redis(tmp_path: Path) -> None:
    (tmp_path / "remon.toml").write_text('[storage]\npath = "data/remon.db"\n', encoding="utf-8")
    loaded = imported_by(["alerts", "list"], tmp_path)
    assert not {"scrapy", "twisted", "redis", "scrapy_redis"} & set(loaded)


def test_spiders_import_scale_out_only_in_scale_out_mode(tmp_path: Path) -> None:
    # (datasketch, behind the dedupe stage, imports redis itself when it is installed: not ours to gate)
    probe = ("import sys, spiders.feeds, spiders.sitemaps, spiders.site; "
             "print(any(m in sys.modules for m in ('scrapy_redis', 'monitor.run.scaleout')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stdout.strip() == "False", result.stderr
