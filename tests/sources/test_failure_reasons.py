"""Which failed requests are errors (counted for source health) and under which short kind."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from twisted.python.failure import Failure

from monitor.glue.urlguard import RefusedRequest
from spiders.base import failure_reason, reason_key


def failed(error: Exception) -> Failure:
    failure = Failure(error)
    failure.request = Request("http://127.0.0.1/x")  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(("error", "key"), [
    (RefusedRequest("refused (loopback): 127.0.0.2 is a loopback address"), "refused/loopback"),
    (RefusedRequest("refused (redirect-loop): a redirects back to b"), "refused/redirect-loop"),
    (IgnoreRequest("max redirections reached"), "max-redirects"),
    (IgnoreRequest("Ignored response <200 http://x> because its body (9 B compressed, 99 B decompressed so far) "
                   "exceeded DOWNLOAD_MAXSIZE (10 B) during decompression."), "oversized"),
    (TimeoutError("took too long"), "TimeoutError"),
])
def test_refusals_loops_limits_and_oversize_are_errors(error, key):
    reason = failure_reason(failed(error))
    assert reason is not None and reason_key(reason) == key


@pytest.mark.parametrize("message", ["Forbidden by robots.txt", "Filtered offsite request to 'example.org'"])
def test_robots_and_offsite_are_not_errors(message):
    assert failure_reason(failed(IgnoreRequest(message))) is None
