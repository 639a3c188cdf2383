"""The crawler's child processes: ``python -m crawler.run`` and ``python -m crawler.discover``.

Scrapy runs in its own process: its reactor cannot restart, and a crash there must not
take the audit down. The child shares our process group, so Ctrl-C reaches it directly
and it stops gracefully; we only wait. A second Ctrl-C while waiting is passed on.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from parity.core.exitcodes import ExitCode
from parity.core.timeutil import format_time


def run_crawl(config_path: Path, store_path: Path, run_id: str, now: dt.datetime,
              orgs: list[str] | None = None, verbose: bool = False, warc: Path | None = None,
              lock_fds: tuple[int, ...] | None = None) -> int:
    """Run ``python -m crawler.run`` and return its exit status.

    ``warc``: the WARC file the crawl appends every downloaded response to (None: no archive).
    ``lock_fds``: we hold the store's run lock (parity/store/lock.py); its descriptors are passed
    on and the child is told not to take the lock itself. None: the child takes it.
    """
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config_path), "--store", str(store_path),
           "--run-id", run_id, "--now", format_time(now) or ""]
    for org in orgs or []:
        cmd += ["--org", org]
    if verbose:
        cmd.append("--verbose")
    if warc is not None:
        cmd += ["--warc", str(warc)]
    if lock_fds is not None:
        cmd.append("--store-locked")
    return _wait_for(cmd, lock_fds or ())


def run_discover(url: str, org_id: str | None = None, name: str | None = None, no_robots: bool = False,
                 delay: float = 0.5) -> int:
    """Run ``python -m crawler.discover``; its stdout (the config block) is ours, unchanged."""
    cmd = [sys.executable, "-m", "crawler.discover", url, "--delay", str(delay)]
    cmd += ["--id", org_id] if org_id else []
    cmd += ["--name", name] if name else []
    cmd += ["--no-robots"] if no_robots else []
    return _wait_for(cmd)


def _wait_for(cmd: list[str], pass_fds: tuple[int, ...] = ()) -> int:
    """Start ``cmd`` and wait; an interrupted child that stopped cleanly reports 130."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    child = subprocess.Popen(cmd, env=env, pass_fds=pass_fds)
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
