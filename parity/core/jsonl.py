"""Reading and writing the JSONL record files with errors a person can act on.

Journalists bring their own exports to ``parity match``; a broken line must be
reported as ``file:line: field: message`` and never as a traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class RecordError(ValueError):
    """A record file could not be read; the message is one line naming file, line and field."""


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(part) for part in err.get("loc", ())) or "(record)"
    return field, err.get("msg", "invalid value")


def read_records(path: str | Path, model: type[M]) -> list[M]:
    """Read every line of a JSONL file into ``model``; stop at the first bad line."""
    return list(iter_records(path, model))


def open_records(path: str | Path):
    """The file opened for binary reading, or a one-line :class:`RecordError`."""
    path = Path(path)
    try:
        return path.open("rb")  # decoded line by line, so an encoding error names its own line
    except FileNotFoundError:
        raise RecordError(f"{path}: file not found") from None
    except OSError as exc:
        raise RecordError(f"{path}: {exc.strerror or exc}") from None


def parse_line(path: str | Path, lineno: int, raw: bytes) -> dict | None:
    """One raw line as a JSON object; ``None`` for a blank line; :class:`RecordError` otherwise."""
    try:
        line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError:
        raise RecordError(f"{path}:{lineno}: (line): not UTF-8 text") from None
    return parse_text_line(path, lineno, line)


def parse_text_line(path: str | Path, lineno: int, line: str) -> dict | None:
    """:func:`parse_line` of a line already decoded (exports arrive in Excel's encodings)."""
    if not line.strip():
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path}:{lineno}: (line): not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise RecordError(f"{path}:{lineno}: (line): expected a JSON object")
    return data


def validate(path: str | Path, lineno: int, data: dict, model: type[M]) -> M:
    """``data`` (from :func:`parse_line`) as ``model``, or a one-line :class:`RecordError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, msg = _first_error(exc)
        raise RecordError(f"{path}:{lineno}: {field}: {msg}") from None


def iter_records(path: str | Path, model: type[M]) -> Iterator[M]:
    """Stream records; blank lines are skipped, anything else must validate."""
    path = Path(path)
    with open_records(path) as handle:
        for lineno, raw in enumerate(handle, start=1):
            data = parse_line(path, lineno, raw)
            if data is not None:
                yield validate(path, lineno, data, model)


@contextmanager
def atomic_text(path: str | Path, binary: bool = False) -> Iterator[Any]:
    """A file (text, UTF-8, or ``binary``) written to a temporary name beside ``path`` and
    renamed over it only when the block ends without an exception, so a crash never
    leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a whole text file (UTF-8, ``\n`` line ends) through :func:`atomic_text`."""
    with atomic_text(path) as out:
        out.write(text)


def record_line(record: BaseModel) -> str:
    """The JSONL line (with its newline) :func:`write_records` writes for ``record``."""
    to_json = getattr(record, "to_json_dict", None)
    data = to_json() if to_json else record.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n"


def write_records(path: str | Path, records: Iterable[BaseModel]) -> int:
    """Write records atomically (temp file + rename) so a crash never leaves half a file."""
    count = 0
    with atomic_text(path) as out:
        for record in records:
            out.write(record_line(record))
            count += 1
    return count
