"""Every fixture case, field by field, plus "no extra fields" (web-poet style).

Cases live in ``tests/fixtures/<page type>/<case>/``; see ``harness.py``.
Real pages are read from ``../shared/reference`` (never copied here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pages.harness import RUNNERS, Case, load_cases, mismatch, run_case

CASES = load_cases()


def _field_params() -> list[Any]:
    params: list[Any] = []
    for case in CASES:
        for field in case.expected:
            params.append(pytest.param(case, field, id=f"{case.id}::{field}"))
    return params


def test_fixture_layout_is_complete(shared_dir: Path) -> None:
    """Every case has an expected.json, a known page type and exactly one input."""
    assert CASES, "no fixture cases found"
    for case in CASES:
        assert case.page_type in RUNNERS, f"{case.id}: unknown page type"
        assert (case.folder / "expected.json").is_file(), f"{case.id}: expected.json missing"
        if case.is_real:
            assert case.meta["source"].startswith("reference/"), (
                f"{case.id}: source must point into ../shared/reference"
            )
            assert not any(p.name.startswith("body.") for p in case.folder.iterdir()), (
                f"{case.id}: real pages are read from ../shared, never copied into the repo"
            )
            assert case.body_path(shared_dir).is_file(), f"{case.id}: missing {case.meta['source']}"
        case.body_path()  # raises when the input is missing or ambiguous


@pytest.mark.parametrize(("case", "field"), _field_params())
def test_field(case: Case, field: str, shared_dir: Path) -> None:
    if case.is_real:
        assert (shared_dir / case.meta["source"]).is_file(), f"missing reference file {case.meta['source']}"
    actual = run_case(case.folder, shared_dir)
    if field not in actual:
        pytest.fail(f"{case.id}: no field {field!r} in output (fields: {sorted(actual)})")
    problem = mismatch(case.expected[field], actual[field])
    assert problem is None, f"{case.id}: {field}: {problem}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_extra_fields(case: Case, shared_dir: Path) -> None:
    actual = run_case(case.folder, shared_dir)
    assert sorted(actual) == sorted(case.expected), f"{case.id}: output fields differ from expected.json"
