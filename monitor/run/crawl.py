"""Crawl processes: a cycle's web sources in one forked Scrapy process, or one source as `scrapy crawl`.

`crawl_cycle` forks one child per cycle that runs every due web source as a crawler of one
`CrawlerProcess` (one reactor; the Twisted reactor cannot restart, so it never runs in the
caller). The child inherits the stages already imported and the source locks the caller
holds, dies with its parent (PR_SET_PDEATHSIG) and writes each source's `runs` row.

`run_crawl` runs one source as a `scrapy crawl` subprocess (the scale-out worker and tests).
That child runs in our working directory (so a default config resolves the same way) with
SCRAPY_SETTINGS_MODULE and the project on its path, as `scrapy crawl` from the project
root would. The child writes its counts to the `runs` row named by `run_id` (or its own row); the parent
only gets the exit status and reads the row. The crawl stops itself after `crawl.max_seconds`
(Scrapy's CLOSESPIDER_TIMEOUT); a child still running a little later is stopped gracefully
(SIGTERM, so the pipeline still closes the row), killed after `schedule.stop_timeout`, and
dies with its parent (monitor.run.lifeline), so it never crawls on without the source lock.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor.clock import now_stamp
from monitor.config.load import Config, load_config
from monitor.exit_codes import ExitCode
from monitor.models import RunCounts
from monitor.run.lifeline import die_with_parent, parent_death_hook
from monitor.store.runs import finish_run

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


def cycle_settings(log_path: Path) -> Any:
    """The shared Scrapy settings of a cycle's crawl process: remon's settings module, one log file."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("monitor.glue.settings", priority="project")
    settings.setdict({"LOG_FILE": str(log_path), "LOG_FILE_APPEND": False, "LOG_INSTALL_ROOT_HANDLER": True},
                     priority="cmdline")
    return settings


def crawl_in_this_process(config: Config, jobs: list[tuple[str, int]], log_path: Path) -> None:
    """Run every (source, run id) as a crawler of one CrawlerProcess, `crawl.parallel_sources` at a time.

    A crawler that fails to start is logged and its run row closed as failed; the others go on.
    """
    # Imported here, near the bottom of the stack: at import it builds deprecated aliases with
    # inspect.stack(), which reads the source of every frame, costly deep inside the reactor.
    import scrapy.core.downloader.handlers.http11  # noqa: F401
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    from monitor.glue.workers import acquire, release

    settings = cycle_settings(log_path)
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor
    from twisted.internet.defer import DeferredList, DeferredSemaphore

    process = CrawlerProcess(settings)
    shared = acquire(config, lazy=True)  # one archive connection for every crawler; stages load with the first page
    gate = DeferredSemaphore(config.crawl.parallel_sources)

    stopping: list[bool] = []

    def mark_stopping() -> None:
        stopping.append(True)

    reactor.addSystemEventTrigger("before", "shutdown", mark_stopping)  # type: ignore[arg-type]

    def start(name: str, run_id: int) -> Any:
        if stopping:  # a stop request came while this source waited for its turn
            return None
        crawler = process.create_crawler(config.source(name).kind)
        crawler.settings.set("MONITOR_RUN_ID", run_id, priority="cmdline")
        return process.crawl(crawler, source=name, config=config.config_path)

    def failed(failure: Any, name: str, run_id: int) -> None:
        log.error("crawl of %s could not run: %s", name, failure.getErrorMessage())
        finish_run(shared.archive.db, run_id, RunCounts(errors=1), now_stamp(), 0.0, "failed",
                   f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def all_done(_: Any) -> None:
        if not stopping:
            reactor.stop()  # type: ignore[misc]  # twisted's reactor module is not typed as a reactor

    crawls = [gate.run(start, name, run_id).addErrback(failed, name, run_id) for name, run_id in jobs]

    DeferredList(crawls, consumeErrors=True).addBoth(all_done)
    try:
        process.start(stop_after_crawl=False)
    finally:
        release(config)


def _cycle_child(config: Config, jobs: list[tuple[str, int]], log_path: Path) -> None:
    """The forked crawl process: own process group, default signals, dies with `remon run`."""

    os.setpgid(0, 0)  # a terminal Ctrl-C reaches `remon run`, which asks this process to stop
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    die_with_parent(signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before PDEATHSIG was set
        os._exit(ExitCode.TIMEOUT)
    for handler in logging.root.handlers[:]:  # the crawl logs to its file, not to the user's console
        logging.root.removeHandler(handler)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    crawl_in_this_process(config, jobs, log_path)


def cycle_time_limit(config: Config, sources: int) -> float:
    """How long a cycle's crawl process may run: each batch of `parallel_sources` gets `crawl.max_seconds`."""
    batches = -(-sources // config.crawl.parallel_sources)
    return config.crawl.max_seconds * max(1, batches) + OVERRUN_SECONDS


def crawl_cycle(config: Config, jobs: list[tuple[str, int]], stop: Callable[[], bool],
                timeout: float | None = None) -> int:
    """Crawl the (source, run id) jobs in one forked crawl process; its exit status (124 on timeout).

    A stop request (or the timeout) sends the child SIGTERM, which closes its crawls after the
    current pages; it is killed if it does not exit within `schedule.stop_timeout`. The timeout defaults to
    `cycle_time_limit` (each source also closes itself after `crawl.max_seconds`). The log is
    `logs/crawl.log` beside the database, rewritten each cycle.
    """
    log_path = config.db_path.parent / "logs" / "crawl.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    child = multiprocessing.get_context("fork").Process(target=_cycle_child, args=(config, jobs, log_path),
                                                        name="remon-crawl", daemon=False)
    child.start()
    limit = timeout if timeout is not None else cycle_time_limit(config, len(jobs))
    deadline, kill_at, timed_out = time.monotonic() + limit, None, False
    while child.exitcode is None:
        child.join(0.1)
        now = time.monotonic()
        if kill_at is None and (stop() or now >= deadline):
            timed_out = now >= deadline
            log.warning("stopping the crawl process%s", " (timeout)" if timed_out else "")
            os.kill(child.pid, signal.SIGTERM)  # type: ignore[arg-type]
            kill_at = now + config.schedule.stop_timeout
        elif kill_at is not None and now >= kill_at:
            child.kill()
            child.join()
    code = child.exitcode
    return ExitCode.TIMEOUT if timed_out else (128 - code if code < 0 else code)
