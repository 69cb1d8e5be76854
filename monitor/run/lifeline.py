"""Child processes that die with their parent: a SIGKILLed `remon run` leaves no crawl running on unlocked.

The source lock is an flock held by the parent, so the kernel frees it the moment the
parent dies — even by SIGKILL. A crawl child that outlived it would then overlap the next
run's crawl of the same source. `die_with_parent` (a `preexec_fn`) asks Linux to SIGKILL the
child when its parent goes (PR_SET_PDEATHSIG), and exits at once if the parent is already
gone. Elsewhere (no prctl) it does nothing, and the parent's own timeout still applies.

Linux sends the signal when the *thread* that forked the child ends, so the caller must
keep waiting for the child in the thread that started it (as `run_crawl` does).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    function: Callable[..., int] = libc.prctl
    return function


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send `sig` to this running process when its parent dies (no-op where prctl is missing).

    For processes Python forks itself (the cycle's crawl process, page workers), where there is no
    exec and so no `preexec_fn`.
    """
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def parent_death_hook() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child die with this process (None where Linux prctl is missing).

    Everything is looked up before the fork: between fork and exec the child only calls prctl,
    getppid and _exit, which take no Python-level locks another thread could hold.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()
    kill = int(signal.SIGKILL)

    def die_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, kill, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return die_with_parent
