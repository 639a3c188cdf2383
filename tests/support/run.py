"""Running the product in a child process: the one way the tests start ``parity``, a crawl or a test server.

Crawls always run in a child process (``python -m parity.cli …`` starts
``python -m crawler.run``): Scrapy's reactor never starts inside pytest, and an
interruption test must be able to kill the whole process group. Children run
this interpreter from the checkout root (``cwd=ROOT``), so they import the
checkout's packages, without ``PARITY_DEBUG`` and without any platform token a
developer may have set (a test passes the ones it means in ``env``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from tests.conftest import ROOT

#: Removed from every child's environment: a test's crawl must not use the developer's own credentials.
INHERITED_NOT = ("PARITY_DEBUG", "FB_TOKEN", "IG_TOKEN", "X_TOKEN")


def child_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment minus :data:`INHERITED_NOT`, unbuffered, plus ``extra`` (a None value unsets)."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_NOT}
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def module_cmd(module: str, *args: str | Path) -> list[str]:
    """``python -m module args…`` with this interpreter."""
    return [sys.executable, "-m", module, *map(str, args)]


@dataclass
class Run:
    """A finished child: exit code, its output, and how long it took."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float


def run_module(module: str, *args: str | Path, cwd: Path = ROOT, env: Mapping[str, str | None] | None = None,
               timeout: float = 120, allow_traceback: bool = False) -> Run:
    """Run ``python -m module`` to the end; asserts that no traceback reached stderr (unless allowed)."""
    cmd = module_cmd(module, *args)
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=timeout, env=child_env(env))
    seconds = time.monotonic() - started
    if not allow_traceback:
        assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    return Run(cmd, proc.returncode, proc.stdout, proc.stderr, seconds)


def run_parity(*args: str | Path, cwd: Path = ROOT, env: Mapping[str, str | None] | None = None,
               timeout: float = 120, allow_traceback: bool = False) -> Run:
    """``parity ARGS…`` (``python -m parity.cli``)."""
    return run_module("parity.cli", *args, cwd=cwd, env=env, timeout=timeout, allow_traceback=allow_traceback)


def run_crawl(*args: str | Path, cwd: Path = ROOT, env: Mapping[str, str | None] | None = None,
              timeout: float = 120, allow_traceback: bool = False) -> Run:
    """The crawl process on its own (``python -m crawler.run --config … --store …``)."""
    return run_module("crawler.run", *args, cwd=cwd, env=env, timeout=timeout, allow_traceback=allow_traceback)


def start_module(module: str, *args: str | Path, cwd: Path = ROOT, env: Mapping[str, str | None] | None = None,
                 own_session: bool = False, capture: bool = True) -> subprocess.Popen[str]:
    """Start ``python -m module``; ``own_session``: its own process group, as a shell job.

    Output is piped (text) for the test to read; ``capture=False`` discards it instead, for a child that
    writes more than a pipe holds while nobody reads (a long crawl's log).
    """
    output = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.Popen(module_cmd(module, *args), stdout=output, stderr=output, text=True, cwd=cwd,
                            env=child_env(env), start_new_session=own_session)


def start_parity(*args: str | Path, cwd: Path = ROOT,
                 env: Mapping[str, str | None] | None = None) -> subprocess.Popen[str]:
    """Start ``parity ARGS…`` in its own session, so a test can signal the whole group (as Ctrl-C does)."""
    return start_module("parity.cli", *args, cwd=cwd, env=env, own_session=True)


def signal_group(proc: subprocess.Popen[str], signum: int = signal.SIGINT) -> None:
    """Send ``signum`` to the child's whole process group (parity and its crawl child)."""
    os.killpg(proc.pid, signum)


def stop(proc: subprocess.Popen[str], timeout: float = 10) -> None:
    """SIGTERM, wait, SIGKILL if need be; close the pipes."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def announce_and_wait(urls: Mapping[str, str]) -> None:
    """The child side of a test server: one JSON line of its URLs on stdout, then serve until SIGTERM/SIGINT."""
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    sys.stdout.write(json.dumps(dict(urls)) + "\n")
    sys.stdout.flush()
    while not stopped.wait(0.2):
        pass
