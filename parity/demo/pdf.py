"""Minimal, valid single-page PDFs with extractable Swedish text.

Municipal documents (kallelser, protokoll) are PDFs; the crawler's document
extraction must get ``å ä ö`` and the en dash in ``kl. 18.30–21`` out of them. A
standard Type 1 font with WinAnsiEncoding covers those characters without
embedding anything, so the file stays a few kilobytes and deterministic.
"""

from __future__ import annotations

import datetime as dt
import textwrap

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_MARGIN = 56
_LINE = 15
_WRAP = 88


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi: ``\\``, parentheses and non-ASCII bytes escaped."""
    raw = text.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for byte in raw:
        if byte in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([byte])
        elif 0x20 <= byte < 0x7F:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode("ascii")
    out += b")"
    return bytes(out)


def _utf16_hex(text: str) -> bytes:
    """A text string for the Info dictionary (UTF-16BE with BOM, hex)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _pdf_date(value: dt.datetime) -> bytes:
    value = value.astimezone(dt.timezone.utc)
    return b"(D:" + value.strftime("%Y%m%d%H%M%S").encode("ascii") + b"Z)"


def make_pdf(title: str, lines: list[str] | tuple[str, ...], *, created: dt.datetime, author: str = "Sjöbacka kommun") -> bytes:
    """One A4 page: a bold title, then the lines (wrapped) in 11 pt Helvetica."""
    content = bytearray(b"BT\n")
    y = _PAGE_HEIGHT - _MARGIN - 10
    content += b"/F2 16 Tf\n" + f"{_MARGIN} {y} Td\n".encode("ascii") + _pdf_string(title) + b" Tj\n"
    content += b"/F1 11 Tf\n" + f"0 -{_LINE * 2} Td\n".encode("ascii")
    for line in lines:
        wrapped = textwrap.wrap(line, _WRAP) or [""]
        for part in wrapped:
            content += _pdf_string(part) + b" Tj\n" + f"0 -{_LINE} Td\n".encode("ascii")
    content += b"ET\n"

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
        "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + bytes(content) + b"endstream",
        b"<< /Title " + _utf16_hex(title) + b" /Author " + _utf16_hex(author)
        + b" /Producer (reach-parity demo) /CreationDate " + _pdf_date(created) + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode("ascii")
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)
