"""R14: end-of-crawl monitors are pure functions of a stats dict and a tracker (synthetic stats, no crawl)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from crawler.monitors import (
    Thresholds,
    apply_checks,
    error_rate,
    finish_reason,
    item_count,
    kept_stats,
    rate_limited,
    retries_exhausted,
    review,
    run_checks,
    spider_exceptions,
)
from crawler.tracking import SourceTracker
from parity.core.records import SourceStatus

pytestmark = pytest.mark.timeout(10)

T = Thresholds()


def tracker(items: int = 10, ok: int = 11, failed: int = 0) -> SourceTracker:
    t = SourceTracker(org="o", kind="feed", url="http://x/feed")
    t.items, t.primary_ok, t.secondary_ok = items, 1, ok - 1
    t.secondary_failed = failed
    return t


def healthy_stats(**extra: Any) -> dict[str, Any]:
    return {"finish_reason": "finished", "item_scraped_count": 10, "downloader/response_status_count/200": 11,
            "downloader/request_count": 11, **extra}


def test_healthy_crawl_passes_every_check_fast() -> None:
    started = time.perf_counter()
    checks = run_checks(healthy_stats(), tracker(), T)
    assert time.perf_counter() - started < 1.0
    assert [c.name for c in checks if not c.passed] == []
    assert len(checks) == 6


@pytest.mark.parametrize("items,passed", [(0, False), (1, True), (5, True)])
def test_too_few_items_fails(items: int, passed: bool) -> None:
    assert item_count(healthy_stats(), tracker(items=items), T).passed is passed
    assert item_count(healthy_stats(), tracker(items=3), Thresholds(min_items=4)).passed is False


def test_item_count_is_not_checked_for_social_sources() -> None:
    assert item_count(healthy_stats(), tracker(items=0), Thresholds(web=False)).passed


def test_error_rate_fails_above_threshold() -> None:
    check = error_rate(healthy_stats(), tracker(ok=18, failed=2), T)
    assert not check.passed and "2 of 20" in check.message and "10.0 %" in check.message
    assert error_rate(healthy_stats(), tracker(ok=18, failed=2), Thresholds(max_error_rate=0.10)).passed
    assert not error_rate(healthy_stats(), tracker(ok=18, failed=3), Thresholds(max_error_rate=0.10)).passed


@pytest.mark.parametrize("reason,passed", [("finished", True), ("shutdown", False), ("closespider_timeout", False),
                                           (None, False)])
def test_finish_reason_other_than_finished_fails(reason: str | None, passed: bool) -> None:
    assert finish_reason(healthy_stats(finish_reason=reason), tracker(), T).passed is passed


def test_spider_exceptions_fail_and_are_named() -> None:
    stats = healthy_stats(**{"spider_exceptions/KeyError": 2, "spider_exceptions/ValueError": 1})
    check = spider_exceptions(stats, tracker(), T)
    assert not check.passed and check.message.startswith("3 spider exceptions") and "KeyError" in check.message


def test_too_many_429s_fail_as_warning() -> None:
    assert rate_limited(healthy_stats(**{"downloader/response_status_count/429": 10}), tracker(), T).passed
    check = rate_limited(healthy_stats(**{"downloader/response_status_count/429": 11}), tracker(), T)
    assert not check.passed and check.severity == "warning"
    assert not retries_exhausted(healthy_stats(**{"retry/max_reached": 1}), tracker(), T).passed


def test_failed_error_check_downgrades_ok_to_partial_and_names_it() -> None:
    ok = SourceStatus(org="o", kind="feed", url="http://x/feed", status="ok", items=0)
    status = apply_checks(ok, run_checks(healthy_stats(), tracker(items=0), T))
    assert status.status == "partial" and status.error is not None
    assert status.error.startswith("monitor item_count: 0 items, expected at least 1")


def test_warnings_alone_keep_the_source_ok() -> None:
    ok = SourceStatus(org="o", kind="feed", url="http://x/feed", status="ok", items=10)
    stats = healthy_stats(**{"downloader/response_status_count/429": 50, "retry/max_reached": 0})
    assert apply_checks(ok, run_checks(stats, tracker(), T)).status == "ok"


def test_failed_and_robots_blocked_sources_keep_their_state() -> None:
    for state in ("failed", "robots_blocked"):
        source = SourceStatus(org="o", kind="feed", url="u", status=state, error="why")
        after = apply_checks(source, run_checks(healthy_stats(finish_reason="shutdown"), tracker(items=0), T))
        assert after.status == state


def test_review_returns_failed_checks_and_kept_stats_for_the_store() -> None:
    ok = SourceStatus(org="o", kind="feed", url="u", status="ok", items=10)
    settings = {"PARITY_MONITOR_MIN_ITEMS": 20, "PARITY_MONITOR_FINISH_REASONS": ["finished"]}
    stats = healthy_stats(**{"memusage/max": 1, "retry/count": 3, "spider_exceptions/KeyError": 1})
    status, detail = review(ok, stats, tracker(items=10), settings)
    assert status.status == "partial"
    assert {m["name"] for m in detail["monitors"]} == {"item_count", "spider_exceptions"}
    assert detail["stats"]["retry/count"] == 3 and "memusage/max" not in detail["stats"]
    assert kept_stats({"finish_reason": "finished", "start_time": object()}) == {"finish_reason": "finished"}


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_monitors_turn_a_thin_crawl_into_partial_and_exit_4(tmp_path: Any) -> None:
    """A feed and a listing that answer 200 but list nothing (a redesign, a broken CMS): no accusation."""
    from tests.reliability.harness import ORG, latest_source_details, post, run_config, write_jsonl
    from tests.support.config import config_toml
    from tests.support.fault_plan import Plan, SitePlan
    from tests.support.faultserver import FaultServerProcess

    empty_feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Felby</title><link>http://x/</link>'
                  "<description>Nyheter</description></channel></rss>")
    empty_list = "<html lang='sv'><body><main><h1>Nyheter</h1><p>Inga nyheter just nu.</p></main></body></html>"
    site = SitePlan(pages=0, seed=141, custom={"/tom-feed.xml": {"body": empty_feed, "content_type": "application/rss+xml"},
                                                "/nyheter/": {"body": empty_list}})
    with FaultServerProcess(Plan(sites={"main": site}), tmp_path / "srv") as server:
        base = server.url()
        posts = write_jsonl(tmp_path / "posts.jsonl", [post(1, "Badet i Åsen stänger för säsongen.")])
        config = config_toml([{"id": ORG, "web": [{"type": "feed", "url": base + "/tom-feed.xml"},
                                                  {"type": "listing", "url": base + "/nyheter/", "follow": "/nyheter/"}],
                               "social": [{"platform": "file", "path": str(posts)}]}])
        result = run_config(tmp_path, config)
    assert result.code == 4, result.stderr[-2000:]
    web = {s["kind"]: s for s in result.sources() if s["kind"] in ("feed", "listing")}
    for kind in ("feed", "listing"):
        assert web[kind]["items"] == 0 and web[kind]["status"] == "partial", web[kind]
        assert "monitor item_count: 0 items, expected at least 1" in web[kind]["error"]
    assert result.verdicts() == {"mastodon:felby@social.example:1": "unverifiable"}
    details = {d["kind"]: d["detail"] for d in latest_source_details(result.store)}
    assert [m["name"] for m in details["feed"]["monitors"]] == ["item_count"]
