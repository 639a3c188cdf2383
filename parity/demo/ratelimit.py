"""Fixed-window request counting, as rack-attack (Mastodon) and the XRPC limiter do.

Both platforms count requests in windows aligned to the epoch and announce the
window's end; a crawler that paces itself must read those numbers, so the
emulators compute them the same way instead of returning constants.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Quota:
    """The outcome of one counted request."""

    allowed: bool
    limit: int
    remaining: int
    now: float
    reset_at: float

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window ends (at least 1), for ``Retry-After``."""
        return max(1, int(self.reset_at - self.now + 0.999))


class FixedWindowLimiter:
    """``limit`` requests per ``period`` seconds; windows start at multiples of ``period``."""

    def __init__(self, limit: int, period: int, clock: Callable[[], float] = time.time) -> None:
        if limit < 0 or period <= 0:
            raise ValueError("limit must be >= 0 and period > 0")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._lock = threading.Lock()
        self._window: int | None = None
        self._used = 0

    def hit(self) -> Quota:
        now = self._clock()
        window = int(now) // self.period
        with self._lock:
            if window != self._window:
                self._window = window
                self._used = 0
            self._used += 1
            used = self._used
        reset_at = now + (self.period - int(now) % self.period)
        allowed = used <= self.limit
        return Quota(allowed, self.limit, max(0, self.limit - used), now, reset_at)

    def peek(self) -> Quota:
        """The current state without counting a request (for headers on errors)."""
        now = self._clock()
        window = int(now) // self.period
        with self._lock:
            used = self._used if window == self._window else 0
        reset_at = now + (self.period - int(now) % self.period)
        return Quota(used < self.limit, self.limit, max(0, self.limit - used), now, reset_at)
