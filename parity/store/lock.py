"""One run at a time per store: an exclusive lock held for the whole run, refused at once to a second.

Two audits on the same ``--store`` interleave their writes: one hit ``database is
locked`` and dropped pages, the other "resumed" the still-running first run and took
over its rows (issue 12 §6). A run therefore takes the store's run lock before it
registers itself, and keeps it until it has written its last output; a second run that
finds it taken stops with exit 2 and ``<store>: store is in use by run X (pid N)``.

The interface is :class:`RunLock` (``Store.lock_run``), so every back end provides it:

* SQLite (:class:`FileRunLock`): ``flock(2)`` on ``<store file>.lock`` beside the
  database. The kernel releases it when the last descriptor closes, so a killed run
  never leaves a stale lock; the file only says who holds it (run id, pid, start). The
  descriptor is handed to the crawl child (``inheritable_fds``), so the lock outlives a
  parent killed while its crawl still writes. The file is never deleted (deleting a
  locked file lets a third process lock a new one).
* PostgreSQL (:class:`AdvisoryRunLock`): ``pg_try_advisory_lock`` on a session of its
  own (advisory locks belong to one database, so every store has its own), with the
  holder in the ``meta`` row ``run_lock``. The server drops the lock when that session
  ends, so a killed run leaves none behind. ``inheritable_fds`` is empty and the crawl
  child takes no lock of its own (it is told the parent holds it). The workers of a
  distributed crawl never take it: they belong to the run that holds it, however many
  there are and wherever they run; a second *run* on the same database is refused.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self


class StoreBusy(RuntimeError):
    """Another run holds the store's run lock; the message names it (run id and pid)."""


class RunLock(Protocol):
    """An exclusive lock on a store for one run; released by :meth:`release` or when the process ends."""

    run_id: str

    def release(self) -> None: ...
    def inheritable_fds(self) -> tuple[int, ...]: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None: ...


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


class FileRunLock:
    """The SQLite back end's run lock: ``flock`` on ``<store>.lock`` (see the module docstring)."""

    def __init__(self, store_path: Path, run_id: str) -> None:
        self.path = lock_path(store_path)
        self.run_id = run_id
        self.fd: int | None = None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise StoreBusy(f"{store_path}: store is in use by run {holder.get('run_id', '?')} "
                            f"(pid {holder.get('pid', '?')})") from None
        except OSError:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"run_id": run_id, "pid": os.getpid(),
                                  "since": dt.datetime.now(dt.timezone.utc).isoformat()}).encode() + b"\n", 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        os.close(fd)  # closing our descriptor drops the lock (unless a crawl child still holds a copy)

    def inheritable_fds(self) -> tuple[int, ...]:
        return (self.fd,) if self.fd is not None else ()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


#: The run lock's key on PostgreSQL: ``pg_try_advisory_lock(classid, objid)`` (any constant pair will do).
ADVISORY_KEY = (7117140, 2)


class AdvisoryRunLock:
    """The PostgreSQL back end's run lock: a session-level advisory lock on ``raw``, a connection of its own.

    ``raw`` is a psycopg connection in autocommit mode; it is closed on release (which ends the lock)
    and when the lock is refused. ``target`` names the store in the message (no password).
    """

    def __init__(self, raw: Any, target: str, run_id: str) -> None:
        self.run_id = run_id
        self.raw: Any = raw
        try:
            taken = raw.execute("SELECT pg_try_advisory_lock(%s, %s)", ADVISORY_KEY).fetchone()[0]
            if not taken:
                holder = _holder_row(raw)
                raise StoreBusy(f"{target}: store is in use by run {holder.get('run_id', '?')} "
                                f"(pid {holder.get('pid', '?')})")
            raw.execute("INSERT INTO meta (key, value) VALUES ('run_lock', %s)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(_me(run_id)),))
        except BaseException:
            raw.close()
            self.raw = None
            raise

    def release(self) -> None:
        if self.raw is None:
            return
        raw, self.raw = self.raw, None
        raw.close()  # the session ends: so does its advisory lock

    def inheritable_fds(self) -> tuple[int, ...]:
        return ()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


def _me(run_id: str) -> dict[str, object]:
    import socket

    return {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
            "since": dt.datetime.now(dt.timezone.utc).isoformat()}


def _holder_row(raw: Any) -> dict[str, object]:
    """Who holds the PostgreSQL run lock, from ``meta`` (written by the holder just after it took the lock)."""
    row = raw.execute("SELECT value FROM meta WHERE key = 'run_lock'").fetchone()
    try:
        data = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _holder(fd: int) -> dict[str, object]:
    """Who holds the lock, from the lock file (written by the holder; empty while it is being written)."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
