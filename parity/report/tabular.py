"""Tables for spreadsheets: safe cells, the CSV dialects, and the XLSX workbook writer.

Journalists open ``verdicts.csv`` in Excel, and its cells hold text that third parties
wrote. Every tabular export goes through :func:`safe_cell` (issue 12.1, OWASP "CSV
Injection"):

* a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  would be read as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``): it gets a
  leading ``'``, which Excel and LibreOffice show as text. So that the rule can be undone
  exactly, a cell that already begins with ``'``s followed by one of those characters gets
  one more; :func:`restore_cell` removes one ``'`` from any cell of that shape — the
  original text comes back byte for byte. Numbers are never touched (``-1.5`` stays a number);
* a cell longer than :data:`CELL_LIMIT` characters (Excel's maximum, 32,767) is cut and
  ends with :data:`CUT_MARK` naming the full length; the full text stays in the JSONL files;
* a lone surrogate (not encodable as UTF-8) becomes U+FFFD. In XLSX, control characters
  XML cannot hold become a visible ``[U+XXXX]``.

CSV dialects (``--csv-dialect``; README "Output folder"):

* ``excel-sv`` (default): ``;`` between fields, a UTF-8 byte-order mark, decimal comma,
  CRLF line ends — what Excel in a Swedish locale opens correctly by double-click;
* ``comma``: ``,``, UTF-8 without BOM, decimal point, LF — the format of earlier versions,
  for tools that expect it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parity.core.jsonl import atomic_text

CELL_LIMIT = 32_767
CUT_MARK = " […] [cut: {total} characters in all; the full text is in the .jsonl files]"
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV export is spelled."""

    name: str
    sep: str
    bom: bool
    decimal: str
    line_end: str


DIALECTS: dict[str, CsvDialect] = {
    "excel-sv": CsvDialect("excel-sv", ";", True, ",", "\r\n"),
    "comma": CsvDialect("comma", ",", False, ".", "\n"),
}
DEFAULT_DIALECT = "excel-sv"


def dialect(name: str | None) -> CsvDialect:
    """The dialect called ``name`` (None: the default); ValueError names the known ones."""
    chosen = name or DEFAULT_DIALECT
    if chosen not in DIALECTS:
        raise ValueError(f"--csv-dialect: expected one of {', '.join(DIALECTS)}, got {chosen!r}")
    return DIALECTS[chosen]


def safe_cell(value: Any) -> Any:
    """A cell value safe to put in a spreadsheet (see the module docstring); non-text passes through."""
    if not isinstance(value, str):
        return value
    text = _SURROGATE.sub("\ufffd", value)
    quote = "'" if _FORMULA.match(text) else ""
    if len(quote) + len(text) > CELL_LIMIT:
        mark = CUT_MARK.format(total=f"{len(text):,}")
        text = text[: CELL_LIMIT - len(mark) - len(quote)] + mark
    return quote + text


def restore_cell(value: Any) -> Any:
    """Undo :func:`safe_cell`'s quote (a cut cell stays cut: its end is the mark)."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def safe_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``table`` through :func:`safe_cell`."""
    return table.map(safe_cell) if len(table) else table.copy()


def write_csv(path: Path, table: pd.DataFrame, dialect_name: str | None = None) -> None:
    """``table`` as CSV in the named dialect, cells made safe, written atomically."""
    chosen = dialect(dialect_name)
    text = safe_frame(table).to_csv(index=False, sep=chosen.sep, decimal=chosen.decimal,
                                    lineterminator=chosen.line_end)
    with atomic_text(path, binary=True) as out:
        out.write(("\ufeff" if chosen.bom else "").encode("utf-8") + text.encode("utf-8"))


def read_csv(path: Path, dialect_name: str | None = None) -> pd.DataFrame:
    """A CSV this module wrote, back as a table with the original text (quotes undone).

    Text columns stay text (``dtype=str`` for everything but the known numeric columns would
    lose numbers, so pandas infers; empty cells are NaN)."""
    chosen = dialect(dialect_name)
    table = pd.read_csv(path, sep=chosen.sep, decimal=chosen.decimal, encoding="utf-8-sig", keep_default_na=False,
                        na_values=[""])
    return table.map(restore_cell)


def xlsx_cell(value: Any) -> Any:
    """A value for an openpyxl cell: safe text (XML-illegal controls visible), numbers, or None."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None  # pd.NA: the ranking's rank of an organisation without a rated post
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, (list, tuple, dict)):
        value = str(value)
    if isinstance(value, str):
        value = _XML_ILLEGAL.sub(lambda m: f"[U+{ord(m.group()):04X}]", value)
        return safe_cell(value)
    return value


_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x7f-\x9f]")


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 characters, no ``[]:*?/\\``, unique case-insensitively, no leading ``'``)."""
    base = _SHEET_BAD.sub("_", _XML_ILLEGAL.sub("", name)).strip("'") or "sheet"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_xlsx(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> None:
    """A workbook with one sheet per ``(name, table)``, header row frozen, cells made safe."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken: set[str] = set()
    for name, table in sheets:
        sheet = book.create_sheet(sheet_title(name, taken))
        sheet.freeze_panes = "A2"
        sheet.append([xlsx_cell(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            sheet.append([xlsx_cell(v) for v in row])
    with atomic_text(path, binary=True) as out:
        book.save(out)
