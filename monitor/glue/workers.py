"""The crawl's page workers: a small fork pool running `flow.prepare_page` on the other cores.

Extraction, cleaning and analysis are CPU-bound and need no archive, so the item pipeline
hands each page to a worker process and awaits the picklable result; the crawl process
stays the single SQLite writer (one transaction per page). Workers are forked when the
first page needs them, after the stages and the watchlist are loaded, so they inherit them
instead of loading them again; they die with their parent (PR_SET_PDEATHSIG on Linux). One
shared set of resources (archive connection, workers, watchlist) serves every crawler of
the process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from monitor.config.load import Config
from monitor.config.sections import DedupeConfig
from monitor.models import Page, Rejected
from monitor.run.lifeline import die_with_parent
from monitor.store.archive import open_archive
from monitor.store.transaction import crawl_commits

if TYPE_CHECKING:  # the stages load on the first page, not at import
    from monitor.flow import FlowContext, Prepared
    from monitor.stages.watchlist import Watchlist

log = logging.getLogger(__name__)

_INHERITED: tuple[Watchlist, DedupeConfig] | None = None  # set just before the fork; workers read it


def _worker_start() -> None:
    """A worker ignores Ctrl-C (its parent decides when to stop) and dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _prepare_inherited(page: Page) -> Prepared | Rejected:
    from monitor.flow import prepare_page

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
            self.pool.submit(int).result()  # fork every worker now, while the crawl process is in a known state

    async def prepare(self, page: Page) -> Prepared | Rejected:
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(_prepare_inherited, page))
            except BrokenProcessPool:
                log.error("page worker pool broke; preparing pages in the crawl process from now on")
                self.pool = None
        from monitor.flow import prepare_page

        return prepare_page(page, self.watchlist, self.dedupe)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class Shared:
    """The per-process resources every crawler's pipeline uses, counted so the last user closes them.

    The archive opens at once (run rows); the stages, watchlist and page workers only when the
    first page needs preparing, so a cycle that finds nothing new never imports them.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.archive = open_archive(config.db_path)
        crawl_commits(self.archive.db)
        self.users = 0
        self._flow: FlowContext | None = None
        self._workers: PageWorkers | None = None
        self._warming: threading.Thread | None = None

    def expect_pages(self) -> None:
        """Pages are on their way: load the stages in a thread now, so the first page does not stall the
        reactor for the seconds an import of trafilatura and friends takes (downloads keep going)."""
        if self._warming is None and self._flow is None:
            self._warming = threading.Thread(target=_load_stages, args=(self.config,), name="remon-warm-up",
                                             daemon=True)
            self._warming.start()

    def flow(self) -> FlowContext:
        """The flow context on this process's archive (built on first use)."""
        if self._flow is None:
            if self._warming is not None:
                self._warming.join()  # also before any fork: no thread may hold an import lock then
            from monitor.flow import context_on

            self._flow = context_on(self.archive, self.config)
        return self._flow

    def workers(self) -> PageWorkers:
        """The page workers, forked on first use (after the stages are imported, so they inherit them)."""
        if self._workers is None:
            context = self.flow()
            self._workers = PageWorkers(context.watchlist, context.dedupe, worker_count(self.config.crawl.workers))
        return self._workers

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
        self.archive.close()


def _load_stages(config: Config) -> None:
    from monitor.flow import watchlist_for

    watchlist_for(config)


_SHARED: dict[str, Shared] = {}


def acquire(config: Config, lazy: bool = False) -> Shared:
    """The process's shared archive and page workers for this database.

    The first user decides: `lazy` (a cycle's crawl process) loads the stages only once pages
    come, so a cycle that finds nothing new stays cheap; otherwise (a lone `scrapy crawl`) they
    load now, before the first download, so no request waits on an import.
    """
    key = str(config.db_path)
    shared = _SHARED.get(key)
    if shared is None:
        shared = _SHARED[key] = Shared(config)
        if not lazy:
            shared.flow()
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
        shared.close()


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
