"""Field coverage over the real-page corpus (R13): title >= 0.99, date >= 0.95.

Spidermon-style rules, computed over every record the page objects extract
from the real pages in ../shared/reference: articles, feed entries and list
entries. A record counts for the date rule only where the page shows a date
(``has_date`` in the case's meta.json: event calendars print event dates
without a year and no publication date, and those must stay null).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.pages.harness import Case, load_cases, run_case

TITLE_FLOOR = 0.99
DATE_FLOOR = 0.95
REAL = [case for case in load_cases() if case.is_real]


def _records(case: Case, output: dict[str, Any]) -> list[dict[str, Any]]:
    if case.page_type == "article":
        return [output]
    if case.page_type in ("feed", "listing"):
        return list(output["entries"])
    return []


def _corpus(shared: Path) -> list[tuple[Case, dict[str, Any]]]:
    records: list[tuple[Case, dict[str, Any]]] = []
    for case in REAL:
        output = run_case(case.folder, shared)
        assert "error" not in output, f"{case.id}: real page failed: {output.get('error')}"
        records.extend((case, record) for record in _records(case, output))
    return records


def test_enough_real_pages_per_page_type(shared_dir: Path) -> None:
    counts = Counter(case.page_type for case in REAL)
    for page_type in ("article", "feed", "listing", "detect"):
        assert counts[page_type] >= 3, f"only {counts[page_type]} real {page_type} pages"


def test_title_coverage(shared_dir: Path) -> None:
    records = _corpus(shared_dir)
    assert len(records) >= 50
    with_title = sum(1 for _case, record in records if record.get("title"))
    assert with_title / len(records) >= TITLE_FLOOR, f"title coverage {with_title}/{len(records)}"


def test_date_coverage(shared_dir: Path) -> None:
    dated = [(case, record) for case, record in _corpus(shared_dir) if case.meta.get("has_date")]
    assert len(dated) >= 40
    with_date = sum(1 for _case, record in dated if record.get("published_at"))
    missing = [case.id for case, record in dated if not record.get("published_at")]
    assert with_date / len(dated) >= DATE_FLOOR, f"date coverage {with_date}/{len(dated)}; missing in {missing[:10]}"


@pytest.mark.parametrize("case", [c for c in REAL if not c.meta.get("has_date", True)], ids=lambda c: c.id)
def test_pages_without_a_date_get_none(case: Case, shared_dir: Path) -> None:
    """No invented dates: event days without a year must not become publication dates."""
    output = run_case(case.folder, shared_dir)
    for record in _records(case, output):
        assert record.get("published_at") is None, f"{case.id}: invented {record.get('published_at')}"


def test_has_date_is_declared_for_every_real_record_source() -> None:
    for case in REAL:
        if case.page_type in ("article", "feed", "listing"):
            assert "has_date" in case.meta, f"{case.id}: meta.json must say whether the page shows a date"
