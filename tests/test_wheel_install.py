"""A new user's install: the built wheel, a fresh Python 3.11 venv with its bundled pip (not upgraded), no
checkout on the path; `remon run` stores the seeds and `remon serve` answers with the views and dashboard.

Slow (pip installs every dependency from the registry or its cache), so it runs once, as one test.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from loopback import free_port

REPO = Path(__file__).resolve().parents[1]
BASE_PYTHON = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"

pytestmark = pytest.mark.e2e


def run(command: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "REMON_CONFIG")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv outside the checkout holding the wheel built from this tree."""
    if not BASE_PYTHON.exists():
        pytest.skip(f"no base interpreter at {BASE_PYTHON}")
    work = tmp_path_factory.mktemp("wheel")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(REPO)], work)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((work / "dist").glob("remon-*.whl"))
    created = run([str(BASE_PYTHON), "-m", "venv", str(work / "venv")], work)
    assert created.returncode == 0, created.stderr
    pip_version = run([str(work / "venv/bin/python"), "-m", "pip", "--version"], work).stdout
    assert pip_version.startswith("pip "), pip_version
    done = run([str(work / "venv/bin/python"), "-m", "pip", "install", "-q", str(wheel)], work)
    assert done.returncode == 0, f"{pip_version}\n{done.stderr[-3000:]}"
    return work


def test_wheel_runs_the_seeds_and_serves_the_views(installed: Path) -> None:
    home = installed / "home"
    shutil.copytree(REPO / "seeds", home / "seeds")
    (home / "remon.toml").write_text('[[sources]]\nname = "seeds"\nkind = "seeds"\npath = "seeds"\n', "utf-8")
    remon = str(installed / "venv/bin/remon")

    result = run([remon, "run"], home, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(home / "data/remon.db") as db:
        assert db.execute("select count(*), sum(relevant) from articles").fetchone() == (5, 5)

    port = free_port()
    server = subprocess.Popen([remon, "serve", "--port", str(port)], cwd=home, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get(f"{base}/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "remon serve did not answer in 60 s"
                time.sleep(0.5)
        assert status == 200
        status, body = get(f"{base}/remon.json")
        assert status == 200
        views = {view["name"] for view in json.loads(body)["views"]}
        assert {"relevant_stories", "source_health"} <= views, views
        status, page = get(f"{base}/-/dashboards/trends")
        assert status == 200 and "trends" in page.lower()
    finally:
        server.terminate()
        server.wait(timeout=20)
