"""Fast checks of the pure pieces behind the crawl tests: host matching, failure reasons.

Job-state repair is tested with the store that owns it: tests/unit/test_store_repair.py."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadFailedError, DownloadTimeoutError, IgnoreRequest
from twisted.python.failure import Failure

from crawler.middlewares.offsite import Refused, on_site
from crawler.spiders.base import classify_failure

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize("host,allowed,expected", [
    ("www.uppsala.se", {"uppsala.se"}, True),
    ("uppsala.se", {"www.uppsala.se"}, True),
    ("kommun.uppsala.se", {"www.uppsala.se"}, True),
    ("uppsala.se.evil.example", {"uppsala.se"}, False),
    ("notuppsala.se", {"uppsala.se"}, False),
    ("127.0.0.2", {"127.0.0.1"}, False),
    (None, {"uppsala.se"}, False),
])
def test_on_site(host: str | None, allowed: set[str], expected: bool) -> None:
    assert on_site(host, allowed) is expected


def reason(exc: Exception) -> str:
    return classify_failure(Failure(exc))


def test_failure_reasons_are_short_and_stable_on_scrapy_2_19() -> None:
    assert reason(DownloadTimeoutError("Getting http://x took longer than 1.0 seconds.")) == "timeout"
    assert reason(DownloadCancelledError("")) == "too_large"
    assert reason(DownloadFailedError("[<twisted.python.failure.Failure twisted.internet.error.ConnectionDone: "
                                      "Connection was closed cleanly.>]")) == "connection_dropped"
    assert reason(Refused("redirect_loop", "a → b → a")) == "redirect_loop"
    assert reason(IgnoreRequest("max redirections reached")) == "redirect_limit"
    assert reason(IgnoreRequest("robots.txt unreachable (http_503); RFC 9309 says disallow all")) == "robots_unreachable"
