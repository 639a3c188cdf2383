"""Fast checks of the pure pieces behind the crawl tests: job-state repair, host matching, failure reasons."""

from __future__ import annotations

import sqlite3

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadFailedError, DownloadTimeoutError, IgnoreRequest
from twisted.python.failure import Failure

from crawler.jobstate import repair_job_state
from crawler.ledger import SCHEMA
from crawler.middlewares.offsite import Refused, on_site
from crawler.spiders.base import classify_failure

pytestmark = pytest.mark.timeout(10)


def ledger_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(SCHEMA)
    for n, (state, context) in enumerate([("done", '{"cb": "article"}'), ("todo", None), ("done", "{broken"),
                                          ("exploded", None), ("failed", "[1, 2]"), ("doing", "")]):
        db.execute("INSERT INTO crawl_ledger (source_key, url, kind, state, run_id, context, first_seen_at, updated_at)"
                   " VALUES ('s', ?, 'page', ?, 'r', ?, 't', 't')", (f"u{n}", state, context))
    return db


def test_job_state_repair_drops_unreadable_rows_only() -> None:
    db = ledger_db()
    warnings = repair_job_state(db)
    assert len(warnings) == 1 and "3 unreadable rows" in warnings[0]
    assert sorted(r[0] for r in db.execute("SELECT url FROM crawl_ledger")) == ["u0", "u1", "u5"]
    assert repair_job_state(db) == []  # repaired state stays quiet


def test_job_state_repair_replaces_a_table_of_the_wrong_shape() -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("CREATE TABLE crawl_ledger (junk BLOB)")
    db.execute("CREATE TABLE crawl_runs (run_id TEXT, started_at TEXT, finished_at TEXT, status TEXT, resumed_from TEXT)")
    db.execute("CREATE TABLE web_items (id TEXT)")
    db.execute("INSERT INTO web_items VALUES ('kept')")
    warnings = repair_job_state(db)
    assert len(warnings) == 1 and "crawl_ledger" in warnings[0]
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"crawl_runs", "web_items"}
    assert db.execute("SELECT id FROM web_items").fetchall() == [("kept",)]


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
