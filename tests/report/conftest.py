"""Fixtures for the report-in-a-browser tests: the demo report (built once per run), one headless Chromium.

The demo report is built by the real command line (``parity demo --out DIR``), as a user would; with xdist the
workers share one build through a lock file in the run's common temporary folder, so two cores are not spent
crawling the demo world twice.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import Browser, BrowserError, axe_source
from tests.support.run import run_parity


def _shared_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder common to every xdist worker of this run (the base temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of ``parity demo`` (its folder also holds verdicts.jsonl etc.)."""
    shared = _shared_temp(tmp_path_factory)
    out = shared / "browser-demo"
    with open(shared / "browser-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "report.html").is_file():
            result = run_parity("demo", "--out", out, timeout=300, allow_traceback=True)
            if result.code != 0 or not (out / "report.html").is_file():
                last = (result.stderr.strip().splitlines() or ["no output"])[-1]
                pytest.fail(f"parity demo exited {result.code}: {last}", pytrace=False)
    return out / "report.html"


@pytest.fixture(scope="session")
def multi_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of a two-organisation, four-platform audit with ``--warc`` (tests/report/multiorg.py),
    built once per run like :func:`demo_report`; its folder also holds the exports and the archive."""
    from parity.demo import DemoWorld
    from tests.report.multiorg import write_config

    shared = _shared_temp(tmp_path_factory)
    folder = shared / "browser-multi"
    with open(shared / "browser-multi.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "report" / "report.html").is_file():
            with DemoWorld() as world:
                config = write_config(world, folder / "config")
                result = run_parity("audit", config, "--out", folder / "report", "--store", folder / "parity.sqlite",
                                    "--warc", "--format", "json", timeout=300, allow_traceback=True)
            if result.code != 0 or not (folder / "report" / "report.html").is_file():
                last = (result.stderr.strip().splitlines() or ["no output"])[-1]
                pytest.fail(f"parity audit (two organisations) exited {result.code}: {last}", pytrace=False)
    return folder / "report" / "report.html"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per worker, axe-core at hand; if either is missing the tests fail (never skip)."""
    chromium, problem = Browser(), ""
    try:
        axe_source()
        chromium.start()
    except BrowserError as exc:
        problem = str(exc)
    if problem:  # outside the except block: the one-line reason alone, no chained traceback
        pytest.fail(problem, pytrace=False)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the report's screenshots go: ``report-screenshots/`` in the run's pytest temp folder, which pytest
    keeps for the last few runs and links as ``/tmp/pytest-of-$USER/pytest-current`` for the latest one."""
    path = _shared_temp(tmp_path_factory) / "report-screenshots"
    path.mkdir(exist_ok=True)
    return path
