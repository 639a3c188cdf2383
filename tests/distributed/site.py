"""A small multi-host web site on loopback that logs every request it serves (with its arrival time).

Three hosts (127.0.0.1, 127.0.0.2, 127.0.0.3: all of 127.0.0.0/8 is loopback on Linux), ``pages``
pages each. Page ``i`` of host ``h`` links to pages ``2i+1`` and ``2i+2`` of its own host, to page
``i`` of the next host and back to page 0: every page is reachable from host 0's page 0 and most
are linked more than once, so a crawl that fetches each page exactly once proves the shared
duplicate filter works.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")


@dataclass
class Hit:
    host: str
    path: str
    at: float  # time.monotonic(): one clock for every process on the machine


@dataclass
class Site:
    pages: int
    latency: float
    origins: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page_html(self, host_index: int, page: int) -> bytes:
        own = self.origins[host_index]
        nxt = self.origins[(host_index + 1) % len(self.origins)]
        links = [f"{own}/p/{c}" for c in (2 * page + 1, 2 * page + 2) if c < self.pages]
        links += [f"{nxt}/p/{page}", f"{own}/p/0"]
        body = "".join(f'<a href="{href}">{href}</a>\n' for href in links)
        return f"<html><body><h1>{own} page {page}</h1>\n{body}</body></html>".encode()

    def expected(self) -> set[str]:
        return {f"{origin}/p/{i}" for origin in self.origins for i in range(self.pages)}


def _handler(site: Site, host_index: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with site.lock:
                site.hits.append(Hit(HOSTS[host_index], self.path, time.monotonic()))
            time.sleep(site.latency)
            try:
                page = int(self.path.rsplit("/", 1)[1]) if self.path.startswith("/p/") else -1
            except ValueError:
                page = -1
            if not 0 <= page < site.pages:
                self.send_error(404)
                return
            body = site.page_html(host_index, page)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_site(pages: int = 40, latency: float = 0.01) -> Iterator[Site]:
    """Start the three hosts on ephemeral ports; stop them on exit."""
    site = Site(pages=pages, latency=latency)
    servers = []
    try:
        for index, host in enumerate(HOSTS):
            server = ThreadingHTTPServer((host, 0), _handler(site, index))
            server.daemon_threads = True
            servers.append(server)
            site.origins.append(f"http://{host}:{server.server_address[1]}")
            threading.Thread(target=server.serve_forever, daemon=True).start()
        yield site
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
