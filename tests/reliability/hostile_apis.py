"""Hostile API servers for the security cases: answers that echo tokens and point the crawler elsewhere.

Each app is a ``Request -> Response`` function table served by the demo's one HTTP server
(``parity.demo.httpserver.DemoServer``; ``host="127.0.0.2"`` gives a second, "internal" host).
Unlike the emulators these answer what an attacker (or a broken API) would: Graph's real
``Malformed access token <token>`` error, X problems quoting the bearer token, paging
links, ``Link`` headers and WebFinger answers naming another host. Every app records what
reached it — path, query and the ``Authorization`` header — which is what the tests count.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from parity.demo.httpserver import DemoServer, Request, Response

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Seen:
    """One request an app received."""

    app: str
    target: str
    authorization: str


@dataclass
class Scripted:
    """Answers by path (exact, then the longest matching prefix); 404 otherwise. Records every request."""

    name: str
    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.seen.append(Seen(self.name, request.target, request.headers.get("Authorization") or ""))
        handler = self.routes.get(request.path)
        if handler is None:
            prefixes = [p for p in self.routes if p.endswith("*") and request.path.startswith(p[:-1])]
            handler = self.routes[max(prefixes, key=len)] if prefixes else None
        if handler is None:
            return Response.json({"error": "Record not found"}, status=404)
        return handler(request)

    def targets(self) -> list[str]:
        with self.lock:
            return [s.target for s in self.seen]


def bearer(request: Request) -> str:
    """The token the request carried (what an echoing server quotes back)."""
    value = request.headers.get("Authorization") or ""
    return value.split(" ", 1)[1] if " " in value else value


def graph_post(post_id: str, message: str, created: str = "2026-03-09T08:00:00+0000") -> dict[str, Any]:
    return {"id": post_id, "message": message, "created_time": created,
            "permalink_url": f"https://www.facebook.com/{post_id}"}


def mastodon_status(status_id: str, text: str, created: str = "2026-03-09T08:00:00.000Z") -> dict[str, Any]:
    return {"id": status_id, "created_at": created, "content": f"<p>{text}</p>", "url": f"https://social.example/@felby/{status_id}",
            "visibility": "public", "in_reply_to_id": None, "reblog": None, "media_attachments": [], "card": None,
            "language": "sv", "account": {"acct": "felby"}}


def json_answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response.make(status, json.dumps(data), "application/json; charset=utf-8", headers)


@contextmanager
def serving(*apps: tuple[Scripted, str]) -> Iterator[dict[str, str]]:
    """Each ``(app, bind address)`` on its own port; yields app name → base URL."""
    servers = [DemoServer(app.name, app, host=host, gzip_enabled=False) for app, host in apps]
    for server in servers:
        server.start()
    try:
        yield {server.name: server.base_url for server in servers}
    finally:
        for server in servers:
            server.stop()
