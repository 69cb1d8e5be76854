"""The clock, one home: what time it is (UTC) and how remon writes a moment in the database and logs.

Pure stages never call it: they take `now` as a value, so tests pass a fixed one.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A moment as the ISO text stored in every `*_at` column (callers pass UTC), to the second."""
    return moment.isoformat(timespec="seconds")


def now_stamp() -> str:
    """`stamp(utc_now())`: the current moment as stored text."""
    return stamp(utc_now())
