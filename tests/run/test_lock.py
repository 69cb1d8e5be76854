"""Source and delivery locks: one holder at a time, a clear message for the second, released even by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alert_fixtures import REPO, wait_until

from monitor.run.locks import LockBusy, delivery_lock_path, hold, lock_dir, source_lock_path


def test_lock_paths_sit_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "data/remon.db"
    assert lock_dir(db) == tmp_path / "data/remon.db.locks"
    assert source_lock_path(db, "news.wire") == tmp_path / "data/remon.db.locks/source-news.wire.lock"
    assert source_lock_path(db, "a/b c") == tmp_path / "data/remon.db.locks/source-a_b_c.lock"
    assert delivery_lock_path(db) == tmp_path / "data/remon.db.locks/delivery.lock"


def test_second_holder_gets_a_message_naming_the_first(tmp_path: Path) -> None:
    path = source_lock_path(tmp_path / "remon.db", "wire")
    with hold(path, "source wire"), pytest.raises(LockBusy) as busy, hold(path, "source wire"):
        pass
    message = str(busy.value)
    assert message.startswith(f"source wire is locked by another remon process (pid {os.getpid()}, since ")
    with hold(path, "source wire"):  # free again once released
        assert path.read_text().startswith(f"pid {os.getpid()}, since ")


def test_a_waiting_holder_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    acquired = threading.Event()
    release = threading.Event()

    def first() -> None:
        with hold(path, "x"):
            acquired.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    acquired.wait(10)
    threading.Timer(0.5, release.set).start()
    with hold(path, "x", wait=30):
        entered = True
    thread.join()
    assert entered


def test_lock_dies_with_a_killed_holder(tmp_path: Path) -> None:
    path = tmp_path / "held.lock"
    code = (f"import sys, time; sys.path.insert(0, {str(REPO)!r}); from monitor.run.locks import hold; from pathlib import Path\n"
            f"with hold(Path({str(path)!r}), 'held'):\n    print('held', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy), hold(path, "held"):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
    wait_until(lambda: _free(path), timeout=10, what="the lock to be released")


def _free(path: Path) -> bool:
    try:
        with hold(path, "held"):
            return True
    except LockBusy:
        return False
