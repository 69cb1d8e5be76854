"""Run one web source as a `scrapy crawl` subprocess (the Twisted reactor cannot restart in-process).

The child runs in our working directory (so a default config resolves the same way) with
SCRAPY_SETTINGS_MODULE and the project on its path, as `scrapy crawl` from the project
root would. The child writes its counts to the `runs` row named by `run_id` (or its own row); the parent
only gets the exit status and reads the row. The crawl stops itself after `crawl.max_seconds`
(Scrapy's CLOSESPIDER_TIMEOUT); a child still running a little later is stopped gracefully
(SIGTERM, so the pipeline still closes the row), killed after `schedule.stop_timeout`, and
dies with its parent (monitor.run.lifeline), so it never crawls on without the source lock.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from monitor.config.load import load_config
from monitor.exit_codes import ExitCode
from monitor.run.lifeline import parent_death_hook

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout (or site-packages) holding spiders/
OVERRUN_SECONDS = 60.0  # past crawl.max_seconds before the parent steps in (Scrapy closes itself first)


def crawl_command(kind: str, source: str, config_path: str | None, run_id: int | None,
                  settings: dict[str, str] | None = None) -> list[str]:
    """The `python -m scrapy crawl` argument list for one source."""
    command = [sys.executable, "-m", "scrapy", "crawl", kind, "-a", f"source={source}"]
    if config_path:
        command += ["-a", f"config={Path(config_path).resolve()}"]
    if run_id is not None:
        command += ["-s", f"MONITOR_RUN_ID={run_id}"]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return command


def crawl_environment() -> dict[str, str]:
    """The child's environment: our settings module and the project on the import path."""
    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = "monitor.glue.settings"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_crawl(config_path: str | None, source: str, run_id: int | None = None,
              timeout: float | None = None, settings: dict[str, str] | None = None,
              log_file: str | None = None) -> int:
    """Crawl one configured web source in a subprocess; returns its exit status (124 on timeout).

    `timeout` defaults to the source's `crawl.max_seconds` plus a minute of grace.

    The crawl's Scrapy log goes to `log_file`, by default `logs/<source>.log` beside the
    database, rewritten each run: failed requests are there with URL and reason.
    """
    config = load_config(config_path)
    command = crawl_command(config.source(source).kind, source, config_path, run_id, settings)
    log_path = Path(log_file) if log_file else config.db_path.parent / "logs" / f"{source}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command += ["-s", f"LOG_FILE={log_path}", "-s", "LOG_FILE_APPEND=False"]
    log.info("crawling %s: %s", source, " ".join(command[2:]))
    limit = timeout if timeout is not None else config.crawl.max_seconds + OVERRUN_SECONDS
    process = subprocess.Popen(command, env=crawl_environment(), stdin=subprocess.DEVNULL,
                               preexec_fn=parent_death_hook())  # dies with us: monitor.run.lifeline
    try:
        return process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        log.warning("crawl of %s passed its %.0fs timeout; stopping it", source, limit)
        process.terminate()
        try:
            process.wait(timeout=config.schedule.stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return ExitCode.TIMEOUT
