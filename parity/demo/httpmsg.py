"""The HTTP messages the demo apps speak: ``Request`` in, ``Response`` out.

The apps (site, Mastodon, Bluesky and the test emulators) are pure
``Request -> Response`` functions, so tests can call them without sockets;
``parity.demo.httpserver`` puts them on a port.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol
from urllib.parse import parse_qs, urlsplit


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
    #: Notes a server layer attaches while answering (a test server records its fault decision here);
    #: the access log keeps them.
    meta: dict[str, Any] = field(default_factory=dict)

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
    """What a server serves; an app may also offer ``error_response(request, status)`` for its own error format."""

    def handle(self, request: Request) -> Response: ...
