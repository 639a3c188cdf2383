"""The live crawl display on stderr: sources done of total, pages, items, errors.

On a terminal a rich progress bar (it also prints the crawl process's log lines above
itself, so they cannot tear it apart); anywhere else — cron, CI, a pipe — the audit layer's
plain lines (``crawl: 3/6 sources done, 120 pages, 80 items, 0 errors``), because a bar
redrawn with carriage returns is noise in a log file.
"""

from __future__ import annotations

import sys
from typing import Any

from parity.audit import LogProgress, Progress
from parity.cli.console import terminal_safe


class RichProgress:
    """A rich progress bar for the crawl; the other stages as plain lines above it."""

    captures_child_output = True

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(file=sys.stderr)
        self.bar = Progress(TextColumn("crawl"), BarColumn(), MofNCompleteColumn(), TextColumn("sources"),
                            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), console=self.console,
                            transient=False)
        self.task: Any = None

    def stage(self, stage: str, message: str) -> None:
        if stage != "crawl" and self.task is not None:
            self.bar.stop()
            self.task = None
        self.console.print(terminal_safe(message), markup=False, highlight=False)

    def crawl(self, counts: dict[str, Any]) -> None:
        detail = f"{counts.get('pages', 0)} pages · {counts.get('items', 0)} items · {counts.get('errors', 0)} errors"
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("crawl", total=counts.get("sources_total") or None, detail=detail)
        self.bar.update(self.task, total=counts.get("sources_total") or None, completed=counts.get("sources_done", 0),
                        detail=detail)

    def child_line(self, line: str) -> None:
        self.console.print(terminal_safe(line.rstrip("\n")), markup=False, highlight=False)

    def close(self) -> None:
        if self.task is not None:
            self.bar.stop()
            self.task = None


def progress_for_stderr() -> Progress:
    """A live bar when stderr is a terminal, plain log lines otherwise."""
    return RichProgress() if sys.stderr.isatty() else LogProgress()
