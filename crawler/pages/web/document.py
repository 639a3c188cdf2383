"""A downloaded PDF (or Word .docx) → :class:`DocumentFile`.

Municipal PDFs are often "protected" with an owner password only (printing
allowed, editing not); those open with the empty user password and are read.
PDFs that need a real password, and files that are not what they claim,
raise a one-line :class:`PageError`; nothing else escapes, because pypdf
raises a zoo of exception types on damaged files.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from crawler.pages.dates import parse_datetime
from crawler.pages.links import sitevision_file_time
from crawler.pages.page_input import PageInput
from crawler.pages.text import normalize_space
from crawler.pages.types import DocumentFile, PageError
from parity.core.lang import detect_lang

log = logging.getLogger(__name__)

#: Text beyond this is not needed to match a post and costs memory on 500-page reports.
MAX_TEXT_CHARS = 2_000_000
MAX_PAGES = 1000


@dataclass(frozen=True)
class DocumentBudget:
    """What one document may cost: pages (a PDF with more is not read) and seconds of extraction.

    A 383 KB PDF of 1,000 pages sharing one content stream costs seconds per page; without a
    budget it held the crawl for over an hour. Past either limit the document is an error
    row ``document_too_costly`` (:class:`DocumentTooCostly`), never a half-read item.
    """

    max_pages: int = MAX_PAGES
    max_seconds: float = 30.0


class DocumentTooCostly(PageError):
    """A document over its :class:`DocumentBudget`; the reason starts ``document_too_costly``."""

    @classmethod
    def because(cls, where: str, why: str) -> DocumentTooCostly:
        return cls(where, f"document_too_costly ({why})")
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(Z|[+-]\d{2}'?\d{2}'?)?")
#: Titles that are the authoring tool's placeholder, not the document's name.
_JUNK_TITLE = re.compile(
    r"^(untitled|namnlös|dokument\d*|document\d*|microsoft word - .*|pdf|title|rubrik)$", re.IGNORECASE
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_date(value: Any) -> dt.datetime | None:
    """``D:20260312080000+01'00'`` (PDF date syntax) → aware UTC."""
    if value is None:
        return None
    text = str(value).strip()
    match = _PDF_DATE.match(text)
    if not match or not match.group(1):
        return parse_datetime(text)
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        local = dt.datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    if zone in (None, ""):
        tz: dt.tzinfo | None = None
    elif zone == "Z":
        tz = dt.UTC
    else:
        digits = zone[1:].replace("'", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = dt.timezone(offset if zone[0] == "+" else -offset)
    value_dt = local.replace(tzinfo=tz) if tz else local
    return parse_datetime(value_dt)


def _title(meta_title: str | None, text: str) -> str | None:
    title = normalize_space(meta_title)
    if title and not _JUNK_TITLE.match(title) and not re.fullmatch(r"[\w-]+\.(docx?|pdf|odt)", title, re.IGNORECASE):
        return title
    for line in text.splitlines():
        line = normalize_space(line)
        if len(line) >= 3 and re.search(r"[A-Za-zÅÄÖåäö]", line):
            return line[:300]
    return None


def _pdf(url: str, body: bytes, budget: DocumentBudget) -> DocumentFile:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise PageError(url, f"encrypted PDF needs a crypto library ({exc})") from exc
            except (FileNotDecryptedError, NotImplementedError) as exc:
                raise PageError(url, f"encrypted PDF, cannot decrypt ({exc})") from exc
            if not opened:
                raise PageError(url, "encrypted PDF: a password is required to read it")
        pages = reader.pages
        page_count = len(pages)
        if page_count > budget.max_pages:
            raise DocumentTooCostly.because(url, f"{page_count} pages, more than max_document_pages = {budget.max_pages}")
        parts: list[str] = []
        size = 0
        started = time.monotonic()
        for index, page in enumerate(pages):
            if size > MAX_TEXT_CHARS:
                break
            try:
                chunk = page.extract_text() or ""
            except Exception as exc:  # one damaged page must not cost the others
                log.debug("%s: page %d unreadable: %s", url, index + 1, exc)
                chunk = ""
            parts.append(chunk)
            size += len(chunk)
            # checked after each page, the last one included: a one-page document that took 6.7 s against a
            # 2 s budget was accepted whenever its worker answered before budget + grace
            spent = time.monotonic() - started
            if spent > budget.max_seconds:
                raise DocumentTooCostly.because(url, f"{index + 1} of {page_count} pages read in {spent:.1f} s, "
                                                     f"more than max_document_seconds = {budget.max_seconds:g}")
        info: Any = reader.metadata or {}
    except PageError:
        raise
    except FileNotDecryptedError as exc:
        raise PageError(url, f"encrypted PDF: {exc}") from exc
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        RecursionError,
        OSError,
        ZeroDivisionError,
    ) as exc:
        raise PageError(url, f"broken PDF ({exc.__class__.__name__}: {str(exc)[:100]})") from exc
    except Exception as exc:  # pypdf raises many types on damaged files; none may crash a crawl
        raise PageError(url, f"broken PDF ({exc.__class__.__name__}: {str(exc)[:100]})") from exc
    text = "\n".join(p.strip() for p in parts if p.strip())[:MAX_TEXT_CHARS]
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    created = pdf_date(_info(info, "/CreationDate"))
    modified = pdf_date(_info(info, "/ModDate"))
    return DocumentFile(
        url=url,
        format="pdf",
        title=_title(_info(info, "/Title"), text),
        text=text,
        published_at=sitevision_file_time(url) or created or modified,
        modified_at=modified,
        page_count=page_count,
        lang=detect_lang(text[:5000]),
    )


def _info(info: Any, key: str) -> str | None:
    try:
        value = info.get(key)
    except Exception:
        return None
    return str(value) if value is not None else None


def _docx_xml(archive: zipfile.ZipFile, name: str, url: str) -> Any:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    if member.file_size > MAX_DOCX_XML_BYTES:
        raise PageError(url, f"Word file part {name} too large ({member.file_size} bytes); refused")
    data = archive.read(name)
    if len(data) > MAX_DOCX_XML_BYTES:
        raise PageError(url, f"Word file part {name} too large; refused")
    return SafeET.fromstring(data, forbid_dtd=True)


def _docx(url: str, body: bytes) -> DocumentFile:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            document = _docx_xml(archive, "word/document.xml", url)
            if document is None:
                raise PageError(url, "ZIP file without word/document.xml: not a Word document")
            core = _docx_xml(archive, "docProps/core.xml", url)
            app = _docx_xml(archive, "docProps/app.xml", url)
    except PageError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ParseError,
        DefusedXmlException,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise PageError(url, f"broken Word document ({exc.__class__.__name__}: {str(exc)[:100]})") from exc
    paragraphs = []
    for para in document.iter(f"{_W}p"):
        text = "".join(node.text or "" for node in para.iter() if node.tag in (f"{_W}t", f"{_W}tab"))
        if text.strip():
            paragraphs.append(" ".join(text.split()))
    text = "\n".join(paragraphs)[:MAX_TEXT_CHARS]
    meta: dict[str, str] = {}
    for node in core.iter() if core is not None else []:
        name = node.tag.rsplit("}", 1)[-1]
        if node.text and name not in meta:
            meta[name] = node.text.strip()
    pages = None
    for node in app.iter() if app is not None else []:
        if node.tag.rsplit("}", 1)[-1] == "Pages" and (node.text or "").strip().isdigit():
            pages = int(node.text.strip())
    created = parse_datetime(meta.get("created"))
    modified = parse_datetime(meta.get("modified"))
    return DocumentFile(
        url=url,
        format="docx",
        title=_title(meta.get("title"), text),
        text=text,
        published_at=sitevision_file_time(url) or created or modified,
        modified_at=modified,
        page_count=pages,
        lang=detect_lang(text[:5000]),
    )


def extract_document(page: PageInput, budget: DocumentBudget | None = None) -> DocumentFile:
    """Read a PDF or .docx body (told apart by their magic bytes, not by the URL) within ``budget``.

    The budget is checked between pages; a single page that never ends is the caller's to stop
    (crawler/spiders/documents.py runs this in a worker process it can kill).
    """
    budget = budget or DocumentBudget()
    url, body = page.url, page.body
    if not body:
        raise PageError(url, "empty body")
    head = body[:1024]
    if b"%PDF-" in head:
        return _pdf(url, body[head.index(b"%PDF-") :], budget)
    if head.startswith(b"PK\x03\x04"):
        return _docx(url, body)
    kind = page.content_type
    sniff = head.lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<html" in sniff:
        raise PageError(url, f"an HTML page ({kind or 'no content-type'}), not a document; soft 404 or login page?")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise PageError(url, "an old binary Office file (.doc/.xls); not read")
    raise PageError(url, f"not a PDF or Word document ({kind or 'unknown type'}, starts {head[:8]!r})")
