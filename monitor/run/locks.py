"""Advisory file locks that keep two processes from crawling one source or delivering one outbox at once.

Locks are `flock` locks on small files beside the database (`<db>.locks/`), so the
kernel releases them when their holder dies, even by SIGKILL: a crash never leaves a
stale lock behind. The file holds the holder's pid and start time for the message a
second process shows.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.clock import now_stamp

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


class LockBusy(Exception):
    """Another process holds the lock; the message says who and since when."""

    def __init__(self, what: str, holder: str) -> None:
        super().__init__(f"{what} is locked by another remon process ({holder})")
        self.what = what
        self.holder = holder


def lock_dir(db_path: str | Path) -> Path:
    """The folder of lock files for one database."""
    path = Path(db_path)
    return path.with_name(path.name + ".locks")


def source_lock_path(db_path: str | Path, source: str) -> Path:
    """The lock file of one source: held while that source is crawled."""
    return lock_dir(db_path) / f"source-{re.sub(r'[^A-Za-z0-9_.-]', '_', source)}.lock"


def delivery_lock_path(db_path: str | Path) -> Path:
    """The lock file of the alert outbox: held while alerts are delivered, so none goes out twice."""
    return lock_dir(db_path) / "delivery.lock"


def schema_lock_path(db_path: str | Path) -> Path:
    """The lock file held while a process opens the database and applies migrations (first run races)."""
    return lock_dir(db_path) / "schema.lock"


SCHEMA_WAIT = 120.0


def _read_holder(handle: int) -> str:
    os.lseek(handle, 0, os.SEEK_SET)
    text = os.read(handle, 200).decode("utf-8", "replace").strip()
    return text or "holder unknown"


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def hold(path: Path, what: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock at `path` for the block; wait up to `wait` seconds, then raise LockBusy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise LockBusy(what, _read_holder(handle))
            time.sleep(POLL_SECONDS)
        since = now_stamp()
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"pid {os.getpid()}, since {since}".encode(), 0)
        log.debug("locked %s", what)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
