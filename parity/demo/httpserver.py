"""A small HTTP/1.1 server for the demo apps, with the behaviour crawlers rely on.

This module puts an app (``parity.demo.httpmsg``) on a 127.0.0.1 port and adds
what real servers do around it and what a polite crawler exercises:
keep-alive, HEAD, conditional GET (ETag / Last-Modified -> 304), gzip,
concurrent connections and an access log (``parity.demo.accesslog``).

Answering is a few overridable steps, so the tests' fault-injecting server
(``tests/support/fault_http.py``) is this server with faults in front of the
app rather than a second server: ``respond`` (request -> the app's response),
``record`` (when it is logged), ``send`` (response -> bytes on the socket) and
``control`` (the ``/__demo__/`` endpoints, never logged); ``dispatch`` runs
them without a socket, for tests that call a server in-process.
"""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from parity.demo.accesslog import AccessLog, LogEntry
from parity.demo.httpmsg import App, Headers, Request, Response

__all__ = ["AccessLog", "App", "CONTROL_PREFIX", "DemoServer", "Headers", "LogEntry", "Request", "Response",
           "finish_response"]

CONTROL_PREFIX = "/__demo__/"
#: How long ``stop()`` waits for answers in flight to be written and logged.
STOP_GRACE_SECONDS = 5.0


_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml", "application/jrd+json")


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2), which is what If-None-Match uses."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == opaque for candidate in header.split(","))


def _not_modified(request: Request, response: Response) -> bool:
    if request.method not in ("GET", "HEAD") or response.status != 200:
        return False
    etag = response.headers.get("ETag")
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        return bool(etag) and _etag_matches(inm, etag or "")
    ims = request.headers.get("If-Modified-Since")
    last_modified = response.headers.get("Last-Modified")
    if ims and last_modified:
        try:
            since = email.utils.parsedate_to_datetime(ims)
            modified = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def finish_response(request: Request, response: Response, *, allow_gzip: bool = True) -> Response:
    """Apply conditional GET and gzip, as a front-end server would."""
    if _not_modified(request, response):
        kept = Headers(
            (k, v) for k, v in response.headers.items()
            if k.lower() in ("etag", "last-modified", "cache-control", "vary", "expires", "date")
        )
        return Response(status=304, body=b"", headers=kept)
    content_type = response.headers.get("Content-Type", "") or ""
    accepts = request.headers.get("Accept-Encoding", "") or ""
    if (
        allow_gzip
        and "gzip" in accepts.lower()
        and len(response.body) >= 512
        and "Content-Encoding" not in response.headers
        and content_type.startswith(_COMPRESSIBLE)
    ):
        response.body = gzip.compress(response.body, mtime=0)
        response.headers["Content-Encoding"] = "gzip"
        vary = response.headers.get("Vary")
        if not vary:
            response.headers["Vary"] = "Accept-Encoding"
        elif "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding"
    return response


class _ListeningServer(ThreadingHTTPServer):
    """A listen backlog for a crawler's bursts (the stdlib default of 5 stalls new connections)."""

    request_queue_size = 256


class DemoServer:
    """One app on its own port (127.0.0.1 unless told otherwise), served by daemon threads."""

    control_prefix = CONTROL_PREFIX

    def __init__(
        self,
        name: str,
        app: App,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: AccessLog | None = None,
        gzip_enabled: bool = True,
    ) -> None:
        self.name = name
        self.app = app
        self.access_log = access_log if access_log is not None else AccessLog()
        self.gzip_enabled = gzip_enabled
        #: Set by ``stop()``: an answer that waits (a slow or hanging test fault) waits on this, not on the clock.
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._inflight = 0
        self._httpd = _ListeningServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"demo-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, release waiting answers, and wait (briefly) until every answer in flight is logged."""
        self.stopping.set()
        if self._thread is None:
            self._httpd.server_close()
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self._inflight and time.monotonic() < deadline:
            time.sleep(0.02)
        self._thread.join(timeout=5)
        self._thread = None

    # --- answering -----------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        """One request from the socket: dispatched, then written."""
        request = _read_request(handler, self)
        with self._lock:
            self._inflight += 1
        try:
            self.send(handler, request, self.dispatch(request))
        finally:
            with self._lock:
                self._inflight -= 1

    def dispatch(self, request: Request) -> Response:
        """Answer one request (no socket needed): control endpoints unlogged, everything else logged."""
        if request.path.startswith(self.control_prefix):
            return self.control(request)
        at = time.time()
        response = self.respond(request)
        self.record(request, response, at)
        return response

    def respond(self, request: Request) -> Response:
        """The app's answer, finished as a front-end server would (304, gzip)."""
        try:
            response = self.app.handle(request)
        except Exception as exc:  # an app bug must show up as a 500, not a hung client
            response = Response.make(500, f"demo app error: {exc!r}\n", "text/plain; charset=utf-8")
        return finish_response(request, response, allow_gzip=self.gzip_enabled)

    def record(self, request: Request, response: Response, at: float) -> None:
        """Log the answer before it is written, so a client that has its answer finds it in the log."""
        self.log(request, response.status, at)

    def log(self, request: Request, status: int, at: float) -> None:
        self.access_log.record(LogEntry(
            self.name, request.method, request.path, request.target, status, at,
            request.headers.get("User-Agent") or "", time.time(), request.headers.get("Authorization") or "",
            dict(request.meta),
        ))

    def send(self, handler: BaseHTTPRequestHandler, request: Request, response: Response) -> None:
        """Frame and write ``response`` (Content-Length, Date; no body for HEAD, 204 and 304)."""
        handler.send_response(response.status)
        if "Date" not in response.headers:
            handler.send_header("Date", email.utils.formatdate(usegmt=True))
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "date", "server"):
                handler.send_header(name, value)
        if response.status not in (204, 304) and not 100 <= response.status < 200:
            handler.send_header("Content-Length", str(len(response.body)))
        handler.end_headers()
        if request.method != "HEAD" and response.status not in (204, 304):
            handler.wfile.write(response.body)

    def control(self, request: Request) -> Response:
        """``GET``/``DELETE /__demo__/log``: this server's access log."""
        what = request.path[len(self.control_prefix):].strip("/")
        if what == "log" and request.method in ("GET", "HEAD"):
            return Response.json(self.access_log.to_json(self.name))
        if what == "log" and request.method == "DELETE":
            self.access_log.clear()
            return Response.json({"cleared": True})
        return Response.json({"error": "unknown control endpoint"}, status=404)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes; avoid 40 ms delayed-ACK stalls
            server_version = "demo"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
                return

            def handle(self) -> None:
                try:
                    super().handle()
                except (ConnectionError, TimeoutError):  # the client went away mid-answer: nothing to report
                    self.close_connection = True

            def finish(self) -> None:
                try:
                    super().finish()
                except (OSError, ValueError):  # the connection is already closed (a client reset, a dropped answer)
                    pass

            def _serve(self) -> None:
                server.answer(self)

            do_GET = do_HEAD = do_POST = do_DELETE = do_PUT = do_OPTIONS = _serve

            def send_response(self, code: int, message: str | None = None) -> None:
                # the stdlib adds its own Server/Date; keep the app's instead
                self.log_request(code)
                self.send_response_only(code, message)

        return Handler


def _read_request(handler: BaseHTTPRequestHandler, server: DemoServer) -> Request:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length > 0 else b""
    host = handler.headers.get("Host") or f"{server.host}:{server.port}"
    return Request(
        method=handler.command,
        target=handler.path,
        headers=Headers(handler.headers.items()),
        body=body,
        base_url=f"http://{host}",
        client=handler.client_address[0],
    )
