"""How each fault kind answers: a ``Response`` or a ``RawResponse`` that writes its own bytes.

The kinds (``tests/support/faults.py: FAULT_KINDS``):

* ``status`` — any code, in the app's own error format (``app.error_response``)
  unless the fault has a ``body``; ``params.retry_after`` adds ``Retry-After``;
* ``drop`` (close; a TCP reset with ``params.abort``), ``hang`` (nothing for
  ``params.seconds``, then close), ``hang_after_headers`` (headers and a third
  of the body, then nothing), ``slow`` (the normal answer after ``params.seconds``);
* broken framing: ``truncated_chunked``, ``short_content_length`` (the body is
  shorter than Content-Length), ``long_content_length`` (longer), ``bad_header``;
* bad bodies: ``wrong_charset`` (cp1252 declared as utf-8), ``empty``, ``big``
  (``params.megabytes``, streamed, ``params.chunked``), ``gzip_bomb``
  (``params.as_file`` for a ``.gz`` file rather than Content-Encoding),
  ``bad_gzip``, ``garbage`` (random bytes as text/html), ``unclosed`` (tag soup);
* ``redirect`` (``params.to``), ``redirect_loop`` (A → A-b → A, or A → A with ``params.self``);
* blocks: ``ratelimit`` (429, ``params.retry_after`` optional), ``captcha`` and
  ``denied`` (block pages with status 200).

Faults that damage a page need the page: the app's normal answer, or, where
that is not a 200, the app's ``stand_in_page(request)`` if it has one.
"""

from __future__ import annotations

import functools
import gzip
import io
import random
from typing import Any, Callable
from urllib.parse import urlsplit

from parity.demo.httpmsg import App, Request, Response
from tests.support.faults import Fault
from tests.support.wire import RawResponse, Wire

CAPTCHA_HTML = (
    "<!DOCTYPE html><html><head><title>Verifiera att du är en människa</title>"
    "<script src=\"https://www.google.com/recaptcha/api.js\"></script></head>"
    "<body><h1>Bekräfta att du inte är en robot</h1><div class=\"g-recaptcha\" data-sitekey=\"x\"></div>"
    "</body></html>"
)
DENIED_HTML = (
    "<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>"
    "<p>You don't have permission to access this page on this server.</p>"
    "<p>Reference #18.5e2f3b17.1741420800.1a2b3c4d</p></body></html>"
)
HTML = "text/html; charset=utf-8"


@functools.lru_cache(maxsize=4)
def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MiB of zeros, gzipped to a few hundred kB (cached: building one takes a while)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as out:
        block = b"\0" * (1024 * 1024)
        for _ in range(megabytes):
            out.write(block)
    return buf.getvalue()


def delay_of(fault: Fault) -> float:
    """Seconds to wait before answering."""
    return float(fault.params.get("seconds", 1.0)) if fault.kind == "slow" else fault.delay_seconds


def _plain_error(request: Request, status: int) -> Response:
    return Response.make(status, f"{status}\n", "text/plain; charset=utf-8")


def _retry_after(params: dict[str, Any]) -> dict[str, str]:
    return {"Retry-After": str(params["retry_after"])} if params.get("retry_after") is not None else {}


def _page(request: Request, app: App) -> tuple[bytes, str]:
    """The body a damaging fault damages: the normal answer, or the app's stand-in page."""
    response = app.handle(request)
    stand_in: Callable[[Request], Response] | None = getattr(app, "stand_in_page", None)
    if response.status != 200 and stand_in is not None:
        response = stand_in(request)
    return response.body, response.headers.get("Content-Type") or HTML


def _raw(writer: Callable[[Wire], int]) -> RawResponse:
    return RawResponse(status=0, writer=writer)


def answer(fault: Fault, request: Request, app: App) -> Response:
    """What the server sends instead of (or around) the app's normal answer."""
    kind, p = fault.kind, fault.params
    if kind == "status":
        if fault.body is not None:
            response = Response.make(fault.status, fault.body, fault.content_type or "text/plain; charset=utf-8")
        else:
            response = getattr(app, "error_response", _plain_error)(request, fault.status)
        response.headers.update({**_retry_after(p), **fault.headers})
        return response
    if kind == "slow":
        return app.handle(request)
    if kind in _SIMPLE:
        return _SIMPLE[kind](request, p)
    if kind == "drop":
        return _raw(lambda wire: wire.drop(abort=bool(p.get("abort", False))))
    if kind == "hang":
        return _raw(lambda wire: _hang(wire, float(p.get("seconds", 60.0))))
    if kind == "big":
        return _raw(lambda wire: _big(wire, int(p.get("megabytes", 50)), bool(p.get("chunked", False))))
    body, content_type = _page(request, app)
    if kind == "wrong_charset":
        text = body.decode("utf-8").replace('<meta charset="utf-8">', "")
        text = text.replace("</p>", " Vi ses på Storgatan i Österå, välkomna!</p>", 1)
        declared, actual = p.get("declared", "utf-8"), p.get("actual", "cp1252")
        return Response.make(200, text.encode(actual), f"text/html; charset={declared}")
    writer = _FRAMING[kind]
    return _raw(lambda wire: writer(wire, body, content_type, p))


# --- ordinary responses ---------------------------------------------------------------------


def _ratelimit(request: Request, p: dict[str, Any]) -> Response:
    return Response.make(429, "<html><body><h1>Too Many Requests</h1></body></html>", "text/html", _retry_after(p))


def _bomb(request: Request, p: dict[str, Any]) -> Response:
    bomb = gzip_bomb(int(p.get("megabytes", 200)))
    if p.get("as_file"):  # a .xml.gz served as a file: the client inflates it, not the HTTP layer
        return Response.make(200, bomb, "application/x-gzip")
    return Response.make(200, bomb, HTML, {"Content-Encoding": "gzip"})


def _redirect_loop(request: Request, p: dict[str, Any]) -> Response:
    path = urlsplit(request.target).path
    to = request.target if p.get("self") else (path[:-2] if path.endswith("-b") else path + "-b")
    return Response.make(302, b"", "text/html", {"Location": to})


def _garbage(request: Request, p: dict[str, Any]) -> Response:
    rng = random.Random(f"{p.get('seed', 0)}:{request.target}")
    return Response.make(200, bytes(rng.getrandbits(8) for _ in range(int(p.get("bytes", 4096)))), "text/html")


def _unclosed(request: Request, p: dict[str, Any]) -> Response:
    text = ("<html><head><title>Trasig sida" + "<div><p><span>" * int(p.get("depth", 5000))
            + "Felby kommun informerar " + "<table><tr><td>" * 50 + "slut")
    return Response.make(200, text, HTML)


_SIMPLE: dict[str, Callable[[Request, dict[str, Any]], Response]] = {
    "ratelimit": _ratelimit,
    "gzip_bomb": _bomb,
    "redirect_loop": _redirect_loop,
    "garbage": _garbage,
    "unclosed": _unclosed,
    "empty": lambda request, p: Response.make(200, b"", HTML),
    "bad_gzip": lambda request, p: Response.make(200, b"this is not gzip data at all" * 20, HTML,
                                                 {"Content-Encoding": "gzip"}),
    "redirect": lambda request, p: Response.make(int(p.get("status", 302)), b"", "text/html",
                                                 {"Location": str(p["to"])}),
    "captcha": lambda request, p: Response.make(200, CAPTCHA_HTML, HTML, _retry_after(p)),
    "denied": lambda request, p: Response.make(200, DENIED_HTML, HTML),
}


# --- raw writers ----------------------------------------------------------------------------


def _hang(wire: Wire, seconds: float) -> int:
    wire.wait(seconds)
    wire.drop()


def _hang_after_headers(wire: Wire, body: bytes, content_type: str, p: dict[str, Any]) -> int:
    wire.head(200, content_type, {"Content-Length": str(len(body))})
    wire.write(body[: len(body) // 3])
    _hang(wire, float(p.get("seconds", 60.0)))
    return 0


def _truncated_chunked(wire: Wire, body: bytes, content_type: str, p: dict[str, Any]) -> int:
    wire.head(200, content_type, {"Transfer-Encoding": "chunked"})
    half = body[: len(body) // 2]
    wire.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
    wire.write(b"400\r\n" + body[len(half): len(half) + 100])  # announces 1024 bytes, sends 100
    wire.drop()


def _short_content_length(wire: Wire, body: bytes, content_type: str, p: dict[str, Any]) -> int:
    wire.head(200, content_type, {"Content-Length": str(len(body) + int(p.get("missing", 5000))),
                                  "Connection": "close"})
    wire.write(body)
    wire.drop()


def _long_content_length(wire: Wire, body: bytes, content_type: str, p: dict[str, Any]) -> int:
    wire.head(200, content_type, {"Content-Length": str(max(1, len(body) // 3)), "Connection": "close"})
    wire.write(body)
    wire.drop()


def _bad_header(wire: Wire, body: bytes, content_type: str, p: dict[str, Any]) -> int:
    wire.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nthis line is not a header\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    wire.drop()


_FRAMING: dict[str, Callable[[Wire, bytes, str, dict[str, Any]], int]] = {
    "hang_after_headers": _hang_after_headers,
    "truncated_chunked": _truncated_chunked,
    "short_content_length": _short_content_length,
    "long_content_length": _long_content_length,
    "bad_header": _bad_header,
}


def _big(wire: Wire, megabytes: int, chunked: bool) -> int:
    block = (b"<p>" + b"Felby kommun fyllnadstext. " * 2340 + b"</p>\n")[: 64 * 1024]
    total = megabytes * 1024 * 1024
    wire.head(200, HTML, {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)})
    if wire.method == "HEAD":
        return 200
    sent = 0
    while sent < total and not wire.stopping:
        piece = block[: min(len(block), total - sent)]
        wire.write((f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece)
        sent += len(piece)
    if chunked:
        wire.write(b"0\r\n\r\n")
    return 200
