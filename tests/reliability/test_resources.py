"""R18 (scaled): a 1,000-page crawl stays well inside CI's memory and time on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reliability.harness import NOW, ORG, jsonl
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan
from tests.support.faultserver import FaultServerProcess
from tests.support.run import module_cmd, run_module

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PAGES = 1000  # R18's 2,000 halved for the suite budget


def test_r18_thousand_pages_peak_memory_and_time(tmp_path: Path) -> None:
    with FaultServerProcess(Plan(sites={"main": SitePlan(pages=PAGES, seed=181)}), tmp_path / "srv") as server:
        config = tmp_path / "audit.toml"
        config.write_text(config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": server.url() + "/sitemap.xml"}]}]),
                          encoding="utf-8")
        out = tmp_path / "out"
        crawl = module_cmd("parity.cli", "crawl", config, "--out", out, "--store", tmp_path / "store.sqlite",
                           "--now", NOW)
        done = run_module("tests.support.peak_rss", *crawl, timeout=280)  # the peak RSS of parity and its crawl child
        seconds = done.seconds
    measured = json.loads(done.stdout)
    assert measured["code"] == 0
    assert len(jsonl(out / "web.jsonl")) == PAGES
    peak_mb = measured["maxrss_kb"] / 1024
    assert peak_mb < 500, peak_mb  # R18 bar: 500 MB peak RSS
    assert seconds < 120  # R18 bar: 10 min for 2,000 pages; 1,000 here
