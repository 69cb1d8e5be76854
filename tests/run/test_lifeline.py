"""A crawl child dies with its parent: SIGKILL the process running `run_crawl`, and the scrapy child is gone too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixture_site import FixtureSite

from monitor.run.lifeline import parent_death_hook

pytestmark = pytest.mark.e2e


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.skipif(parent_death_hook() is None, reason="PR_SET_PDEATHSIG is Linux-only")
def test_scrapy_child_dies_when_the_parent_is_sigkilled(tmp_path):
    with FixtureSite(slow_seconds=3.0) as site:
        config = tmp_path / "remon.toml"
        config.write_text(f"""
[storage]
path = "remon.db"
[crawl]
delay = 0
autothrottle = false
concurrency_per_domain = 1
[[sources]]
name = "slow"
kind = "site"
urls = {[f"{site.base_url}/slow/{n}.html" for n in range(20)]}
""", encoding="utf-8")
        parent = subprocess.Popen([sys.executable, "-c", "import sys; from monitor.run.crawl import run_crawl; "
                                   "run_crawl(sys.argv[1], 'slow', log_file=sys.argv[2])", str(config),
                                   str(tmp_path / "slow.log")], cwd=tmp_path)
        try:
            assert wait_for(lambda: children(parent.pid), 30), "the crawl child never started"
            child = children(parent.pid)[0]
            assert wait_for(lambda: any(p.startswith("/slow/") for p in site.paths()), 60)  # it is crawling
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)
            assert wait_for(lambda: not alive(child), 5), "the crawl child outlived its parent"
        finally:
            parent.kill()


def test_hook_exits_at_once_when_the_parent_is_already_gone():
    hook = parent_death_hook()
    if hook is None:
        pytest.skip("PR_SET_PDEATHSIG is Linux-only")
    # a grandchild started by a parent that exits immediately: the hook sees the new parent and exits
    script = ("import os, subprocess, sys\nfrom monitor.run.lifeline import parent_death_hook\n"
              "hook = parent_death_hook()\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'], preexec_fn=hook)\n"
              "print(child.pid, flush=True)\nos._exit(0)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True)
    grandchild = int(done.stdout.split()[0])
    assert wait_for(lambda: not alive(grandchild), 5)
