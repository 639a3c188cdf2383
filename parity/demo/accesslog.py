"""The access log of the demo servers: every answered request, so a test can assert what a crawler did.

Entries are recorded when the answer has been written (or the connection
dropped), with the time the request arrived (``at``) and the time the answer
ended (``end``): overlaps show concurrency, gaps show the crawler's pauses.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class LogEntry:
    """One answered request; ``status`` is what was sent (304 after a conditional hit, 0: no status line)."""

    server: str
    method: str
    path: str
    target: str
    status: int
    at: float
    user_agent: str = ""
    end: float = 0.0
    authorization: str = ""  # as received: tests check where credentials went
    meta: dict[str, Any] = field(default_factory=dict, compare=False)  # the request's notes (``Request.meta``)


class AccessLog:
    """Every request the demo servers answered; thread-safe, shared by the servers of one world.

    ``on_record`` is called with each entry as it is recorded (a test server streams its log to a file).
    """

    def __init__(self, on_record: Callable[[LogEntry], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []
        self._on_record = on_record

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            if self._on_record is not None:
                self._on_record(entry)

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
                 "end": e.end, "user_agent": e.user_agent, **e.meta}
                for e in entries
            ],
        }
