"""Logging to stderr, set up the same way by every process: ``parity`` and its crawl child.

stdout belongs to the requested output (a table, one JSON object, a config block), so every
log line goes to stderr, in one format, through one handler on the root logger. Both processes
call this: the crawl child's lines reach the user through the parent's stderr and must read
like the parent's. The handler replaces any other (Scrapy installs its own, which would print
every line twice).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable

#: time, logger, level, message — the one line format of both processes
LINE_FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"
TIME_FORMAT = "%H:%M:%S"


class _Rewriting(logging.Formatter):
    """The line format, each finished line (message, arguments, traceback) passed through ``rewrite``."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__(LINE_FORMAT, TIME_FORMAT)
        self.rewrite = rewrite

    def format(self, record: logging.LogRecord) -> str:
        return self.rewrite(super().format(record))


def log_to_stderr(level: int = logging.INFO, quiet: Iterable[str] = (),
                  rewrite: Callable[[str], str] | None = None) -> None:
    """The root logger at ``level`` with one stderr handler; the loggers named in ``quiet`` at WARNING.

    ``rewrite``: applied to every finished line (the crawl passes its credential redactor,
    crawler/secrets.py: an API's error quoted in a warning may carry the token it was sent).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Rewriting(rewrite) if rewrite else logging.Formatter(LINE_FORMAT, TIME_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
