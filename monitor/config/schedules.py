"""Schedule specs, one home: '30s', '30m', '6h', '1d' or a 5-field cron expression, parsed once.

Config validation and the scheduler daemon both read specs through `parse_schedule`, so what the
config accepts is exactly what the daemon runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d+)\s*([smhd])")


@dataclass(frozen=True)
class Every:
    """A fixed interval between run starts."""

    seconds: int


@dataclass(frozen=True)
class Cron:
    """A 5-field cron expression, evaluated in UTC."""

    expression: str


Schedule = Every | Cron


def parse_interval(spec: str) -> Every:
    """'30s', '30m', '6h' or '1d'; ValueError names the accepted shapes."""
    match = _INTERVAL.fullmatch(spec.strip())
    if not match:
        raise ValueError(f"{spec!r} is not an interval like '30s', '30m', '6h', '1d'")
    return Every(max(1, int(match.group(1)) * UNITS[match.group(2)]))


def parse_schedule(spec: str) -> Schedule:
    """An interval or a 5-field cron expression; ValueError for anything else."""
    if _INTERVAL.fullmatch(spec.strip()):
        return parse_interval(spec)
    if len(spec.split()) == 5:
        return Cron(" ".join(spec.split()))
    raise ValueError(f"{spec!r} is not an interval like '30m', '6h', '1d' or a 5-field cron expression")
