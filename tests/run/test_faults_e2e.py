"""The short fault-injection run: random SIGKILLs of `remon run`, then clean runs lose and repeat nothing.

The full experiment (1,000 kills) is `bench/faults.py`; this is the same code with fewer rounds. Each
kill is anchored on the crawl's feed request (then a random 0-2.5 s), so it lands while pages are
fetched, stored or alerts delivered rather than during interpreter start-up; a round costs one
`remon run` start-up (seconds on a loaded machine), which is why the suite runs 6 rounds, not 30.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from faults import report, run_faults  # bench/ is not a package

pytestmark = pytest.mark.e2e


def test_random_sigkills_lose_nothing_and_repeat_nothing(tmp_path):
    figures = run_faults(kills=6, seed=7, flaky=0.3, max_delay=2.5, folder=tmp_path, anchored=True)
    print(report(figures))
    assert figures.kills == 6 and figures.published == 6 and figures.killed_after_run_row >= 3
    assert (figures.pages_lost, figures.duplicate_articles) == (0, 0)
    assert (figures.alerts_repeated, figures.alerts_lost) == (0, 0)
    assert figures.runs_left_running == 0 and figures.integrity == "ok"
    assert figures.stories >= 1 and figures.alerts_delivered >= figures.stories
