"""summary.json as ``parity report DIR`` reads it back: checked, so a damaged file is one line and exit 2.

The rebuild keeps an earlier run's facts (run id, clock, window, history, removed items,
organisation names) from summary.json. The file may have been edited, truncated or
replaced: it is read like every other input (``file:line: field: message``, exit 2), not
trusted into the template where a list in place of an object ended the run with a
traceback (exit 1). Fields the rebuild does not use are kept as they are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parity.core.jsonl import RecordError, loads_or_error
from parity.core.records import VerdictKind


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Org(_Open):
    id: str
    name: str | None = None
    parity_percent: float | None = None


class _Run(_Open):
    run_id: str | None = None
    started_at: str | None = None
    exit_code: int | None = None
    orgs: dict[str, float | None] = Field(default_factory=dict)
    counts: dict[str, dict[str, int] | None] = Field(default_factory=dict)


class _Change(_Open):
    post_id: str
    org: str | None = None
    from_: VerdictKind = Field(alias="from")
    to: VerdictKind


class _History(_Open):
    runs: list[_Run] = Field(default_factory=list)
    previous_run: str | None = None
    changes: list[_Change] = Field(default_factory=list)


class _Removed(_Open):
    id: str | None = None
    org: str | None = None
    url: str | None = None
    title: str | None = None
    removed_at: str | None = None


class SummaryFile(_Open):
    """The parts of summary.json a rebuild reads (everything else passes through unchecked)."""

    run_id: str | None = None
    generated_at: str | None = None
    config: str | None = None
    window_days: int | None = None
    grace_hours: float | None = None
    fail_under: float | None = Field(None, ge=0, le=100)
    orgs: list[_Org] = Field(default_factory=list)
    history: _History | None = None
    removed: list[_Removed] = Field(default_factory=list)


def read_summary(path: Path) -> dict[str, Any]:
    """summary.json as a dict (``{}`` when absent); :class:`RecordError` ``file:line: field: message`` otherwise."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecordError(f"{path}:1: (file): not UTF-8 text") from None
    except OSError as exc:
        raise RecordError(f"{path}: {exc.strerror or exc}") from None
    data = loads_or_error(text, f"{path}:1: (file)")
    if not isinstance(data, dict):
        raise RecordError(f"{path}:1: (file): expected a JSON object, found {type(data).__name__}")
    try:
        SummaryFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error.get("loc", ())]
        field = ".".join(loc) or "(file)"
        raise RecordError(f"{path}:{_line_of(text, loc[0] if loc else '')}: {field}: {error.get('msg')}") from None
    return data


def _line_of(text: str, key: str) -> int:
    """The line of the top-level ``"key":`` (summary.json is written indented), else 1."""
    if key:
        match = re.search(r'^ {0,2}"' + re.escape(key) + r'"\s*:', text, re.MULTILINE)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return 1
