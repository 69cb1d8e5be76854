"""Schedule specs: one parser for what the config accepts and what the daemon runs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config.schedules import Cron, Every, parse_interval, parse_schedule


def test_intervals_and_cron() -> None:
    assert parse_schedule(" 45 s") == Every(45)
    assert parse_schedule("0  6 * *   1-5") == Cron("0 6 * * 1-5")
    assert parse_interval("0m") == Every(1)  # never a zero interval


@pytest.mark.parametrize("spec", ["", "1w", "every hour", "* * * *", "1h30m"])
def test_bad_specs_name_the_accepted_shapes(spec: str) -> None:
    with pytest.raises(ValueError, match="interval like"):
        parse_schedule(spec)


def test_deliver_interval_refuses_cron() -> None:
    with pytest.raises(ValueError, match="not an interval"):
        parse_interval("0 6 * * *")


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from("smhd"))
def test_every_interval_round_trips(count: int, unit: str) -> None:
    seconds = count * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert parse_schedule(f"{count}{unit}") == Every(seconds)
