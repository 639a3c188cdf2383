"""Logging to stderr, set up the same way by every process: ``parity`` and its crawl child.

stdout belongs to the requested output (a table, one JSON object, a config block), so every
log line goes to stderr, in one format, through one handler on the root logger. Both processes
call this: the crawl child's lines reach the user through the parent's stderr and must read
like the parent's. The handler replaces any other (Scrapy installs its own, which would print
every line twice).

Two rules for what reaches the terminal (issue 12.7, issue 13 point 7):

* a log line carries text servers sent (URLs, error messages): an ESC, a BEL or a bidi override
  in it would drive the terminal, so every control character is written as ``[U+XXXX]``
  (:func:`terminal_safe`; the command line uses it for its tables too);
* the ``quiet`` libraries log below WARNING only for ``--verbose``. Their loggers are set to
  WARNING, and the handler drops their lower records as well: Scrapy's ``dictConfig`` sets its
  loggers back to DEBUG when a crawl starts, and a record of a DEBUG logger passes a root logger
  at INFO (levels are checked where a record is made) — that is how Scrapy's version banner and
  "Using AsyncCrawlerProcess" used to reach a default run.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable

#: time, logger, level, message — the one line format of both processes
LINE_FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"
TIME_FORMAT = "%H:%M:%S"
#: C0 (but tab and newline), DEL, C1, and the bidi controls that reorder what a terminal shows
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(value: object) -> str:
    """``value`` as text a terminal shows literally: every control character written as ``[U+XXXX]``."""
    return _CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", "" if value is None else str(value))


class _TerminalFormatter(logging.Formatter):
    """The line format; each finished line (message, arguments, traceback) through ``rewrite``, then
    :func:`terminal_safe`."""

    def __init__(self, rewrite: Callable[[str], str] | None = None) -> None:
        super().__init__(LINE_FORMAT, TIME_FORMAT)
        self.rewrite = rewrite

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return terminal_safe(self.rewrite(line) if self.rewrite else line)


def log_to_stderr(level: int = logging.INFO, quiet: Iterable[str] = (),
                  rewrite: Callable[[str], str] | None = None) -> None:
    """The root logger at ``level`` with one stderr handler; the loggers named in ``quiet`` (and their
    children) show WARNING and above only.

    ``rewrite``: applied to every finished line (the crawl passes its credential redactor,
    crawler/secrets.py: an API's error quoted in a warning may carry the token it was sent).
    """
    quiet = tuple(quiet)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter(rewrite))
    if quiet:
        handler.addFilter(lambda record: record.levelno >= logging.WARNING
                          or not any(record.name == q or record.name.startswith(q + ".") for q in quiet))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
