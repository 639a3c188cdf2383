"""The exit codes of the ``parity`` command (../shared/contracts.md, "Exit codes"): one definition.

Schedulers branch on these numbers, so they are part of the contract; every module that
ends a process or reports an outcome takes them from here.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a run of ``parity`` (or of the crawl child process) ended with."""

    OK = 0  #: ran; every organisation at or above --fail-under (if given)
    INTERNAL = 1  #: a bug; PARITY_DEBUG=1 shows the traceback
    USAGE = 2  #: usage, config or input-file error (one line on stderr)
    BELOW_THRESHOLD = 3  #: ran; some organisation's parity rate is below --fail-under
    INCOMPLETE = 4  #: ran, but some source could not be fully collected
    INTERRUPTED = 130  #: interrupted; what was collected is kept and a rerun resumes


def outcome(below_threshold: bool, incomplete: bool) -> ExitCode:
    """The exit code of a finished run. Where both 3 and 4 apply, 4 wins: an incomplete
    collection makes the rate itself doubtful, and that is what the scheduler must see first."""
    if incomplete:
        return ExitCode.INCOMPLETE
    if below_threshold:
        return ExitCode.BELOW_THRESHOLD
    return ExitCode.OK
