"""An evidence archive of the crawl: every HTTP response it downloaded, as WARC records.

Journalists publish what the audit saw; a WARC (ISO 28500) is the format archives and
courts already read (``warcio``, pywb, ReplayWeb.page). Enabled by ``[crawl] warc = true``
or ``--warc`` on ``parity audit|crawl|demo``; the CLI passes the file with
``python -m crawler.run --warc PATH`` (``<out dir>/crawl.warc.gz``).

Why a ``response_downloaded`` signal handler and not a downloader middleware: the signal
fires in the downloader itself, before any middleware has acted on the response, so the
archive holds *every* exchange — redirects, 304s, 429s and 5xx that were retried,
robots.txt — of every spider, web sources and social APIs alike. A middleware sees a
redirect or a retried answer only from some positions in the chain.

What is stored, honestly labelled (``WARC-Parity-Transformed``, ``WARC-Parity-Redacted``):

* the status line and headers as received (Scrapy title-cases header names), the body as
  received after HTTP/1.1 de-chunking — so ``Transfer-Encoding`` is dropped and
  ``Content-Length`` is the stored length; a ``Content-Encoding`` (gzip, deflate, br,
  zstd) is decoded (bounded by the crawl's size cap) and the header dropped, because a
  credential can only be found, and removed, in the decoded body;
* never a credential: ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and
  ``Set-Cookie`` values become ``[redacted]``; credential query parameters
  (``access_token`` …) are removed from stored URIs and replaced in header values and in
  the bodies of answers to requests that carried credentials (Graph writes the token into
  ``paging.next``); any occurrence of a token the request carried is replaced wherever it
  appears. Pages fetched without credentials keep their bodies byte for byte. A body that could not be decoded, of
  a request that carried credentials, is withheld rather than stored unchecked.

Writes happen in the reactor thread (signal handlers run there), one record pair at a
time; each record is its own gzip member, flushed at once, so an interrupted crawl
leaves a valid file and a rerun appends to it. A torn last member (the process was
killed mid-write) is cut off before appending, with a warning.
"""

from __future__ import annotations

import http
import io
import logging
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.secrets import (
    MIN_SECRET,
    REDACTED,
    SECRET_PARAM_TEXT,
    SECRET_PARAMS,
    Redactor,
    strip_secrets,
)

log = logging.getLogger("crawler.warc")

#: Headers whose values are credentials (requests and responses alike).
REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
#: Headers that described the wire form, not the stored body.
_WIRE_HEADERS = frozenset({"transfer-encoding", "content-encoding", "content-length"})


class _Undecodable(Exception):
    """A content coding we cannot (or may not, size-wise) undo."""


def decode_body(body: bytes, codings: list[str], max_size: int) -> bytes:
    """Undo ``Content-Encoding`` (listed in the order applied), never growing beyond ``max_size`` bytes."""
    limit = max_size if max_size > 0 else 1 << 28
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            # gzip: auto-detected header (32+15); deflate: zlib-wrapped, else raw (servers differ).
            attempts = (47,) if coding != "deflate" else (15, -15)
            for wbits in attempts:
                try:
                    inflater = zlib.decompressobj(wbits)
                    out = inflater.decompress(body, limit + 1)
                    break
                except zlib.error:
                    continue
            else:
                raise _Undecodable(coding)
        elif coding == "br":
            out = _unbrotli(body, limit, coding)
        elif coding == "zstd":
            try:
                import zstandard  # type: ignore[import-not-found,import-untyped]

                with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(body)) as reader:
                    out = reader.read(limit + 1)
            except Exception:  # noqa: BLE001 - missing module or bad data
                raise _Undecodable(coding) from None
        else:
            raise _Undecodable(coding)
        if len(out) > limit:
            raise _Undecodable(f"{coding} (larger than {max_size} bytes)")
        body = out
    return body


def _unbrotli(body: bytes, limit: int, coding: str) -> bytes:
    """Brotli in bounded steps: a small body may expand enormously (a decompression bomb)."""
    try:
        import brotli  # type: ignore[import-not-found,import-untyped]

        decompressor = brotli.Decompressor()
        chunks = [decompressor.process(body, output_buffer_limit=1 << 16)]
        size = len(chunks[0])
        while not decompressor.is_finished() and size <= limit:
            chunk = decompressor.process(b"", output_buffer_limit=1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception:  # noqa: BLE001 - missing module or bad data: keep the raw bytes
        raise _Undecodable(coding) from None
    return b"".join(chunks)


def redact_uri(url: str) -> tuple[str, bool]:
    """``url`` without credential query parameters; unchanged (byte for byte) when it has none."""
    query = urlsplit(url).query
    if query and any(k.lower() in SECRET_PARAMS for k, _ in parse_qsl(query, keep_blank_values=True)):
        return strip_secrets(url), True
    return url, False


class _Redactor:
    """Replaces the credentials one exchange carried, and credential parameters, in text and bytes."""

    def __init__(self, request: Request) -> None:
        secrets: set[str] = set()
        for name, values in request.headers.items():
            if _text(name).lower() in REDACTED_HEADERS:
                for value in values:
                    text = _text(value).strip()
                    secrets.add(text)
                    secrets.add(text.split()[-1] if text.split() else text)  # "Bearer X" → X
                    secrets.update(pair.partition("=")[2].strip() for pair in text.split(";"))  # cookie values
        # Longest first, so "Bearer X" goes before "X".
        self.secrets = sorted((s for s in secrets if len(s) >= MIN_SECRET), key=len, reverse=True)
        self._pieces = Redactor(self.secrets)
        self.where: set[str] = set()

    def text(self, value: str, where: str) -> str:
        new = value
        for secret in self.secrets:
            new = new.replace(secret, REDACTED)
        new = SECRET_PARAM_TEXT.sub(lambda m: f"{m.group(1)}={REDACTED}", new)
        if self.secrets:
            new = self._pieces.pieces(new)
        if new != value:
            self.where.add(where)
        return new

    def body(self, body: bytes) -> bytes:
        new = body
        for secret in self.secrets:
            new = new.replace(secret.encode("latin-1", "ignore"), REDACTED.encode())
        # Credential parameters only in answers to requests that carried credentials (API answers echo
        # them, like Graph's paging.next); public pages are kept byte for byte, as the evidence they are.
        if self.secrets and any(p.encode() in new.lower() for p in SECRET_PARAMS):
            new = SECRET_PARAM_TEXT.sub(lambda m: f"{m.group(1)}={REDACTED}",
                                         new.decode("latin-1")).encode("latin-1")
        if self.secrets:  # a server quoting part of the token leaks it as well (crawler/secrets.py)
            new = self._pieces.pieces(new.decode("latin-1")).encode("latin-1")
        if new != body:
            self.where.add("body")
        return new

    def headers(self, pairs: Iterable[tuple[str, str]], side: str) -> list[tuple[str, str]]:
        out = []
        for name, value in pairs:
            if name.lower() in REDACTED_HEADERS:
                self.where.add(f"{side} {name}")
                out.append((name, REDACTED))
            else:
                out.append((name, self.text(value, f"{side} {name}")))
        return out


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    return [(_text(name), _text(value)) for name, values in headers.items() for value in values]


class WarcFile:
    """One ``.warc.gz`` per crawl process, shared by all its spiders; opened for appending."""

    def __init__(self, path: Path, run_id: str | None) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._repair_tail()
        self.handle: BinaryIO = open(path, "ab")  # noqa: SIM115 - lives as long as the crawl
        self.writer = WARCWriter(self.handle, gzip=True)
        self.users = 0
        self.records = 0
        info = {"software": "reach-parity (Scrapy)", "format": "WARC File Format 1.0",
                "description": "responses downloaded by the reach-parity crawl; credentials redacted"}
        if run_id:
            info["run-id"] = run_id
        self._write(self.writer.create_warcinfo_record(path.name, info))

    def _repair_tail(self) -> None:
        """Cut off a torn last gzip member (a killed writer) so appended records stay readable."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return
        good = 0
        try:
            with open(self.path, "rb") as handle:
                records = ArchiveIterator(handle)
                for record in records:
                    record.content_stream().read()
                    good = records.get_record_offset() + records.get_record_length()
        except Exception as exc:  # noqa: BLE001 - any damage: keep what is readable
            log.warning("%s: damaged after byte %d (%s); the damaged tail is removed before appending",
                        self.path, good, type(exc).__name__)
        else:
            if good == self.path.stat().st_size:
                return
            log.warning("%s: %d trailing bytes are not a complete record; removed before appending",
                        self.path, self.path.stat().st_size - good)
        with open(self.path, "r+b") as handle:
            handle.truncate(good)

    def _write(self, *records: Any) -> None:
        # Build the gzip members in memory, then one write + flush: an interruption between
        # records never leaves half a record behind.
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        if len(records) == 2:
            writer.write_request_response_pair(*records)
        else:
            writer.write_record(records[0])
        self.handle.write(buffer.getvalue())
        self.handle.flush()

    def write_exchange(self, request: Request, response: Response, max_size: int) -> None:
        """A ``request`` and a ``response`` record (linked by ``WARC-Concurrent-To``) for one download."""
        redactor = _Redactor(request)
        uri, stripped = redact_uri(response.url)
        uri = redactor.text(uri, "uri")
        if stripped:
            redactor.where.add("uri")
        transformed: list[str] = []
        notes: list[str] = []

        parts = urlsplit(uri)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = [("Host", parts.netloc)] + redactor.headers(_header_pairs(request.headers), "request")
        req_body = redactor.body(request.body or b"")
        if req_body:
            req_headers = [(k, v) for k, v in req_headers if k.lower() != "content-length"]
            req_headers.append(("Content-Length", str(len(req_body))))
        req_http = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", req_headers, is_http_request=True)

        received = _header_pairs(response.headers)
        body = response.body or b""
        codings = [c.strip().lower() for name, value in received if name.lower() == "content-encoding"
                   for c in value.split(",") if c.strip()]
        if any(name.lower() == "transfer-encoding" for name, _ in received):
            transformed.append("dechunked")
        decoded = True
        if codings and body:
            try:
                body = decode_body(body, codings, max_size)
                transformed.append("decoded " + ", ".join(codings))
            except _Undecodable as exc:
                decoded = False
                notes.append(f"Content-Encoding {exc} not decoded")
        if decoded:
            resp_headers = [(k, v) for k, v in received if k.lower() not in _WIRE_HEADERS]
        else:
            resp_headers = [(k, v) for k, v in received if k.lower() not in ("transfer-encoding", "content-length")]
        resp_headers = redactor.headers(resp_headers, "response")
        if decoded:
            body = redactor.body(body)
        elif redactor.secrets:  # could not look inside: do not store a body that might hold the token
            body = b""
            redactor.where.add("body withheld")
        resp_headers.append(("Content-Length", str(len(body))))

        status = response.status
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        protocol = response.protocol or "HTTP/1.1"
        protocol = protocol if protocol.upper().startswith("HTTP/") else "HTTP/1.1"
        resp_http = StatusAndHeaders(f"{status} {reason}".strip(), resp_headers, protocol=protocol)

        warc_headers: dict[str, str] = {}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        if "dataloss" in (response.flags or []):
            warc_headers["WARC-Truncated"] = "disconnect"  # the server closed before Content-Length was sent
        if transformed:
            warc_headers["WARC-Parity-Transformed"] = "; ".join(transformed)
        if redactor.where:
            warc_headers["WARC-Parity-Redacted"] = "; ".join(sorted(redactor.where))
        if notes:
            warc_headers["WARC-Parity-Note"] = "; ".join(notes)
        response_record = self.writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=resp_http,
            warc_headers_dict=warc_headers)
        request_record = self.writer.create_warc_record(
            uri, "request", payload=io.BytesIO(req_body), length=len(req_body), http_headers=req_http)
        self._write(request_record, response_record)
        self.records += 1

    def close(self) -> None:
        self.handle.close()


#: Crawl-process-wide: every spider (each its own Scrapy crawler) writes into the same file.
_OPEN: dict[Path, WarcFile] = {}


class WarcArchive:
    """Scrapy extension: connects each crawler's ``response_downloaded`` to the process's WARC file."""

    def __init__(self, archive: WarcFile, max_size: int) -> None:
        self.archive = archive
        self.max_size = max_size
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchive:
        setting = crawler.settings.get("PARITY_WARC")
        if not setting:
            raise NotConfigured("no WARC requested")
        path = Path(setting).resolve()
        archive = _OPEN.get(path)
        if archive is None:
            archive = _OPEN[path] = WarcFile(path, crawler.settings.get("PARITY_RUN_ID"))
        archive.users += 1
        extension = cls(archive, crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_downloaded(self, response: Response, request: Request, spider: Any = None) -> None:
        if self.closed:
            return
        try:
            self.archive.write_exchange(request, response, self.max_size)
        except OSError as exc:  # a full disk must not end the audit; the evidence gap is logged
            log.error("WARC %s: cannot write %s: %s", self.archive.path, response.url, exc)

    def spider_closed(self, spider: Any = None, reason: str | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        self.archive.users -= 1
        if self.archive.users <= 0:
            log.info("WARC %s: %d responses archived", self.archive.path, self.archive.records)
            self.archive.close()
            _OPEN.pop(self.archive.path, None)
