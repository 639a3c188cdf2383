"""A small HTTP/1.1 server for the demo apps, with the behaviour crawlers rely on.

The apps (site, Mastodon, Bluesky) are pure ``Request -> Response`` functions so
tests can call them without sockets; this module adds what real servers do around
them and what a polite crawler exercises: keep-alive, HEAD, conditional GET
(ETag / Last-Modified -> 304), gzip, concurrent connections, an access log, and
fault injection. Only 127.0.0.1 is ever bound by default.
"""

from __future__ import annotations

import email.utils
import gzip
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Protocol
from urllib.parse import parse_qs, urlsplit

from parity.demo.faults import Fault, FaultInjector

CONTROL_PREFIX = "/__demo__/"


class Headers:
    """Case-insensitive, order-keeping header map (duplicates are not needed here)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in items:
            self[name] = value

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __delitem__(self, name: str) -> None:
        self._items.pop(name.lower(), None)

    def get(self, name: str, default: str | None = None) -> str | None:
        item = self._items.get(name.lower())
        return item[1] if item else default

    def items(self) -> list[tuple[str, str]]:
        return list(self._items.values())

    def update(self, other: dict[str, str] | Headers) -> None:
        pairs = other.items() if isinstance(other, Headers) else list(other.items())
        for name, value in pairs:
            self[name] = value

    def __repr__(self) -> str:
        return f"Headers({self.items()!r})"


@dataclass
class Request:
    """What an app sees of an HTTP request."""

    method: str
    target: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    base_url: str = "http://127.0.0.1"
    client: str = "127.0.0.1"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def raw_query(self) -> str:
        return urlsplit(self.target).query

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.raw_query, keep_blank_values=True)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    @classmethod
    def get(cls, target: str, headers: dict[str, str] | None = None, base_url: str = "http://127.0.0.1") -> Request:
        """Build a GET for in-process tests of an app."""
        return cls("GET", target, Headers((headers or {}).items()), b"", base_url)


@dataclass
class Response:
    """What an app returns; the server adds framing, 304s, gzip and HEAD handling."""

    status: int = 200
    body: bytes = b""
    headers: Headers = field(default_factory=Headers)
    drop_connection: bool = False
    delay_seconds: float = 0.0

    @classmethod
    def make(cls, status: int, body: bytes | str, content_type: str, headers: dict[str, str] | None = None) -> Response:
        data = body.encode("utf-8") if isinstance(body, str) else body
        out = Headers([("Content-Type", content_type)])
        if headers:
            out.update(headers)
        return cls(status=status, body=data, headers=out)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return cls.make(status, text, "application/json; charset=utf-8", headers)

    @classmethod
    def html(cls, text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls.make(status, text, "text/html;charset=UTF-8", headers)

    def json_body(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class App(Protocol):
    def handle(self, request: Request) -> Response: ...


@dataclass(frozen=True)
class LogEntry:
    """One answered request; ``status`` is what was sent (304 after a conditional hit, 0 for a dropped connection)."""

    server: str
    method: str
    path: str
    target: str
    status: int
    at: float
    user_agent: str = ""


class AccessLog:
    """Every request the demo servers answered, so tests can assert what a crawler did."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def counts(self, server: str | None = None) -> Counter[str]:
        """Requests per path (query not included), optionally for one server."""
        return Counter(e.path for e in self.entries if server is None or e.server == server)

    def count(self, path: str, server: str | None = None, *, prefix: bool = False) -> int:
        return sum(
            1
            for e in self.entries
            if (server is None or e.server == server) and (e.path.startswith(path) if prefix else e.path == path)
        )

    def statuses(self, server: str | None = None) -> Counter[int]:
        return Counter(e.status for e in self.entries if server is None or e.server == server)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def to_json(self, server: str | None = None) -> dict[str, Any]:
        entries = [e for e in self.entries if server is None or e.server == server]
        return {
            "total": len(entries),
            "paths": dict(Counter(e.path for e in entries)),
            "statuses": {str(k): v for k, v in Counter(e.status for e in entries).items()},
            "entries": [
                {"server": e.server, "method": e.method, "target": e.target, "status": e.status, "at": e.at,
                 "user_agent": e.user_agent}
                for e in entries
            ],
        }


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


ErrorRenderer = Callable[[Request, int], Response]


def _plain_error(request: Request, status: int) -> Response:
    return Response.make(status, f"{status}\n", "text/plain; charset=utf-8")


class _ListeningServer(ThreadingHTTPServer):
    """A listen backlog for a crawler's bursts (the stdlib default of 5 stalls new connections)."""

    request_queue_size = 128


class DemoServer:
    """One app on its own 127.0.0.1 port, served by daemon threads."""

    def __init__(
        self,
        name: str,
        app: App,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: AccessLog | None = None,
        faults: FaultInjector | None = None,
        gzip_enabled: bool = True,
    ) -> None:
        self.name = name
        self.app = app
        self.access_log = access_log if access_log is not None else AccessLog()
        self.faults = faults if faults is not None else FaultInjector()
        self.gzip_enabled = gzip_enabled
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
        if self._thread is None:
            self._httpd.server_close()
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._thread = None

    # --- request handling --------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        """Control endpoints, then faults, then the app; logs everything but control calls."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
        fault = self.faults.check(request)
        if fault is not None:
            response = self._fault_response(request, fault)
        else:
            try:
                response = self.app.handle(request)
            except Exception as exc:  # an app bug must show up as a 500, not a hung client
                response = Response.make(500, f"demo app error: {exc!r}\n", "text/plain; charset=utf-8")
        response = finish_response(request, response, allow_gzip=self.gzip_enabled)
        self.access_log.record(
            LogEntry(self.name, request.method, request.path, request.target,
                     0 if response.drop_connection else response.status, time.time(),
                     request.headers.get("User-Agent") or "")
        )
        return response

    def _fault_response(self, request: Request, fault: Fault) -> Response:
        if fault.drop_connection:
            return Response(status=0, drop_connection=True, delay_seconds=fault.delay_seconds)
        if fault.body is not None:
            response = Response.make(fault.status, fault.body, fault.content_type or "text/plain; charset=utf-8")
        else:
            renderer: ErrorRenderer = getattr(self.app, "error_response", _plain_error)
            response = renderer(request, fault.status)
        response.headers.update(fault.headers)
        response.delay_seconds = fault.delay_seconds
        return response

    def _control(self, request: Request) -> Response:
        what = request.path[len(CONTROL_PREFIX):].strip("/")
        if what == "log" and request.method in ("GET", "HEAD"):
            return Response.json(self.access_log.to_json(self.name))
        if what == "log" and request.method == "DELETE":
            self.access_log.clear()
            return Response.json({"cleared": True})
        if what == "faults" and request.method == "GET":
            return Response.json([f.to_dict() for f in self.faults.faults])
        if what == "faults" and request.method == "POST":
            try:
                fault = self.faults.add(Fault.from_dict(json.loads(request.body or b"{}")))
            except (ValueError, TypeError) as exc:
                return Response.json({"error": str(exc)}, status=400)
            return Response.json(fault.to_dict(), status=201)
        if what == "faults" and request.method == "DELETE":
            self.faults.clear()
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

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length > 0 else b""
                host = self.headers.get("Host") or f"{server.host}:{server.port}"
                request = Request(
                    method=self.command,
                    target=self.path,
                    headers=Headers(self.headers.items()),
                    body=body,
                    base_url=f"http://{host}",
                    client=self.client_address[0],
                )
                response = server.dispatch(request)
                if response.delay_seconds:
                    time.sleep(response.delay_seconds)
                if response.drop_connection:
                    self.close_connection = True
                    return
                self.send_response(response.status)
                if "Date" not in response.headers:
                    self.send_header("Date", email.utils.formatdate(usegmt=True))
                for name, value in response.headers.items():
                    if name.lower() not in ("content-length", "date", "server"):
                        self.send_header(name, value)
                if response.status not in (204, 304) and not 100 <= response.status < 200:
                    self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD" and response.status not in (204, 304):
                    self.wfile.write(response.body)

            do_GET = do_HEAD = do_POST = do_DELETE = do_PUT = do_OPTIONS = _serve

            def send_response(self, code: int, message: str | None = None) -> None:
                # the stdlib adds its own Server/Date; keep the app's instead
                self.log_request(code)
                self.send_response_only(code, message)

        return Handler
