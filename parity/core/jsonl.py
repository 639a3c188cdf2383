"""Reading and writing the JSONL record files with errors a person can act on.

Journalists bring their own exports to ``parity match``; a broken line must be
reported as ``file:line: field: message`` and never as a traceback — also a hostile one:
a line over :data:`MAX_LINE_BYTES`, JSON nested 100,000 deep, a 5,000-digit number. Lone
surrogates (``"\\ud800"``) are replaced by U+FFFD with a warning (parity/core/surrogates.py).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Self, TypeVar

from pydantic import BaseModel, ValidationError

from parity.core.surrogates import repair

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)

#: The longest line (bytes, without its line end) a record file may have: far above any real post or
#: page, far below what would exhaust memory (README, "Security").
MAX_LINE_BYTES = 16 * 1024 * 1024


class RecordError(ValueError):
    """A record file could not be read; the message is one line naming file, line and field."""


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(part) for part in err.get("loc", ())) or "(record)"
    return field, err.get("msg", "invalid value")


def read_records(path: str | Path, model: type[M]) -> list[M]:
    """Read every line of a JSONL file into ``model``; stop at the first bad line."""
    return list(iter_records(path, model))


def open_records(path: str | Path) -> RecordFile:
    """The file opened for binary reading (lines capped at :data:`MAX_LINE_BYTES`), or a one-line
    :class:`RecordError`."""
    path = Path(path)
    try:
        return RecordFile(path, path.open("rb"))  # decoded line by line, so an encoding error names its own line
    except FileNotFoundError:
        raise RecordError(f"{path}: file not found") from None
    except OSError as exc:
        raise RecordError(f"{path}: {exc.strerror or exc}") from None


class RecordFile:
    """A JSONL file read line by line, no line longer than :data:`MAX_LINE_BYTES`.

    Iterating a file object reads a whole line whatever its length: one 300 MB line took
    5.9 GB to refuse. Here at most the limit (plus two bytes) is read; a longer line is a
    :class:`RecordError` naming ``file:line`` and nothing more of it is read.
    """

    def __init__(self, path: Path, handle: BinaryIO, limit: int = MAX_LINE_BYTES) -> None:
        self.path = path
        self.handle = handle
        self.limit = limit
        self.lineno = 0  # of the last line read by iteration (after a seek: unknown, reported as "(line)")

    def readline(self) -> bytes:
        raw = self.handle.readline(self.limit + 2)
        if len(raw) > self.limit and len(raw.rstrip(b"\r\n")) > self.limit:
            where = f"{self.path}:{self.lineno}" if self.lineno else str(self.path)
            raise RecordError(f"{where}: (line): longer than {self.limit:,} bytes, the limit for one record")
        return raw

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.lineno += 1
            raw = self.readline()
            if not raw:
                return
            yield raw

    def seek(self, offset: int, whence: int = 0) -> int:
        self.lineno = 0
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.handle.tell()

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    data = loads_or_error(line, f"{path}:{lineno}: (line)")
    if not isinstance(data, dict):
        raise RecordError(f"{path}:{lineno}: (line): expected a JSON object")
    data, fixed = repair(data)
    if fixed:
        log.warning("%s:%d: %d invalid character%s (lone surrogates) replaced by U+FFFD", path, lineno, fixed,
                    "s" if fixed != 1 else "")
    return data


def loads_or_error(text: str | bytes, where: str) -> Any:
    """``json.loads``, with every way hostile JSON fails as one :class:`RecordError` line.

    Besides syntax errors: nesting deeper than the decoder's recursion limit (RecursionError)
    and integers of more than 4,300 digits (ValueError from CPython's conversion limit).
    ``where`` starts the message (``file:line: field``).
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise RecordError(f"{where}: not valid JSON ({json_problem(exc)})") from None


def json_problem(exc: BaseException) -> str:
    """What is wrong with JSON that ``json.loads`` refused, in a few words (for ``file:line: field: …``)."""
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]  # "Exceeds the limit (4300 digits) for integer string conversion: …"


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
    fd, tmp = _temporary_beside(path)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as out:
            try:
                os.fchmod(fd, path.stat().st_mode & 0o777)  # a replaced file keeps its permissions
            except FileNotFoundError:
                pass  # a new file: the umask has already applied
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``, created 0o666 less the umask (applied by the kernel) as ``open()``
    would: ``mkstemp`` creates 0o600, which left report.html and the exports unreadable to the web server or
    the colleagues an officer publishes them to."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    return fd, tmp


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
