"""A fault-injecting HTTP server for reliability tests (like Scrapy's ``tests/mockserver``).

``python -m tests.faultserver --plan plan.json --log access.jsonl`` binds port 0
on each configured host, prints ONE JSON line ``{"main": "http://127.0.0.1:PORT", ...}``
on stdout and serves until SIGTERM/SIGINT. Tests start it as a subprocess
(:class:`FaultServerProcess`) so it survives the crawl being interrupted or
killed; the unit tests of the server itself run it in threads
(:class:`FaultServer`). No Scrapy, no reactor, standard library only.

A *plan* describes one or more sites ("hosts"): how many generated news pages
they have (``/news/nyhet-0000`` …), a sitemap and an RSS feed listing them, a
robots.txt policy, canned custom responses, and **fault rules** per URL. A rule
names a fault *kind* and which attempts at that URL it hits (``attempts=[1]`` is
a transient fault on the first try, ``None`` a permanent one). Plans are built
by seeded helpers (:func:`transient_faults`, :func:`permanent_faults`), so a
test knows exactly which URL fails how, and a rerun with the same seed fails
the same URLs.

Fault kinds (:data:`FAULT_KINDS`): ``status`` (any code, optional Retry-After),
``drop`` (close, or RST with ``abort``), ``hang`` (nothing, then close),
``hang_after_headers``, ``truncated_chunked``, ``short_content_length`` (the
body is shorter than Content-Length), ``long_content_length`` (longer),
``bad_header``, ``wrong_charset``, ``empty``, ``big`` (streamed, with or without
Content-Length), ``gzip_bomb``, ``bad_gzip``, ``redirect``, ``redirect_loop``,
``ratelimit`` (429, Retry-After optional), ``captcha`` and ``denied`` (block
pages with status 200), ``garbage`` (random bytes as text/html), ``unclosed``
(tag soup), ``slow`` (a normal answer after a delay).

Every answered request is one line of the access log (JSONL, flushed as it
is written, readable while the server runs): host label, method, target,
attempt number at that target, fault kind, status sent (0 = no status line),
start and end wall-clock times, and the Authorization header received.

Plans may name a host's base URL as ``{host:LABEL}`` in custom bodies,
sitemap entries and redirect targets; it is filled in once the ports are bound.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FAULT_KINDS = (
    "status", "drop", "hang", "hang_after_headers", "truncated_chunked", "short_content_length",
    "long_content_length", "bad_header", "wrong_charset", "empty", "big", "gzip_bomb", "bad_gzip",
    "redirect", "redirect_loop", "ratelimit", "captcha", "denied", "garbage", "unclosed", "slow",
)

PAGE_PREFIX = "/news/nyhet-"
CONTROL_PREFIX = "/__fault__/"
PUBLISHED = "2026-03-01T08:00:00Z"


def page_path(i: int, prefix: str = PAGE_PREFIX) -> str:
    return f"{prefix}{i:04d}"


def page_token(i: int, seed: int = 0) -> str:
    """A token that appears only on page ``i``: proves the stored text is that page's."""
    return f"FS{seed}X{i:04d}"


# --- plans ---------------------------------------------------------------------------------


@dataclass
class Rule:
    """A fault on one URL target (path + query, exact) or on every target under ``prefix``."""

    kind: str
    path: str | None = None
    prefix: str | None = None
    attempts: list[int] | None = None  # None: every attempt (permanent)
    params: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None  # fire for at most this many requests in all (e.g. 1: whichever page comes first)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if (self.path is None) == (self.prefix is None):
            raise ValueError("a rule needs exactly one of path or prefix")

    def matches(self, target: str, attempt: int) -> bool:
        hit = target == self.path if self.path is not None else target.startswith(self.prefix or "")
        return hit and (self.attempts is None or attempt in self.attempts)


@dataclass
class SitePlan:
    """One host: generated pages, sitemap/feed, robots.txt, custom responses, fault rules."""

    bind: str = "127.0.0.1"
    pages: int = 0
    page_prefix: str = PAGE_PREFIX
    seed: int = 0
    robots: str | None = "allow"  # "allow", "disallow:/prefix", or None (404)
    latency: float = 0.0  # seconds added to every normal answer
    sitemap_extra: list[str] = field(default_factory=list)  # more <loc>s (absolute or path)
    custom: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> {status, body, content_type, headers}
    faults: list[Rule] = field(default_factory=list)
    title_prefix: str = "Nyhet"

    def page_paths(self) -> list[str]:
        return [page_path(i, self.page_prefix) for i in range(self.pages)]

    def rule_for(self, target: str, attempt: int, fired: Counter[int] | None = None) -> Rule | None:
        for index, rule in enumerate(self.faults):
            if not rule.matches(target, attempt):
                continue
            if rule.limit is not None and fired is not None:
                if fired[index] >= rule.limit:
                    continue
                fired[index] += 1
            return rule
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["faults"] = [asdict(r) for r in self.faults]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SitePlan":
        data = dict(data)
        data["faults"] = [Rule(**r) for r in data.get("faults", [])]
        return cls(**data)


@dataclass
class Plan:
    sites: dict[str, SitePlan] = field(default_factory=lambda: {"main": SitePlan()})

    def to_json(self) -> str:
        return json.dumps({"sites": {k: v.to_dict() for k, v in self.sites.items()}}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        data = json.loads(text)
        return cls(sites={k: SitePlan.from_dict(v) for k, v in data["sites"].items()})


def transient_faults(seed: int, paths: list[str], rate: float,
                     kinds: tuple[str, ...] = ("status", "drop", "hang"), hang_seconds: float = 3.0,
                     attempts: tuple[int, ...] = (1,)) -> list[Rule]:
    """``round(rate × len(paths))`` seeded paths fail on ``attempts`` (default the first), kinds in turn."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(paths, round(rate * len(paths))))
    rules = []
    for n, path in enumerate(chosen):
        kind = kinds[n % len(kinds)]
        params: dict[str, Any] = {}
        if kind == "status":
            params = {"status": 503}
        elif kind in ("hang", "hang_after_headers"):
            params = {"seconds": hang_seconds}
        rules.append(Rule(kind=kind, path=path, attempts=list(attempts), params=params))
    return rules


def permanent_faults(seed: int, paths: list[str], count: int, status: int = 500) -> list[Rule]:
    """``count`` seeded paths answer ``status`` on every attempt."""
    rng = random.Random(seed)
    return [Rule(kind="status", path=p, params={"status": status}) for p in sorted(rng.sample(paths, count))]


# --- content -------------------------------------------------------------------------------


def article_html(i: int, seed: int = 0, title_prefix: str = "Nyhet") -> str:
    token = page_token(i, seed)
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
        f"<title>{title_prefix} {i}: information från Felby kommun</title>"
        f"<meta property=\"article:published_time\" content=\"{PUBLISHED}\"></head>"
        "<body><header><nav><a href=\"/\">Start</a></nav></header><main><article>"
        f"<h1>{title_prefix} {i}: information från Felby kommun</h1>"
        f"<p class=\"date\"><time datetime=\"{PUBLISHED}\">1 mars 2026</time></p>"
        f"<p>Detta är nyhet nummer {i} från Felby kommun. Ärendet har referensen {token} och gäller "
        "alla som bor i kommunen. Läs mer på kommunens webbplats eller ring kontaktcenter.</p>"
        f"<p>Kommunen publicerar nyheten skriftligt så att alla kan ta del av den, även den som inte "
        f"använder sociala medier. Referens {token}.</p>"
        "</article></main><footer>Felby kommun</footer></body></html>"
    )


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


def _gzip_bomb(megabytes: int) -> bytes:
    buf = __import__("io").BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as out:
        block = b"\0" * (1024 * 1024)
        for _ in range(megabytes):
            out.write(block)
    return buf.getvalue()


# --- the server ----------------------------------------------------------------------------


class _Closed(Exception):
    """The fault closed the connection; nothing more is written."""


class _Bound(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    label: str
    owner: "FaultServer"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Bound

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def handle(self) -> None:
        try:
            super().handle()
        except (_Closed, ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.server.owner.serve(self)

    do_HEAD = do_GET


@dataclass
class Hit:
    host: str
    method: str
    target: str
    attempt: int
    fault: str | None
    status: int
    start: float
    end: float
    user_agent: str
    authorization: str = ""  # the Authorization header as received (tests check where credentials went)


class FaultServer:
    """Runs a plan in daemon threads of this process: ``with FaultServer(plan) as s: s.url("main")``."""

    def __init__(self, plan: Plan, log_path: str | Path | None = None) -> None:
        self.plan = plan
        self.log_path = Path(log_path) if log_path else None
        self._log_file = self.log_path.open("a", encoding="utf-8") if self.log_path else None
        self._lock = threading.Lock()
        self._attempts: Counter[tuple[str, str]] = Counter()
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self._servers: dict[str, _Bound] = {}
        self._threads: list[threading.Thread] = []
        self._bomb: dict[int, bytes] = {}
        self._inflight = 0
        self._fired: dict[str, Counter[int]] = {label: Counter() for label in plan.sites}

    def _bomb_body(self, megabytes: int) -> bytes:
        body = self._bomb.get(megabytes)
        if body is None:  # built outside the lock: compressing takes a while
            body = _gzip_bomb(megabytes)
            with self._lock:
                self._bomb.setdefault(megabytes, body)
        return body

    # lifecycle
    def start(self) -> "FaultServer":
        for site in self.plan.sites.values():  # gzip bombs are built before the first request, not during it
            for rule in site.faults:
                if rule.kind == "gzip_bomb":
                    self._bomb_body(int(rule.params.get("megabytes", 200)))
        for label, site in self.plan.sites.items():
            httpd = _Bound((site.bind, 0), _Handler)
            httpd.label = label
            httpd.owner = self
            self._servers[label] = httpd
            thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"faultserver-{label}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Release hanging answers, wait (≤ 5 s) until every request in flight is logged, close."""
        self.stopping.set()
        for httpd in self._servers.values():
            httpd.shutdown()
            httpd.server_close()
        deadline = time.monotonic() + 5
        while self._inflight and time.monotonic() < deadline:
            time.sleep(0.02)
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, host: str = "main") -> str:
        address = self._servers[host].server_address
        return f"http://{address[0]}:{address[1]}"

    def urls(self) -> dict[str, str]:
        return {label: self.url(label) for label in self._servers}

    def expand(self, text: str) -> str:
        """``{host:LABEL}`` in a plan's bodies, sitemap entries and redirect targets → that host's base URL
        (ports are only known once the server runs)."""
        if "{host:" not in text:
            return text
        for label in self._servers:
            text = text.replace("{host:" + label + "}", self.url(label))
        return text

    # bookkeeping
    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)
            if self._log_file:
                self._log_file.write(json.dumps(asdict(hit), ensure_ascii=False) + "\n")
                self._log_file.flush()

    def log(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(h) for h in self.hits]

    # serving
    def serve(self, h: _Handler) -> None:
        label = h.server.label
        site = self.plan.sites[label]
        target = h.path
        start = time.time()
        if target.startswith(CONTROL_PREFIX):
            self._control(h, target)
            return
        with self._lock:
            self._attempts[(label, target)] += 1
            attempt = self._attempts[(label, target)]
            self._inflight += 1
            rule = site.rule_for(target, attempt, self._fired[label])
        status = 0
        try:
            status = self._answer(h, site, label, target, rule)
        finally:
            self._record(Hit(host=label, method=h.command, target=target, attempt=attempt,
                             fault=rule.kind if rule else None, status=status, start=start, end=time.time(),
                             user_agent=h.headers.get("User-Agent", ""),
                             authorization=h.headers.get("Authorization", "")))
            with self._lock:
                self._inflight -= 1

    def _control(self, h: _Handler, target: str) -> None:
        if target.startswith(CONTROL_PREFIX + "log"):
            body = json.dumps(self.log()).encode()
        else:
            body = json.dumps(self.urls()).encode()
        _write_simple(h, 200, body, "application/json")

    def _base(self, h: _Handler) -> str:
        address = h.server.server_address
        return f"http://{address[0]}:{address[1]}"

    def content(self, h: _Handler, site: SitePlan, target: str) -> tuple[int, bytes, str, dict[str, str]]:
        """The normal answer for a target: (status, body, content type, extra headers)."""
        path = urlsplit(target).path
        if target in site.custom:
            spec = site.custom[target]
            body = spec.get("body", "")
            body = self.expand(body) if isinstance(body, str) else body
            data = body.encode(spec.get("encoding", "utf-8")) if isinstance(body, str) else bytes(body)
            return (int(spec.get("status", 200)), data, spec.get("content_type", "text/html; charset=utf-8"),
                    dict(spec.get("headers", {})))
        if path == "/robots.txt":
            if site.robots is None:
                return 404, b"not found\n", "text/plain", {}
            if site.robots == "allow":
                return 200, b"User-agent: *\nAllow: /\n", "text/plain", {}
            if site.robots.startswith("disallow:"):
                return 200, f"User-agent: *\nDisallow: {site.robots[9:]}\n".encode(), "text/plain", {}
            return 200, site.robots.encode(), "text/plain", {}
        base = self._base(h)
        if path == "/sitemap.xml":
            locs = [base + p for p in site.page_paths()]
            locs += [x if "://" in x else base + x for x in map(self.expand, site.sitemap_extra)]
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                   + "".join(f"<url><loc>{loc}</loc><lastmod>2026-03-01</lastmod></url>\n" for loc in locs)
                   + "</urlset>\n")
            return 200, xml.encode(), "application/xml", {}
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>{site.title_prefix} {i}: information från Felby kommun</title>"
                f"<link>{base}{page_path(i, site.page_prefix)}</link>"
                f"<guid>{base}{page_path(i, site.page_prefix)}</guid>"
                f"<pubDate>Sun, 01 Mar 2026 08:00:00 GMT</pubDate>"
                f"<description>Nyhet nummer {i}.</description></item>\n"
                for i in range(site.pages)
            )
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                   f"<title>Felby kommun</title><link>{base}/</link><description>Nyheter</description>\n"
                   f"{items}</channel></rss>\n")
            return 200, xml.encode(), "application/rss+xml; charset=utf-8", {}
        if path.startswith(site.page_prefix):
            try:
                i = int(path[len(site.page_prefix):])
            except ValueError:
                i = -1
            if 0 <= i < site.pages:
                return 200, article_html(i, site.seed, site.title_prefix).encode(), "text/html; charset=utf-8", {}
        return 404, b"<html><body><h1>Sidan finns inte</h1></body></html>", "text/html; charset=utf-8", {}

    def _answer(self, h: _Handler, site: SitePlan, label: str, target: str, rule: Rule | None) -> int:
        if rule is None:
            if site.latency:
                self.stopping.wait(site.latency)
            status, body, ctype, headers = self.content(h, site, target)
            _write_simple(h, status, body, ctype, headers)
            return status
        p = rule.params
        kind = rule.kind
        if kind == "status":
            code = int(p.get("status", 503))
            headers = {"Retry-After": str(p["retry_after"])} if "retry_after" in p else {}
            _write_simple(h, code, f"<html><body>{code}</body></html>".encode(), "text/html", headers)
            return code
        if kind == "ratelimit":
            headers = {"Retry-After": str(p["retry_after"])} if p.get("retry_after") is not None else {}
            _write_simple(h, 429, b"<html><body><h1>Too Many Requests</h1></body></html>", "text/html", headers)
            return 429
        if kind == "slow":
            self.stopping.wait(float(p.get("seconds", 1.0)))
            status, body, ctype, headers = self.content(h, site, target)
            _write_simple(h, status, body, ctype, headers)
            return status
        if kind == "drop":
            _drop(h, abort=bool(p.get("abort", False)))
        if kind == "hang":
            self.stopping.wait(float(p.get("seconds", 60.0)))
            _drop(h, abort=False)
        status, body, ctype, _ = self.content(h, site, target)
        if status != 200:  # a fault on a URL that is not a generated page: still a plausible article body
            body, ctype = article_html(zlib.crc32(target.encode()) % 10000, site.seed).encode(), "text/html; charset=utf-8"
        if kind == "hang_after_headers":
            _write_head(h, 200, ctype, {"Content-Length": str(len(body))})
            _raw(h, body[: len(body) // 3])
            self.stopping.wait(float(p.get("seconds", 60.0)))
            _drop(h, abort=False)
        if kind == "truncated_chunked":
            _write_head(h, 200, ctype, {"Transfer-Encoding": "chunked"})
            half = body[: len(body) // 2]
            _raw(h, f"{len(half):x}\r\n".encode() + half + b"\r\n")
            _raw(h, b"400\r\n" + body[len(half): len(half) + 100])  # announces 1024 bytes, sends 100
            _drop(h, abort=False)
        if kind == "short_content_length":
            _write_head(h, 200, ctype, {"Content-Length": str(len(body) + int(p.get("missing", 5000))),
                                        "Connection": "close"})
            _raw(h, body)
            _drop(h, abort=False)
        if kind == "long_content_length":
            _write_head(h, 200, ctype, {"Content-Length": str(max(1, len(body) // 3)), "Connection": "close"})
            _raw(h, body)
            _drop(h, abort=False)
        if kind == "bad_header":
            _raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nthis line is not a header\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            _drop(h, abort=False)
        if kind == "wrong_charset":
            text = body.decode("utf-8").replace('<meta charset="utf-8">', "")
            text = text.replace("</p>", " Vi ses på Storgatan i Österå, välkomna!</p>", 1)
            declared = p.get("declared", "utf-8")
            actual = p.get("actual", "cp1252")
            _write_simple(h, 200, text.encode(actual), f"text/html; charset={declared}")
            return 200
        if kind == "empty":
            _write_simple(h, 200, b"", "text/html; charset=utf-8")
            return 200
        if kind == "big":
            _big(h, int(p.get("megabytes", 50)), chunked=bool(p.get("chunked", False)), stop=self.stopping)
            return 200
        if kind == "gzip_bomb":
            bomb = self._bomb_body(int(p.get("megabytes", 200)))
            if p.get("as_file"):  # a .xml.gz served as a file: the client inflates it, not the HTTP layer
                _write_simple(h, 200, bomb, "application/x-gzip")
            else:
                _write_simple(h, 200, bomb, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
            return 200
        if kind == "bad_gzip":
            _write_simple(h, 200, b"this is not gzip data at all" * 20, "text/html; charset=utf-8",
                          {"Content-Encoding": "gzip"})
            return 200
        if kind == "redirect":
            to = self.expand(str(p["to"]))
            _write_simple(h, int(p.get("status", 302)), b"", "text/html", {"Location": to})
            return int(p.get("status", 302))
        if kind == "redirect_loop":
            # A → A with ``self``; otherwise A → A-b → A.
            path = urlsplit(target).path
            if p.get("self"):
                to = target
            elif path.endswith("-b"):
                to = path[:-2]
            else:
                to = path + "-b"
            _write_simple(h, 302, b"", "text/html", {"Location": to})
            return 302
        if kind == "captcha":
            _write_simple(h, 200, CAPTCHA_HTML.encode(), "text/html; charset=utf-8",
                          {"Retry-After": str(p["retry_after"])} if "retry_after" in p else {})
            return 200
        if kind == "denied":
            _write_simple(h, 200, DENIED_HTML.encode(), "text/html; charset=utf-8")
            return 200
        if kind == "garbage":
            rng = random.Random(f"{site.seed}:{target}")
            data = bytes(rng.getrandbits(8) for _ in range(int(p.get("bytes", 4096))))
            _write_simple(h, 200, data, "text/html")
            return 200
        if kind == "unclosed":
            depth = int(p.get("depth", 5000))
            text = ("<html><head><title>Trasig sida" + "<div><p><span>" * depth + "Felby kommun informerar "
                    + "<table><tr><td>" * 50 + "slut")
            _write_simple(h, 200, text.encode(), "text/html; charset=utf-8")
            return 200
        raise AssertionError(kind)  # pragma: no cover - FAULT_KINDS is checked in Rule


def _raw(h: _Handler, data: bytes) -> None:
    try:
        h.wfile.write(data)
        h.wfile.flush()
    except OSError as exc:
        raise _Closed() from exc


def _write_head(h: _Handler, status: int, ctype: str, headers: dict[str, str]) -> None:
    lines = [f"HTTP/1.1 {status} {h.responses.get(status, ('Status',))[0]}", f"Content-Type: {ctype}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    _raw(h, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


def _write_simple(h: _Handler, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
    head = {"Content-Length": str(len(body)), **(headers or {})}
    _write_head(h, status, ctype, head)
    if h.command != "HEAD":
        _raw(h, body)


def _drop(h: _Handler, abort: bool) -> None:
    """Close the connection without (the rest of) a response; RST with ``abort``."""
    h.close_connection = True
    try:
        if abort:
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        h.connection.close()
    except OSError:
        pass
    raise _Closed()


def _big(h: _Handler, megabytes: int, chunked: bool, stop: threading.Event) -> None:
    block = (b"<p>" + b"Felby kommun fyllnadstext. " * 2340 + b"</p>\n")[: 64 * 1024]
    total = megabytes * 1024 * 1024
    headers = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)}
    _write_head(h, 200, "text/html; charset=utf-8", headers)
    if h.command == "HEAD":
        return
    sent = 0
    while sent < total and not stop.is_set():
        piece = block[: min(len(block), total - sent)]
        _raw(h, (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece)
        sent += len(piece)
    if chunked:
        _raw(h, b"0\r\n\r\n")


# --- the subprocess side -----------------------------------------------------------------


class FaultServerProcess:
    """``python -m tests.faultserver`` as a context manager; its access log is a JSONL file."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan = plan
        self.workdir = Path(workdir)
        self.plan_path = self.workdir / "faultplan.json"
        self.log_path = self.workdir / "access.jsonl"
        self.proc: Any = None
        self.urls: dict[str, str] = {}

    def start(self) -> "FaultServerProcess":
        import subprocess

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.plan_path.write_text(self.plan.to_json(), encoding="utf-8")
        root = Path(__file__).resolve().parents[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.faultserver", "--plan", str(self.plan_path), "--log", str(self.log_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
        )
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            raise RuntimeError(f"fault server did not start: {err[-2000:]}")
        self.urls = json.loads(line)
        return self

    def url(self, host: str = "main") -> str:
        return self.urls[host]

    def log(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        return [json.loads(x) for x in self.log_path.read_text(encoding="utf-8").splitlines() if x.strip()]

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except Exception:  # noqa: BLE001
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        self.proc = None

    def __enter__(self) -> "FaultServerProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _plan_from_args(args: argparse.Namespace) -> Plan:
    if args.plan:
        return Plan.from_json(Path(args.plan).read_text(encoding="utf-8"))
    site = SitePlan(pages=args.pages, seed=args.seed)
    paths = site.page_paths()
    if args.transient_rate:
        site.faults += transient_faults(args.seed, paths, args.transient_rate)
    if args.permanent:
        taken = {r.path for r in site.faults}
        site.faults += permanent_faults(args.seed + 1, [p for p in paths if p not in taken], args.permanent)
    return Plan(sites={"main": site})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faultserver", description=__doc__.splitlines()[0])
    parser.add_argument("--plan", help="plan JSON (see Plan); overrides the generator options below")
    parser.add_argument("--log", help="append the access log here (JSONL)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--transient-rate", type=float, default=0.0)
    parser.add_argument("--permanent", type=int, default=0)
    args = parser.parse_args(argv)
    server = FaultServer(_plan_from_args(args), args.log)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    try:
        sys.stdout.write(json.dumps(server.urls()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
