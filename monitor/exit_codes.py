"""Exit statuses, one home: every command returns one of these, as the README's table documents."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a remon process tells its caller (shell, cron, systemd, the scheduler)."""

    OK = 0        # the command did its job; bad pages and unreachable sources are counted, not fatal
    FAULT = 1     # a fault stopped it
    USAGE = 2     # bad usage or configuration (the message names the file and key)
    LOCKED = 75   # EX_TEMPFAIL: another process holds the lock, try later
    TIMEOUT = 124  # a crawl outlived its time limit and was stopped (the `timeout` command's status)
