"""The raw socket side of an answer, for faults that break HTTP itself.

Most faults are ordinary responses (a status, a block page, a bad body); the
rest must write what no well-behaved server writes: a chunked body that stops
mid-chunk, a Content-Length that lies, a header line that is not a header, or
nothing at all. A :class:`RawResponse` carries a writer that gets a
:class:`Wire` instead of going through the server's framing.
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Callable, NoReturn

from parity.demo.httpmsg import Response


class Closed(Exception):
    """The answer closed the connection; nothing more is written."""


class Wire:
    """Bytes straight onto one connection; waits end early when the server stops."""

    def __init__(self, handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        self._handler = handler
        self._stopping = stopping

    @property
    def method(self) -> str:
        return self._handler.command

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def write(self, data: bytes) -> None:
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except OSError as exc:
            raise Closed() from exc

    def head(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        """A status line and headers exactly as given (no Date, no Content-Length unless in ``headers``)."""
        reason = self._handler.responses.get(status, ("Status",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def drop(self, abort: bool = False) -> NoReturn:
        """Close the connection without (the rest of) a response; a TCP reset with ``abort``."""
        handler = self._handler
        handler.close_connection = True
        try:
            if abort:
                handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            handler.connection.close()
        except OSError:
            pass
        raise Closed()


@dataclass
class RawResponse(Response):
    """A response that writes itself: ``writer(wire)`` returns the status it sent, or raises :class:`Closed`."""

    writer: Callable[[Wire], int] | None = None
    arrived: float = 0.0  # when the request came in (the access log's ``at``)
