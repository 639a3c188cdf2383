"""One rule for a time without a zone, whichever part of the pipeline reads it."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.pages.dates import parse_datetime
from parity.core.records import Post, WebItem
from parity.core.timeutil import format_time, parse_time, to_utc

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("naive", "expected"),
    [
        ("2026-03-12T08:00:00", dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)),  # CET: UTC+1
        ("2026-07-01T08:30:00", dt.datetime(2026, 7, 1, 6, 30, tzinfo=UTC)),  # CEST: UTC+2
        ("2026-03-12T00:00:00", dt.datetime(2026, 3, 12, 0, 0, tzinfo=UTC)),  # a padded date
        ("2026-03-12", dt.datetime(2026, 3, 12, 0, 0, tzinfo=UTC)),
    ],
)
def test_records_and_page_dates_read_a_naive_time_the_same_way(naive: str, expected: dt.datetime) -> None:
    # Before the core owned this rule, records read naive times as UTC and page dates as
    # Stockholm time: a one- or two-hour shift in lag_hours and in ``late``.
    assert parse_time(naive) == expected
    assert parse_datetime(naive) == expected
    post = Post(id="p", org="o", platform="mastodon", published_at=naive)
    item = WebItem(id="w", org="o", source="page", published_at=naive)
    assert post.published_at == item.published_at == expected


def test_lag_between_naive_post_and_aware_page_counts_local_time() -> None:
    post = Post(id="p", org="o", platform="file", published_at="2026-03-12T10:00:00")
    page = WebItem(id="w", org="o", source="page", published_at="2026-03-12T09:00:00Z")
    assert post.published_at is not None and page.published_at is not None
    assert (page.published_at - post.published_at) == dt.timedelta(0)


def test_written_times_end_in_z() -> None:
    assert format_time(dt.datetime(2026, 3, 12, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))) == "2026-03-12T07:00:00Z"
    assert format_time(None) is None
    assert to_utc(None) is None


@pytest.mark.parametrize("bad", [1e30, -1e30, True, "not a time"])
def test_unreadable_times_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_time(bad)
