"""Child-process plumbing for the test servers: free ports, readiness polling, process-group kills.

Kept apart from :mod:`tests.support.servers` so the server classes only say *what* to run.
Every server runs in its own session (process group), so a SIGKILL reaches the postmaster and
all its backends at once; on Linux it also gets PR_SET_PDEATHSIG, so a test run that is itself
killed leaves no server behind holding a port or a data directory.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

#: Servers still running, stopped at interpreter exit if a test forgot (or was interrupted).
_LIVE: set["subprocess.Popen[bytes]"] = set()


class ServerUnavailable(RuntimeError):
    """No binary for the server on this machine (the message says what to install)."""


class ServerFailed(RuntimeError):
    """The server binary was found but did not come up; the message carries its log tail."""


def free_port() -> int:
    """An ephemeral TCP port on 127.0.0.1 that was free a moment ago (callers retry on a clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """preexec_fn: SIGKILL this child when the process that started it dies (Linux only)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(argv: Sequence[str], log: Path, user: str | None = None, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> "subprocess.Popen[bytes]":
    """Start ``argv`` in its own session with stdout+stderr appended to ``log``."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env,
            start_new_session=True, user=user, group=_group_of(user), extra_groups=[] if user else None,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    _LIVE.add(proc)
    return proc


def run(argv: Sequence[str], log: Path, user: str | None = None, timeout: float = 120.0) -> None:
    """Run a set-up command (initdb) to completion; ServerFailed with the log tail if it fails."""
    proc = spawn(argv, log, user=user)
    try:
        code = proc.wait(timeout=timeout)
    finally:
        _LIVE.discard(proc)
    if code != 0:
        raise ServerFailed(f"{argv[0]} exited {code}: {tail(log)}")


def _group_of(user: str | None) -> int | None:
    if user is None:
        return None
    import pwd

    return pwd.getpwnam(user).pw_gid


def wait_ready(proc: "subprocess.Popen[bytes]", check: Callable[[], bool], log: Path, what: str,
               timeout: float = 30.0) -> None:
    """Poll ``check`` until it is true; ServerFailed if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        if proc.poll() is not None:
            _LIVE.discard(proc)
            raise ServerFailed(f"{what} exited with {proc.returncode} while starting: {tail(log)}")
        if check():
            return
        if time.monotonic() > deadline:
            stop(proc, signal.SIGKILL)
            raise ServerFailed(f"{what} not ready after {timeout:.0f}s: {tail(log)}")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def stop(proc: "subprocess.Popen[bytes]", sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
    """Send ``sig`` to the server's whole process group and reap it (SIGKILL if it lingers)."""
    if proc.poll() is None:
        _signal_group(proc, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
    _wait_group_gone(proc.pid, timeout)
    _LIVE.discard(proc)


def _wait_group_gone(pgid: int, timeout: float) -> None:
    """Wait until no live (non-zombie) process is left in the group.

    After a SIGKILL the postmaster is reaped at once but its backends, reparented, may still be
    exiting: a new postmaster on the same data directory then refuses to start ("pre-existing
    shared memory block is still in use"). Zombies have already detached, so they don't count.
    """
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_live_member(stat, pgid) for stat in proc_root.glob("[0-9]*/stat")):
            return
        time.sleep(0.01)


def _live_member(stat: Path, pgid: int) -> bool:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and int(fields[2]) == pgid


def _signal_group(proc: "subprocess.Popen[bytes]", sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def tail(log: Path, lines: int = 15) -> str:
    """The last lines of a server log, for error messages."""
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(text[-lines:]) or "(empty log)"


def port_in_use_error(log: Path) -> bool:
    """Did the server fail because another process took the port between free_port() and bind()?"""
    text = tail(log, 40).lower()
    return "address already in use" in text or "could not bind" in text


@atexit.register
def _stop_all() -> None:
    for proc in list(_LIVE):
        stop(proc, signal.SIGKILL, timeout=5)
