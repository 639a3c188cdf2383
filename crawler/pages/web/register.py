"""An organisation's register of what it published off the web (CSV or JSONL) → :class:`RegisterEntry`.

Written form is wider than the web: printed newsletters, notices in the local
paper, posters. These files are typed by people, usually in Excel, so the
reader expects Swedish Excel habits: ``;`` as separator, windows-1252 when
saved as "CSV" rather than "CSV UTF-8", a BOM when saved as "CSV UTF-8".
A bad row stops the read with ``file:line: field: message``; a silently
skipped row would look like a missing publication.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from crawler.pages.dates import parse_datetime
from crawler.pages.tabular import csv_rows, decode_table, describe_header
from crawler.pages.text import normalize_space
from crawler.pages.types import PageError, RegisterEntry
from parity.core.jsonl import json_problem

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("title", "text", "published_at", "channel")
OPTIONAL_COLUMNS = ("url", "id")
MAX_FILE_BYTES = 200 * 1024 * 1024


def decode_register(data: bytes, where: str) -> tuple[str, str]:
    """``(text, encoding)`` of a register file (see :func:`crawler.pages.tabular.decode_table`)."""
    return decode_table(data, where)


def _fail(where: str, line: int, field: str, message: str) -> PageError:
    return PageError(f"{where}:{line}", f"{field}: {message}")


def _entry(where: str, line: int, row: dict[str, Any], encoding: str) -> RegisterEntry:
    def text_field(name: str) -> str | None:
        value = row.get(name)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)):
            raise _fail(where, line, name, f"expected text, got {type(value).__name__}")
        return normalize_space(str(value)) or None

    title = text_field("title")
    raw_text = row.get("text")
    # keep the writer's line breaks (a multi-line cell is paragraphs), tidy each line
    text = (
        "\n".join(normalize_space(line) for line in str(raw_text).splitlines() if line.strip())
        if isinstance(raw_text, (str, int, float))
        else ""
    )
    if raw_text is not None and not isinstance(raw_text, (str, int, float)):
        raise _fail(where, line, "text", f"expected text, got {type(raw_text).__name__}")
    if not title and not text:
        raise _fail(where, line, "title", "title and text are both empty")
    raw_date = row.get("published_at")
    published = None
    if raw_date not in (None, ""):
        published = parse_datetime(raw_date)
        if published is None:
            raise _fail(
                where, line, "published_at", f"not a date: {str(raw_date)[:40]!r} (use 2026-03-12 or 2026-03-12 08:00)"
            )
    url = text_field("url")
    if url and not url.startswith(("http://", "https://")):
        raise _fail(where, line, "url", f"not an http(s) URL: {url[:60]!r}")
    return RegisterEntry(
        title=title,
        text=text,
        published_at=published,
        channel=text_field("channel"),
        url=url,
        id=text_field("id"),
        line=line,
        encoding=encoding,
    )


def _csv(where: str, text: str, encoding: str) -> list[RegisterEntry]:
    header, rows = csv_rows(text, lambda line, field, message: _fail(where, line, field, message))
    columns = [normalize_space(name).lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise _fail(where, 1, missing[0], f"missing column (the file has: {describe_header(columns)})")
    return [_entry(where, line, dict(zip(columns, values, strict=False)), encoding) for line, values in rows]


def _jsonl(where: str, text: str, encoding: str) -> list[RegisterEntry]:
    entries: list[RegisterEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _fail(where, number, "json", f"{exc.msg} at column {exc.colno}") from exc
        except (ValueError, RecursionError) as exc:  # nested too deeply, a number of thousands of digits
            raise _fail(where, number, "json", json_problem(exc)) from None
        if not isinstance(row, dict):
            raise _fail(where, number, "json", f"expected an object, got {type(row).__name__}")
        row = {str(k).lower(): v for k, v in row.items()}
        entries.append(_entry(where, number, row, encoding))
    return entries


def read_register(path: str | Path) -> list[RegisterEntry]:
    """Every row of a register file; ``.jsonl``/``.ndjson`` as JSON Lines, anything else as CSV."""
    file = Path(path)
    where = str(file)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise PageError(where, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; refused")
        data = file.read_bytes()
    except OSError as exc:
        raise PageError(where, f"cannot read ({exc.strerror or exc})") from exc
    text, encoding = decode_register(data, where)
    if file.suffix.lower() in (".jsonl", ".ndjson") or (
        file.suffix.lower() == ".json" and text.lstrip().startswith("{")
    ):
        return _jsonl(where, text, encoding)
    return _csv(where, text, encoding)
