"""The crawler's child processes: ``python -m crawler.run`` and ``python -m crawler.discover``.

Scrapy runs in its own process: its reactor cannot restart, and a crash there must not
take the audit down. The child shares our process group, so Ctrl-C reaches it directly
and it stops gracefully; we only wait. A second Ctrl-C while waiting is passed on.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from parity.audit.errors import InputError
from parity.core.exitcodes import ExitCode
from parity.core.timeutil import format_time

if TYPE_CHECKING:
    from parity.audit.request import Progress


def run_crawl(config_path: Path, store_path: Path | str, run_id: str, now: dt.datetime,
              orgs: list[str] | None = None, verbose: bool = False, warc: Path | None = None,
              progress: Progress | None = None, lock_fds: tuple[int, ...] | None = None,
              redis: str | None = None, workers: int = 1) -> int:
    """Run ``python -m crawler.run`` and return its exit status.

    ``warc``: the WARC file the crawl appends every downloaded response to (None: no archive).
    ``progress``: receives the crawl's live totals, read from a pipe the child writes JSON lines to
    (``--progress-fd``; crawler/progress.py), and the child's stderr lines if it captures them.
    ``lock_fds``: we hold the store's run lock (parity/store/lock.py); its descriptors are inherited
    (and stay open here) and the child is told not to take the lock itself. None: the child takes it.
    ``redis``: crawl in distributed mode, sharing the work through this Redis with ``workers``
    local worker processes (and any ``parity worker`` that joins); they never take the run lock.
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
    if lock_fds is not None:
        cmd.append("--store-locked")
    if progress is None:
        return _wait_for(cmd, keep_fds=lock_fds or ())
    read_end, write_end = os.pipe()
    cmd += ["--progress-fd", str(write_end)]
    readers = [threading.Thread(target=_read_progress, args=(read_end, progress), daemon=True)]
    try:
        return _wait_for(cmd, pass_fds=(write_end,), progress=progress, readers=readers, keep_fds=lock_fds or ())
    finally:
        os.close(read_end)


def _read_progress(fd: int, progress: Progress) -> None:
    """Pass each JSON line of the progress pipe on; ends when the child (the only writer) exits."""
    with os.fdopen(os.dup(fd), "rb", buffering=0) as pipe:
        for raw in iter(pipe.readline, b""):
            try:
                counts = json.loads(raw)
            except ValueError:
                continue
            if isinstance(counts, dict):
                progress.crawl(counts)


def _forward_stderr(stream: Any, progress: Progress) -> None:
    for line in iter(stream.readline, ""):
        progress.child_line(line)


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
    missing = [name for name in ("redis", "scrapy_redis") if importlib.util.find_spec(name) is None]
    if missing:  # checked before the run starts: the workers would otherwise fail one by one, as a "bug"
        return (f"--redis: the distributed crawl needs {' and '.join(missing)}: "
                "pip install 'reach-parity[distributed]'")
    return None


def run_discover(url: str, org_id: str | None = None, name: str | None = None, no_robots: bool = False,
                 delay: float = 0.5) -> int:
    """Run ``python -m crawler.discover``; its stdout (the config block) is ours, unchanged."""
    cmd = [sys.executable, "-m", "crawler.discover", url, "--delay", str(delay)]
    cmd += ["--id", org_id] if org_id else []
    cmd += ["--name", name] if name else []
    cmd += ["--no-robots"] if no_robots else []
    return _wait_for(cmd)


def _wait_for(cmd: list[str], pass_fds: tuple[int, ...] = (), progress: Progress | None = None,
              readers: list[threading.Thread] | None = None, keep_fds: tuple[int, ...] = ()) -> int:
    """Start ``cmd`` and wait; an interrupted child that stopped cleanly reports 130.

    ``pass_fds`` are inherited by the child and closed here once it started (so a reader sees end of
    file when the child exits); ``keep_fds`` are inherited and stay open (the store's run lock);
    ``readers`` are started with it and joined after it."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    capture = bool(progress is not None and getattr(progress, "captures_child_output", False))
    child = subprocess.Popen(cmd, env=env, pass_fds=(*pass_fds, *keep_fds),
                             stderr=subprocess.PIPE if capture else None, text=capture, encoding="utf-8" if capture else None,
                             errors="replace" if capture else None)
    for fd in pass_fds:
        os.close(fd)
    threads = list(readers or [])
    if capture and progress is not None:
        threads.append(threading.Thread(target=_forward_stderr, args=(child.stderr, progress), daemon=True))
    for thread in threads:
        thread.start()
    try:
        return _wait(child)
    finally:
        for thread in threads:
            thread.join(timeout=5)


def take_back_ctrl_c() -> None:
    """A shell starts a background job (``parity audit … &``) with SIGINT ignored, and Python keeps an inherited
    ignore: a scheduler's ``kill -INT`` then did nothing and the run went on to the end. parity owns Ctrl-C (it
    passes it to its crawl child, keeps what was collected and exits 130), so it takes the signal back."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _wait(child: subprocess.Popen[Any]) -> int:
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
