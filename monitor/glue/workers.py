"""The crawl's page workers: a small fork pool running `flow.prepare_page` on the other cores.

Extraction, cleaning and analysis are CPU-bound and need no archive, so the item pipeline
hands each page to a worker process and awaits the picklable result; the crawl process
stays the single SQLite writer (one transaction per page). Workers are forked before the
reactor starts, so they inherit the imported stages and the watchlist instead of loading
them again, and they die with their parent (PR_SET_PDEATHSIG on Linux). One shared set of
resources (workers, archive connection, watchlist) serves every crawler of the process.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from monitor.config.load import Config
from monitor.config.sections import DedupeConfig
from monitor.flow import FlowContext, Prepared, close_context, open_context, prepare_page, watchlist_for
from monitor.models import Page, Rejected
from monitor.stages.watchlist import Watchlist
from monitor.store.transaction import crawl_commits

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
_INHERITED: tuple[Watchlist, DedupeConfig] | None = None  # set just before the fork; workers read it


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send `sig` to this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - exotic libc
        log.debug("PR_SET_PDEATHSIG unavailable")


def _worker_start() -> None:
    """A worker ignores Ctrl-C (its parent decides when to stop) and dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _prepare_inherited(page: Page) -> Prepared | Rejected:
    assert _INHERITED is not None, "page workers must be forked after PageWorkers set the state"
    return prepare_page(page, *_INHERITED)


def worker_count(configured: int) -> int:
    """`crawl.workers`: 0 means one per core; 1 means in-process (no pool)."""
    return configured if configured > 0 else (os.cpu_count() or 1)


class PageWorkers:
    """prepare_page in a fork pool (or in-process with one worker); falls back in-process if the pool breaks."""

    def __init__(self, watchlist: Watchlist, dedupe: DedupeConfig, workers: int) -> None:
        global _INHERITED
        self.watchlist, self.dedupe = watchlist, dedupe
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _INHERITED = (watchlist, dedupe)
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_worker_start)
            self.pool.submit(int).result()  # fork every worker now, before the reactor starts threads

    async def prepare(self, page: Page) -> Prepared | Rejected:
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(_prepare_inherited, page))
            except BrokenProcessPool:
                log.error("page worker pool broke; preparing pages in the crawl process from now on")
                self.pool = None
        return prepare_page(page, self.watchlist, self.dedupe)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


@dataclass
class Shared:
    """The per-process resources every crawler's pipeline uses, counted so the last user closes them."""

    context: FlowContext
    workers: PageWorkers
    users: int = 0


_SHARED: dict[str, Shared] = {}


def acquire(config: Config) -> Shared:
    """The process's shared workers and archive for this database (opened on first use)."""
    key = str(config.db_path)
    shared = _SHARED.get(key)
    if shared is None:
        workers = PageWorkers(watchlist_for(config), config.dedupe,
                              worker_count(config.crawl.workers))  # forked before the archive is opened
        context = open_context(config)
        crawl_commits(context.archive.db)
        shared = _SHARED[key] = Shared(context, workers)
    shared.users += 1
    return shared


def release(config: Config) -> None:
    """One user fewer; the last one closes the archive and stops the workers."""
    key = str(config.db_path)
    shared = _SHARED.get(key)
    if shared is None:
        return
    shared.users -= 1
    if shared.users <= 0:
        del _SHARED[key]
        shared.workers.close()
        close_context(shared.context)


_CLAIMED: dict[str, set[str]] = {}


def claim_url(db_path: object, canonical: str) -> bool:
    """True for the first crawler of this process to ask for a URL; the cycle's other sources skip it.

    A cycle's feed, Atom feed and sitemap of one site list mostly the same articles: fetching and
    preparing each once is enough (the article is stored once anyway).
    """
    claimed = _CLAIMED.setdefault(str(db_path), set())
    if canonical in claimed:
        return False
    claimed.add(canonical)
    return True
