"""Known failures of fixture cases, declared in their meta.json, as strict xfails.

The ``sv-real-*`` cases (issue 11 §1) reproduce extraction failures of real Swedish
public sites; most of them fail on today's extractor, by design. A case lists the
fields it is known to get wrong under ``"known_failures": {"<field>": "<why>"}`` in its
``meta.json``; :func:`mark_known_failures` turns exactly those tests into
``xfail(strict=True)``:

* ``test_field[<case>::<field>]`` for each listed field;
* ``test_pages_without_a_date_get_none[<case>]`` when ``published_at`` is listed.

Strict means a fix shows up at once: the test then XPASSes, which fails the run until
the entry is deleted from the case's ``meta.json``. So the list shrinks as the
extractor improves and can never hide a regression on a field that passes today.
(``tests/pages/conftest.py`` calls this from ``pytest_collection_modifyitems``.)
"""

from __future__ import annotations

from typing import Any

import pytest

#: Tests whose one ``case`` parameter (and optional ``field``) identify the check.
_FIELD_TEST = "test_field"
_NO_DATE_TEST = "test_pages_without_a_date_get_none"


def known_failures(case: Any) -> dict[str, str]:
    """The case's declared known failures (field → reason); empty when none."""
    value = case.meta.get("known_failures") or {}
    if not isinstance(value, dict):
        raise TypeError(f"{case.id}: known_failures must be an object of field -> reason")
    return value


def _reason(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None or "case" not in callspec.params:
        return None
    case = callspec.params["case"]
    if not hasattr(case, "meta"):
        return None
    failures = known_failures(case)
    name = getattr(item, "originalname", item.name)
    if name == _FIELD_TEST:
        field = callspec.params.get("field")
        return failures.get(field) if field else None
    if name == _NO_DATE_TEST:
        return failures.get("published_at")
    return None


def mark_known_failures(items: list[pytest.Item]) -> int:
    """Mark every test of a declared known failure as a strict xfail; returns how many."""
    marked = 0
    for item in items:
        reason = _reason(item)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=f"known failure (issue 11): {reason}", strict=True))
            marked += 1
    return marked
