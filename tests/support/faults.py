"""Fault rules for the test servers: which request fails, and how — the one catalogue of fault kinds.

Real feeds time out, APIs answer 502 during deploys, Sitevision sometimes
closes the connection without a word and CDNs answer block pages. The crawler
must turn each of these into a ``partial``/``failed`` source status rather than
a wrong verdict, and tests can only prove that if the failures happen on
demand and at a known request.

A :class:`Fault` says

* *where*: ``path`` (prefix of the request path), ``target`` (exactly this
  path + query), ``pattern`` (regex searched in path + query), ``method``;
* *which* of the matching requests: ``nth``/``times`` count the rule's own
  matches; ``attempts`` counts requests per target (``[1]``: the first try at
  each URL only — a transient fault); ``limit`` caps how often it fires in all;
* *how*: ``kind`` (:data:`FAULT_KINDS`) with ``params``; how each kind answers
  is in ``tests/support/fault_kinds.py``.

:class:`FaultInjector` holds one server's rules; ``tests/support/fault_http.py``
puts it in front of an app.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

FAULT_KINDS = (
    "status", "drop", "hang", "hang_after_headers", "truncated_chunked", "short_content_length",
    "long_content_length", "bad_header", "wrong_charset", "empty", "big", "gzip_bomb", "bad_gzip",
    "redirect", "redirect_loop", "ratelimit", "captcha", "denied", "garbage", "unclosed", "slow",
)


class RequestLike(Protocol):
    method: str
    path: str
    target: str


@dataclass
class Fault:
    """One failure rule; matching requests are counted from 1.

    ``nth``/``times`` pick which matching requests fail: by default every one
    (a permanent outage); ``nth=3`` fails only the third; ``nth=2, times=3``
    fails the 2nd, 3rd and 4th; ``times=2`` alone fails the first two.
    A ``status`` fault is rendered in the app's own error format unless
    ``body`` is given. ``drop_connection`` (the same as ``kind="drop"``) closes
    the socket without any response; ``delay_seconds`` delays any answer.
    """

    status: int = 503
    path: str | None = None
    pattern: str | None = None
    method: str | None = None
    nth: int | None = None
    times: int | None = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    drop_connection: bool = False
    delay_seconds: float = 0.0
    kind: str = "status"
    params: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    attempts: list[int] | None = None
    limit: int | None = None
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.drop_connection:
            self.kind = "drop"
        self.drop_connection = self.kind == "drop"
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")

    def matches(self, request: RequestLike, attempt: int = 1) -> bool:
        """Whether this rule concerns the request (``attempt``: how many times its target was asked for)."""
        if self.method and request.method.upper() != self.method.upper():
            return False
        if self.path is not None and not request.path.startswith(self.path):
            return False
        if self.target is not None and request.target != self.target:
            return False
        if self.pattern is not None and not re.search(self.pattern, request.target):
            return False
        return self.attempts is None or attempt in self.attempts

    def selects(self, index: int) -> bool:
        """Whether the ``index``-th matching request (1-based) fails."""
        start = self.nth or 1
        times = self.times if self.times is not None else (1 if self.nth is not None else None)
        if index < start:
            return False
        return times is None or index < start + times

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        known = {name for name in cls.__dataclass_fields__ if name not in ("seen", "fired")}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """``STATUS[:PATH[:NTH[:TIMES]]]``, e.g. ``503:/4.`` or ``500::3``; ``drop`` for a reset."""
        parts = spec.split(":")
        head = parts[0].strip().lower()
        fault = cls(drop_connection=True) if head == "drop" else cls(status=int(head))
        if len(parts) > 1 and parts[1]:
            fault.path = parts[1]
        if len(parts) > 2 and parts[2]:
            fault.nth = int(parts[2])
        if len(parts) > 3 and parts[3]:
            fault.times = int(parts[3])
        return fault


class FaultInjector:
    """The fault rules of one server; thread-safe because requests are concurrent."""

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = list(faults or [])
        self._attempts: Counter[str] = Counter()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def check(self, request: RequestLike) -> tuple[Fault | None, int]:
        """The first rule that fails this request (or None), and the request's attempt number at its target.

        The request counts against every rule that concerns it, chosen or not.
        """
        chosen: Fault | None = None
        with self._lock:
            self._attempts[request.target] += 1
            attempt = self._attempts[request.target]
            for fault in self._faults:
                if not fault.matches(request, attempt):
                    continue
                fault.seen += 1
                if chosen is None and fault.selects(fault.seen) and (fault.limit is None or fault.fired < fault.limit):
                    fault.fired += 1
                    chosen = fault
        return chosen, attempt
