"""How an audit run can fail, as types the command line maps to exit codes.

The audit layer never exits the process or prints: it raises one of these and the
caller (``parity.cli``) turns it into the one stderr line and the exit code of the
contract (README "Exit codes"; ../shared/contracts.md, "Exit codes").
"""

from __future__ import annotations

from typing import ClassVar

from parity.config import ConfigError
from parity.core.exitcodes import ExitCode
from parity.core.jsonl import RecordError
from parity.store import StoreBusy, StoreError


class AuditError(Exception):
    """A run that could not finish; ``str()`` is what the user reads (may be empty: already said)."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL


class InputError(AuditError):
    """Usage, config or input-file error: the user's to fix (exit 2). An empty message means the
    crawl process has already printed its ``file:line: field: message`` lines."""

    exit_code = ExitCode.USAGE


class Interrupted(AuditError):
    """Ctrl-C / SIGINT: the run is kept as ``interrupted`` and a rerun resumes it (exit 130)."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str = "interrupted; collected records are kept in the store, a rerun resumes") -> None:
        super().__init__(message)


class CrawlCrashed(AuditError):
    """The crawl process ended abnormally (not an interruption, not a config error): a bug, exit 1."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, code: int) -> None:
        super().__init__(f"the crawl process exited with status {code}")
        self.code = code


#: Errors raised by the layers below that mean "your input is wrong" (exit 2), with a message
#: that names the file, line and field: a config, a JSONL record, a store that is not ours, a store
#: another run is using (StoreBusy: "store is in use by run X (pid N)").
INPUT_ERRORS: tuple[type[Exception], ...] = (InputError, ConfigError, RecordError, StoreError, StoreBusy)
