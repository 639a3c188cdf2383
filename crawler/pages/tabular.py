"""Reading the files people export from spreadsheets and social tools: encoding, CSV rows.

Registers of printed notices and social-media exports are made in Excel more
often than not: windows-1252 or UTF-8 with a BOM, ``;`` as separator (the comma
is the Swedish decimal sign). Both importers read them the same way, and a bad
row is reported with its line so the person who made the file can fix it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator

log = logging.getLogger(__name__)

#: Builds the importer's own exception for ``(line, field, message)``.
Fail = Callable[[int, str, str], Exception]
#: What a column name looks like (letters in any script, digits, a little punctuation; no ``=``, ``:`` or NUL).
_COLUMN_NAME = re.compile(r"^\w[\w .,'()#/&+-]{0,39}$")


def describe_header(names: Iterable[object]) -> str:
    """The header fields an error message may show: column names only, never other content of the file.

    A config that points ``register``/``file`` at the wrong file (``/proc/self/environ``, a
    credentials file) must not print its first line into a log: fields that do not look like
    column names are counted, not shown.
    """
    fields = [str(name).strip() for name in names]
    shown = [name for name in fields if _COLUMN_NAME.match(name)][:20]
    hidden = len(fields) - len(shown)
    if not fields:
        return "no columns"
    parts = [", ".join(shown)] if shown else []
    if hidden:
        parts.append(f"{hidden} field{'s' if hidden != 1 else ''} not shown (not column names)")
    return "; ".join(parts)


def decode_table(data: bytes, where: str) -> tuple[str, str]:
    """``(text, encoding)``: BOMs first, then strict UTF-8, else windows-1252 (logged as a guess)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        log.warning('%s: not UTF-8; read as windows-1252 (Excel\'s "CSV" format). Check å, ä, ö.', where)
        return data.decode("cp1252", errors="replace"), "cp1252"


def header_delimiter(text: str) -> str:
    """The separator the header line uses most: ``,``, ``;`` (Swedish Excel) or a tab."""
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def csv_rows(text: str, fail: Fail) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the non-blank rows with the line each starts on; the header picks the separator."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=header_delimiter(text))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise fail(1, "header", "empty file") from None
    except csv.Error as exc:
        raise fail(1, "header", str(exc)) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise fail(line, "row", str(exc)) from None
            if any(v.strip() for v in values):
                if len(values) > len(header):
                    raise fail(line, "row", f"{len(values)} values for {len(header)} columns "
                               "(a separator inside an unquoted value?)")
                yield line, values
            line = reader.line_num + 1

    return header, rows()
