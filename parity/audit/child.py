"""The crawler's child processes: ``python -m crawler.run`` and ``python -m crawler.discover``.

Scrapy runs in its own process: its reactor cannot restart, and a crash there must not
take the audit down. The child shares our process group, so Ctrl-C reaches it directly
and it stops gracefully; we only wait. A second Ctrl-C while waiting is passed on.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from parity.audit.errors import InputError
from parity.core.exitcodes import ExitCode
from parity.core.timeutil import format_time


def run_crawl(config_path: Path, store_path: Path | str, run_id: str, now: dt.datetime,
              orgs: list[str] | None = None, verbose: bool = False, warc: Path | None = None,
              redis: str | None = None, workers: int = 1) -> int:
    """Run ``python -m crawler.run`` and return its exit status.

    ``warc``: the WARC file the crawl appends every downloaded response to (None: no archive).
    ``redis``: crawl in distributed mode, sharing the work through this Redis with ``workers``
    local worker processes (and any ``parity worker`` that joins).
    """
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config_path), "--store", str(store_path),
           "--run-id", run_id, "--now", format_time(now) or ""]
    for org in orgs or []:
        cmd += ["--org", org]
    if verbose:
        cmd.append("--verbose")
    if warc is not None:
        cmd += ["--warc", str(warc)]
    if redis:
        cmd += ["--redis", redis, "--workers", str(workers)]
    return _wait_for(cmd)


def run_worker(redis: str, store: str | None = None, once: bool = False, wait: float = 3600.0,
               verbose: bool = False) -> int:
    """``parity worker``: join distributed crawl runs on ``redis`` as they start (``python -m crawler.worker``).

    One child process per run (Scrapy's reactor cannot restart), all under one worker name, so
    a child never joins a run this worker already finished; a machine running this under
    systemd serves every nightly run. ``once``: stop after one run (or after ``wait`` seconds
    without one). Returns the last child's exit status (130 after Ctrl-C).
    """
    problem = redis_problem(redis)
    if problem:
        raise InputError(problem)
    name = f"{socket.gethostname()}-{os.getpid()}"
    while True:
        cmd = [sys.executable, "-m", "crawler.worker", "--redis", redis, "--wait", str(wait), "--name", name]
        cmd += ["--store", store] if store else []
        cmd += ["--verbose"] if verbose else []
        code = _wait_for(cmd)
        if once or code != ExitCode.OK:
            return code


def redis_problem(url: str | None) -> str | None:
    """What is wrong with a ``--redis`` value (the workers check that Redis answers), or None."""
    if not url:
        return "--redis: a Redis URL is required (redis://host:6379/0)"
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        return f"--redis: {url.split('@')[-1]} is not a redis://, rediss:// or unix:// URL"
    return None


def run_discover(url: str, org_id: str | None = None, name: str | None = None, no_robots: bool = False,
                 delay: float = 0.5) -> int:
    """Run ``python -m crawler.discover``; its stdout (the config block) is ours, unchanged."""
    cmd = [sys.executable, "-m", "crawler.discover", url, "--delay", str(delay)]
    cmd += ["--id", org_id] if org_id else []
    cmd += ["--name", name] if name else []
    cmd += ["--no-robots"] if no_robots else []
    return _wait_for(cmd)


def _wait_for(cmd: list[str]) -> int:
    """Start ``cmd`` and wait; an interrupted child that stopped cleanly reports 130."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    child = subprocess.Popen(cmd, env=env)
    interrupted = False
    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:
            interrupted = True
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
    if interrupted and code in (0, ExitCode.INTERRUPTED, -signal.SIGINT):
        return ExitCode.INTERRUPTED
    return code
