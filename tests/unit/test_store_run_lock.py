"""The store's run lock on both back ends (parity/store/lock.py): SQLite's flock, PostgreSQL's advisory lock.

One run at a time per store (issue 12 §6), the same message on both, released when the holder
ends — even when it is killed, since the kernel (a file descriptor) or the server (a session)
drops it. The workers of a distributed run never take it (tests/distributed/test_demo_workers.py
runs three of them under a run that holds it, and a second run is refused meanwhile).
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from parity.store import StoreBusy, open_store
from tests.conftest import ROOT
from tests.support.stores import postgres_db, postgres_srv, store_target  # noqa: F401  (fixtures)

HOLD = """
import sys, time
from parity.store import open_store
store = open_store(sys.argv[1])
lock = store.lock_run("run-held")
print("held", flush=True)
time.sleep(120)
"""


def test_the_lock_is_exclusive_names_its_holder_and_is_released(store_target: str) -> None:
    with open_store(store_target) as store, store.lock_run("run-a"):
        with open_store(store_target) as other, pytest.raises(StoreBusy) as refused:
            other.lock_run("run-b")
        assert "store is in use by run run-a (pid " in str(refused.value)
        assert "secret" not in str(refused.value)
        with open_store(store_target) as reader:  # readers and writers are not blocked, only runs
            reader.begin_run("reader", "history")
    with open_store(store_target) as store, store.lock_run("run-c"):
        pass  # released on exit: the next run takes it


def test_a_killed_holder_leaves_no_lock_behind(store_target: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, store_target], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with open_store(store_target) as store, pytest.raises(StoreBusy, match="run run-held"):
            store.lock_run("run-b")
        holder.kill()
        holder.wait(timeout=30)
        deadline = time.monotonic() + 30  # the server notices the closed session at once; allow for a slow box
        while True:
            try:
                with open_store(store_target) as store, store.lock_run("run-after"):
                    break
            except StoreBusy:
                assert time.monotonic() < deadline, "the killed run's lock was never released"
                time.sleep(0.2)
    finally:
        if holder.poll() is None:
            holder.kill()
