"""R18 (scaled): a 1,000-page crawl stays well inside CI's memory and time on 2 cores."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.fault_plan import Plan, SitePlan
from tests.support.faultserver import FaultServerProcess
from tests.reliability.harness import ORG, child_env, config_toml, jsonl, parity_cmd

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PAGES = 1000  # R18's 2,000 halved for the suite budget

#: Runs a command and reports the peak RSS of its largest descendant (parity or its crawl child).
MEASURE = (
    "import json, resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(json.dumps({'code': code, 'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)


def test_r18_thousand_pages_peak_memory_and_time(tmp_path: Path) -> None:
    with FaultServerProcess(Plan(sites={"main": SitePlan(pages=PAGES, seed=181)}), tmp_path / "srv") as server:
        config = tmp_path / "audit.toml"
        config.write_text(config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": server.url() + "/sitemap.xml"}]}]),
                          encoding="utf-8")
        out = tmp_path / "out"
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", MEASURE,
                               *parity_cmd("crawl", config, out, tmp_path / "store.sqlite")],
                              capture_output=True, text=True, cwd=ROOT, timeout=280, env=child_env())
        seconds = time.monotonic() - started
    measured = json.loads(proc.stdout)
    assert measured["code"] == 0
    assert len(jsonl(out / "web.jsonl")) == PAGES
    peak_mb = measured["maxrss_kb"] / 1024
    assert peak_mb < 500, peak_mb  # R18 bar: 500 MB peak RSS
    assert seconds < 120  # R18 bar: 10 min for 2,000 pages; 1,000 here
