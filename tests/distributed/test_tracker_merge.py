"""One status line for a source several workers crawled: their trackers merged (crawler/tracking.py)."""

from __future__ import annotations

from crawler.tracking import SourceTracker, merge_trackers, tracker_to_dict


def _tracker(**counts: int) -> SourceTracker:
    tracker = SourceTracker(org="o", kind="sitemap", url="http://x/sitemap.xml")
    for name, value in counts.items():
        setattr(tracker, name, value)
    return tracker


def test_counts_add_up_and_the_status_is_the_sources_as_a_whole() -> None:
    entry = _tracker(primary_ok=1, items=3)
    entry.notes.update({"listed": 10, "strategies": {"http://x/1": "sv"}, "removed": ["http://x/b"]})
    pages = _tracker(secondary_ok=4, items=4)
    pages.failure("http://x/c", "http_503", primary=False)
    pages.notes.update({"page_budget_reached": True, "removed": ["http://x/a"], "strategies": {"http://x/2": "ep"}})
    merged = merge_trackers([tracker_to_dict(entry), tracker_to_dict(pages)], "o", "sitemap", None)
    assert (merged.primary_ok, merged.secondary_ok, merged.secondary_failed, merged.items) == (1, 4, 1, 7)
    assert merged.notes == {"listed": 10, "page_budget_reached": True, "removed": ["http://x/a", "http://x/b"],
                            "strategies": {"http://x/1": "sv", "http://x/2": "ep"}}
    assert merged.failed_urls == {"http://x/c": "http_503"} and merged.url == "http://x/sitemap.xml"
    status = merged.status()
    assert status.status == "partial" and status.items == 7 and "http_503" in (status.error or "")
    # The worker that fetched the sitemap alone looks complete; the source as a whole is not.
    assert entry.status().status == "ok"


def test_the_first_error_does_not_depend_on_which_worker_finished_first() -> None:
    one = _tracker(primary_ok=1)
    one.failure("http://x/z", "timeout", primary=False)
    two = _tracker()
    two.failure("http://x/sitemap2.xml", "http_404", primary=True)
    snapshots = [tracker_to_dict(one), tracker_to_dict(two)]
    forward = merge_trackers(snapshots, "o", "sitemap", None)
    backward = merge_trackers(snapshots[::-1], "o", "sitemap", None)
    assert forward.first_error == backward.first_error == "primary http_404: http://x/sitemap2.xml"
    assert forward.status() == backward.status()
