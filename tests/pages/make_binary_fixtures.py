"""Regenerate the binary fixtures (PDF, docx, gzip) from the text in this file.

Binary files cannot be reviewed in a diff, so their content lives here:
``python -m tests.pages.make_binary_fixtures`` rewrites them byte for byte
(fixed dates, gzip mtime 0, fixed zip timestamps), and
``test_binary_fixtures_are_reproducible`` checks the files still match.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _utf16_string(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def build_pdf(pages: list[list[str]], info: dict[str, str]) -> bytes:
    """A small, valid PDF 1.4 with Helvetica (WinAnsi) text lines on each page."""
    page_ids = []
    font_id = 3
    next_id = 4
    page_objects: list[tuple[int, bytes]] = []
    for lines in pages:
        content = (
            b"BT /F1 12 Tf 14 TL 72 760 Td\n" + b"".join(_pdf_string(line) + b" Tj T*\n" for line in lines) + b"ET"
        )
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        page_objects.append((content_id, b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"))
        page_objects.append(
            (
                page_id,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id,
            )
        )
        page_ids.append(page_id)
    info_id = next_id
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects_by_id = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    objects_by_id.update(dict(page_objects))
    entries = []
    for key, value in info.items():
        encoded = _utf16_string(value) if any(ord(ch) > 127 for ch in value) else _pdf_string(value)
        entries.append(b"/" + key.encode("ascii") + b" " + encoded)
    objects_by_id[info_id] = b"<< " + b" ".join(entries) + b" >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for oid in sorted(objects_by_id):
        offsets[oid] = out.tell()
        out.write(b"%d 0 obj\n" % oid + objects_by_id[oid] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects_by_id) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for oid in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[oid])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, info_id, xref))
    return out.getvalue()


PROTOKOLL = [
    [
        "Kommunfullmäktige i Exempelby",
        "Protokoll från sammanträdet 2026-03-10",
        "Plats: Stadshuset, sessionssalen, kl. 18.00–21.15",
    ],
    [
        "§ 12 Vattenledning på Storgatan",
        "Kommunfullmäktige beslutar att anslå 4,2 miljoner kronor.",
        "Protokollet justerades 2026-03-12.",
    ],
]
PROTOKOLL_INFO = {
    "Title": "Protokoll kommunfullmäktige 2026-03-10",
    "Author": "Kommunledningskontoret",
    "CreationDate": "D:20260312083000+01'00'",
    "ModDate": "D:20260312091500+01'00'",
}


def encrypted(pdf: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # pypdf draws the file /ID at random; pin it so the bytes are reproducible
    # (RC4 keys depend only on the first ID, which stays the same)
    pinned = ArrayObject([ByteStringObject(b"reach-parity-fix"), ByteStringObject(b"reach-parity-fix")])
    writer._ID = pinned
    writer.encrypt(user_password=user_password, owner_password="agare-losen", algorithm="RC4-128")
    writer._ID = pinned
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_docx() -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraphs = [
        "Informationsblad till hushållen på Storgatan",
        "Vattnet stängs av torsdag 12 mars kl. 8–16 på grund av ledningsarbete.",
        "Frågor? Ring kundtjänst 0123-45 67 89.",
    ]
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>'
        f"<w:document {w}><w:body>{body}</w:body></w:document>",
        "docProps/core.xml": '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Informationsblad vattenavstängning</dc:title>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-09T13:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-10T07:45:00Z</dcterms:modified></cp:coreProperties>',
        "docProps/app.xml": '<?xml version="1.0" encoding="UTF-8"?><Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Pages>1</Pages></Properties>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 10, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


URLSET_GZ = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.exempelby.se/nyheter/vattenavstangning-storgatan</loc><lastmod>2026-03-11T08:05:00+01:00</lastmod></url>
  <url><loc>https://www.exempelby.se/nyheter/ny-forskola-i-norra-staden</loc><lastmod>2026-03-02</lastmod></url>
  <url><loc>https://www.exempelby.se/kommun-och-politik/anslagstavla</loc></url>
</urlset>
"""


def outputs() -> dict[Path, bytes]:
    protokoll = build_pdf(PROTOKOLL, PROTOKOLL_INFO)
    return {
        FIXTURES / "document/pdf-protokoll/body.pdf": protokoll,
        FIXTURES / "document/pdf-owner-password-only/body.pdf": encrypted(protokoll, ""),
        FIXTURES / "document/pdf-encrypted/body.pdf": encrypted(protokoll, "hemligt"),
        FIXTURES / "document/pdf-broken/body.pdf": protokoll[:400] + b"\x00garbage\x00" * 20,
        FIXTURES / "document/docx-informationsblad/body.docx": build_docx(),
        FIXTURES / "sitemap/urlset-gzip/body.xml.gz": gzip.compress(URLSET_GZ.encode("utf-8"), mtime=0),
    }


def main() -> None:
    for path, data in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(FIXTURES.parent.parent)} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
