"""Part 3 (R8, R9): SIGINT ⇒ graceful stop, exit 130, the rerun resumes; SIGKILL at random points ⇒ the
rerun completes with 0 duplicates and 0 lost items; corrupt job state ⇒ a warning, not a traceback.

The resume guarantee comes from the crawl ledger (crawler/ledger.py, docs/ledger.md): a page's ledger row
becomes ``done`` in the same transaction as its item, and a rerun after an interrupted run adopts its rows
and never fetches a page that is ``done``. These tests check that from the outside: real signals to real
processes, the store read read-only while the crawl writes it, the fault server's access log.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.reliability.harness import (
    ORG,
    jsonl,
    parity_args,
    run_config,
    start_config,
    store_rows,
)
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan, page_path, page_token
from tests.support.faultserver import FaultServerProcess
from tests.support.run import child_env, module_cmd, signal_group

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

PAGES = 500


def site(seed: int, pages: int = PAGES) -> SitePlan:
    return SitePlan(pages=pages, seed=seed, latency=0.03)


def crawl_config(base: str) -> str:
    return config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"}]}],
                       concurrency_per_host=4, timeout_seconds=5.0, retries=1)


def stored_items(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        return int(store_rows(store, "SELECT count(*) FROM web_items")[0][0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def wait_for_items(proc: Any, store: Path, count: int, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the crawl ended (exit {proc.returncode}) before {count} items were stored:\n"
                                 + proc.stderr.read()[-3000:])
        n = stored_items(store)
        if n >= count:
            return n
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} items after {timeout} s")


def ledger_states(store: Path, run_id: str | None = None) -> Counter[str]:
    sql = "SELECT state, count(*) FROM crawl_ledger WHERE kind = 'page'"
    args: tuple[Any, ...] = ()
    if run_id:
        sql += " AND run_id = ?"
        args = (run_id,)
    return Counter(dict(store_rows(store, sql + " GROUP BY state", args)))


def done_pages(store: Path) -> set[str]:
    return {r[0] for r in store_rows(store, "SELECT url FROM crawl_ledger WHERE kind = 'page' AND state = 'done'")}


def check_complete(out: Path, base: str, seed: int, pages: int = PAGES) -> None:
    web = jsonl(out / "web.jsonl")
    assert len(web) == pages
    assert len({w["id"] for w in web}) == pages and len({w["url"] for w in web}) == pages  # 0 duplicates
    by_url = {w["url"]: w for w in web}
    lost = [i for i in range(pages) if page_token(i, seed) not in by_url.get(base + page_path(i), {}).get("text", "")]
    assert lost == []  # 0 lost: every page is there with its own text


def page_hits(log: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["target"] for e in log if e["target"].startswith("/news/") and e["status"] == 200)


# --- R8 ------------------------------------------------------------------------------------------


def test_r8_sigint_graceful_stop_exit_130_and_the_rerun_resumes(tmp_path: Path) -> None:
    seed = 111
    with FaultServerProcess(Plan(sites={"main": site(seed)}), tmp_path / "srv") as server:
        base = server.url()
        proc, out, store = start_config(tmp_path, crawl_config(base), "--now", "2026-03-10T12:00:00Z")
        at_signal = wait_for_items(proc, store, 100)
        started = time.monotonic()
        signal_group(proc, signal.SIGINT)  # Ctrl-C: the whole foreground group (parity and its crawl child)
        stdout, stderr = proc.communicate(timeout=60)
        stop_seconds = time.monotonic() - started
        assert proc.returncode == 130, stderr[-3000:]
        assert "Traceback" not in stderr and stdout == ""
        assert "interrupted" in stderr.splitlines()[-1]
        first_items = stored_items(store)
        assert 100 <= at_signal <= first_items < PAGES  # stopped part-way, kept what it had
        assert stop_seconds < 15  # graceful: in-flight requests finish, nothing new starts
        done_first = done_pages(store)
        assert len(done_first) == first_items  # every done row has its item (same transaction)
        hits_first = page_hits(server.log())

        second = run_config(tmp_path, crawl_config(base), command="crawl", out_name="out2")
        log = server.log()
    assert second.code == 0, second.stderr[-3000:]
    check_complete(second.out, base, seed)
    hits = page_hits(log)
    assert max(hits.values()) <= 2  # R8 bar: ≤ 2 server hits per URL over both runs
    refetched = [u for u in done_first if hits[u.removeprefix(base)] != 1]
    assert refetched == []  # the ledger's promise: a page stored before the stop is not fetched again
    assert sum(hits.values()) - sum(hits_first.values()) <= PAGES - len(done_first) + 8  # only the rest (+ in flight)
    runs = store_rows(store, "SELECT status, exit_code FROM runs ORDER BY started_at")
    assert runs[0] == ("interrupted", 130) or runs[0][0] == "interrupted"
    last_run = store_rows(store, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    assert set(ledger_states(store, last_run)) == {"done"}  # no todo/doing left behind


@pytest.mark.parametrize("started_as", ["foreground", "background_job"])
def test_sigint_to_the_parity_process_alone_is_passed_on(tmp_path: Path, started_as: str) -> None:
    """A scheduler's ``kill -INT <pid>`` reaches only parity: it forwards the signal to the crawl child. Also when
    parity was started as a shell's background job (``parity crawl … &``), which inherits SIGINT ignored: before
    parity took the signal back, that run went on to the end and exited 0."""
    seed = 112
    slow = SitePlan(pages=300, seed=seed, latency=0.15)  # ≈ 11 s at 4 at a time: the signal lands mid-crawl
    with FaultServerProcess(Plan(sites={"main": slow}), tmp_path / "srv") as server:
        if started_as == "foreground":
            proc, out, store = start_config(tmp_path, crawl_config(server.url()), command="crawl")
        else:
            proc, out, store = start_ignoring_sigint(tmp_path, crawl_config(server.url()))
        wait_for_items(proc, store, 50)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr
    assert 50 <= stored_items(store) < 300


def start_ignoring_sigint(tmp: Path, config_text: str) -> tuple[subprocess.Popen[str], Path, Path]:
    """``parity crawl`` as a non-interactive shell starts ``cmd &``: SIGINT ignored, inherited through exec."""
    args, out, store = parity_args(tmp, config_text, "crawl", "out", ())
    proc = subprocess.Popen(module_cmd("parity.cli", *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=child_env(), start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    return proc, out, store


# --- R9 ------------------------------------------------------------------------------------------


R9_PAGES = 300  # R9's 500 scaled for the suite budget (R8 keeps 500)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_r9_sigkill_at_a_random_point_then_the_rerun_completes(tmp_path: Path, seed: int) -> None:
    kill_after = random.Random(seed).randint(20, R9_PAGES - 30)
    with FaultServerProcess(Plan(sites={"main": site(120 + seed, R9_PAGES)}), tmp_path / "srv") as server:
        base = server.url()
        proc, out, store = start_config(tmp_path, crawl_config(base), command="crawl")
        wait_for_items(proc, store, kill_after)
        signal_group(proc, signal.SIGKILL)  # parity and the crawl child die at once, mid-write
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        killed_items = stored_items(store)
        assert kill_after <= killed_items < R9_PAGES
        done_before = done_pages(store)
        assert len(done_before) == killed_items
        second = run_config(tmp_path, crawl_config(base), command="crawl", out_name="out2")
        log = server.log()
    assert second.code == 0, second.stderr[-3000:]
    check_complete(second.out, base, 120 + seed, R9_PAGES)
    assert stored_items(store) == R9_PAGES
    hits = page_hits(log)
    assert [u for u in done_before if hits[u.removeprefix(base)] != 1] == []
    assert max(hits.values()) <= 2


# --- corrupt job state ---------------------------------------------------------------------------------


def test_corrupt_ledger_is_replaced_with_a_warning_not_a_traceback(tmp_path: Path) -> None:
    """After a kill, garbage in the ledger: bad JSON, unknown states, then a ledger table of the wrong shape."""
    seed = 131
    with FaultServerProcess(Plan(sites={"main": site(seed, 120)}), tmp_path / "srv") as server:
        base = server.url()
        proc, out, store = start_config(tmp_path, crawl_config(base), command="crawl")
        wait_for_items(proc, store, 40)
        signal_group(proc, signal.SIGKILL)
        proc.communicate(timeout=30)
        db = sqlite3.connect(store)
        db.execute("UPDATE crawl_ledger SET context = '{not json' WHERE rowid % 3 = 0")
        db.execute("UPDATE crawl_ledger SET state = 'exploded' WHERE rowid % 7 = 0")
        db.commit()
        db.close()
        rows_damaged = run_config(tmp_path, crawl_config(base), command="crawl", out_name="out2")
        assert rows_damaged.code == 0, rows_damaged.stderr[-3000:]
        assert "ledger" in rows_damaged.stderr.lower() and "WARNING" in rows_damaged.stderr
        check_complete(rows_damaged.out, base, seed, 120)

        db = sqlite3.connect(store)
        db.execute("DROP TABLE crawl_ledger")
        db.execute("CREATE TABLE crawl_ledger (junk BLOB)")
        db.execute("INSERT INTO crawl_ledger VALUES (x'00ff')")
        db.execute("UPDATE runs SET started_at = 'yesterday-ish'")
        db.commit()
        db.close()
        table_damaged = run_config(tmp_path, crawl_config(base), command="crawl", out_name="out3")
    assert table_damaged.code == 0, table_damaged.stderr[-3000:]
    assert "ledger" in table_damaged.stderr.lower() and "WARNING" in table_damaged.stderr
    check_complete(table_damaged.out, base, seed, 120)
    assert stored_items(store) == 120  # nothing stored before the damage was lost


def test_corrupt_store_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    """The store itself (collected records, history) is never silently replaced: exit 2, one line, no traceback."""
    store = tmp_path / "store.sqlite"
    store.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    with FaultServerProcess(Plan(sites={"main": site(132, 5)}), tmp_path / "srv") as server:
        result = run_config(tmp_path, crawl_config(server.url()), command="crawl")
    assert result.code == 2
    lines = [x for x in result.stderr.splitlines() if str(store) in x]
    assert len(lines) == 1 and "not a usable SQLite store" in lines[0]
    assert store.read_bytes().startswith(b"SQLite format 3\x00")  # left as it was for a person to look at
