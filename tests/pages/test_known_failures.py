"""The known-failure marker: exactly the declared (case, field) tests become strict xfails."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.pages.harness import load_cases
from tests.pages.known_failures import known_failures, mark_known_failures


class _Item:
    """The few attributes of a pytest item the marker reads."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        self.originalname = name
        self.name = name
        self.callspec = SimpleNamespace(params=params)
        self.markers: list[Any] = []

    def add_marker(self, marker: Any) -> None:
        self.markers.append(marker)


def _case(failures: dict[str, str] | None) -> SimpleNamespace:
    meta = {"url": "https://x.example/"} | ({"known_failures": failures} if failures is not None else {})
    return SimpleNamespace(id="article/sv-real-demo", meta=meta)


def test_only_declared_fields_are_marked_and_strictly() -> None:
    case = _case({"published_at": "class a: a <time> of another page"})
    items = [
        _Item("test_field", {"case": case, "field": "published_at"}),
        _Item("test_field", {"case": case, "field": "text"}),
        _Item("test_pages_without_a_date_get_none", {"case": case}),
        _Item("test_no_extra_fields", {"case": case}),
    ]
    assert mark_known_failures(items) == 2  # type: ignore[arg-type]
    marked = [bool(i.markers) for i in items]
    assert marked == [True, False, True, False]
    mark = items[0].markers[0].mark
    assert mark.name == "xfail" and mark.kwargs["strict"] is True
    assert "another page" in mark.kwargs["reason"]


def test_cases_without_declarations_are_untouched() -> None:
    items = [_Item("test_field", {"case": _case(None), "field": "text"})]
    assert mark_known_failures(items) == 0  # type: ignore[arg-type]
    assert not items[0].markers


def test_a_malformed_declaration_is_an_error() -> None:
    with pytest.raises(TypeError):
        known_failures(_case(["text"]))  # type: ignore[arg-type]


def test_every_declared_field_exists_in_the_case_and_only_sv_real_cases_declare() -> None:
    """A stale or misspelt field name would silently stop marking anything."""
    for case in load_cases():
        declared = known_failures(case)
        if not declared:
            continue
        assert case.name.startswith("sv-real-"), f"{case.id}: known_failures is for the issue 11 cases only"
        assert set(declared) <= set(case.expected), f"{case.id}: unknown fields {set(declared) - set(case.expected)}"
