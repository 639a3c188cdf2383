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
from collections.abc import Iterable

#: time, logger, level, message — the one line format of both processes
LINE_FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"
TIME_FORMAT = "%H:%M:%S"


def log_to_stderr(level: int = logging.INFO, quiet: Iterable[str] = ()) -> None:
    """The root logger at ``level`` with one stderr handler; the loggers named in ``quiet`` at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LINE_FORMAT, TIME_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
