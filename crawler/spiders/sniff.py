"""What a web response is, read from its headers and first bytes: HTML, PDF, a block page, unchanged.

The spiders ask these before choosing a page object; they only look at the
response (no ledger, no store), so each answer has one definition.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.web.detect import soft_block
from parity.store.types import Outcome

_DOCUMENT_SUFFIXES = (".pdf", ".docx")


def looks_like_document(url: str) -> bool:
    """A linked PDF or Word file, by its path."""
    path = url.split("?", 1)[0].lower()
    return path.endswith(_DOCUMENT_SUFFIXES)


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def body_sha256(response: Response) -> str:
    return hashlib.sha256(response.body).hexdigest()


def outcome_of(response: Response, **extra: Any) -> Outcome:
    """The validators and hash a 200 leaves in the ledger."""
    return Outcome(http_status=response.status, etag=header(response, "ETag"),
                   last_modified=header(response, "Last-Modified"), body_sha256=body_sha256(response), **extra)


def content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1").lower()


def is_pdf(response: Response) -> bool:
    return "pdf" in content_type(response) or response.body[:5] == b"%PDF-"


def is_html(response: Response) -> bool:
    """HTML by its content type, or by its first bytes when it has none."""
    kind = content_type(response)
    if not kind:
        head = response.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    return "html" in kind or "xml" in kind and b"<html" in response.body[:2048].lower()


def block_reason(response: Response) -> str | None:
    """A CAPTCHA / access-denied page served as content (``captcha``, ``access_denied`` …), else None."""
    head = response.body[:512].lstrip().lower()
    if "html" not in content_type(response) and not head.startswith((b"<!doctype html", b"<html")):
        return None
    return soft_block(PageInput.from_response(response))
