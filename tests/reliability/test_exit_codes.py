"""R15 exit-code contract (subprocess, pa11y-ci style) and R17 output contract on real audits."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from parity.core.jsonl import read_records
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from tests.reliability.harness import ORG, jsonl, post, run_config, write_jsonl
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, Rule, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess
from tests.support.run import run_parity

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

UNRELATED = ["Badet i Åsen stänger för säsongen.", "Skridskobanan vid Tallbacken spolas på fredag."]


def world(tmp_path: Path, broken: bool) -> tuple[FaultServerProcess, Any]:
    site = SitePlan(pages=6, seed=101)
    if broken:
        site.faults = [Rule("status", path=page_path(5), params={"status": 500})]
    return FaultServerProcess(Plan(sites={"main": site}), tmp_path / "srv"), site


def audit_config(tmp_path: Path, base: str) -> str:
    posts = [post(i, f"Nyhet {i}: information från Felby kommun.", [base + page_path(i)]) for i in range(3)]
    posts += [post(3 + i, text) for i, text in enumerate(UNRELATED)]
    posts_file = write_jsonl(tmp_path / "posts.jsonl", posts)
    return config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"}],
                         "social": [{"platform": "file", "path": str(posts_file)}]}], retries=0)


@pytest.mark.parametrize("broken,fail_under,expected", [
    (False, None, 0),     # ran, no threshold
    (False, "90", 3),     # 3 of 5 posts have a page: 60 % < 90 %
    (False, "50", 0),     # 60 % ≥ 50 %
    (True, None, 4),      # one page answers 500: the source is incomplete
    (True, "90", 4),      # both apply: 4 wins
], ids=["ok", "below-threshold", "above-threshold", "incomplete", "incomplete-beats-below"])
def test_exit_code_contract(tmp_path: Path, broken: bool, fail_under: str | None, expected: int) -> None:
    server, _ = world(tmp_path, broken)
    with server:
        extra = ("--fail-under", fail_under) if fail_under else ()
        result = run_config(tmp_path, audit_config(tmp_path, server.url()), *extra)
    assert result.code == expected, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == expected
    assert json.loads((result.out / "summary.json").read_text(encoding="utf-8"))["exit_code"] == expected
    verdicts = list(result.verdicts().values())
    assert len(verdicts) == 5
    if broken:
        assert "social_only" not in verdicts and verdicts.count("unverifiable") == 2
    else:
        assert verdicts.count("social_only") == 2


def test_exit_2_for_usage_errors(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(config_toml([{"id": ORG, "web": [{"type": "page", "url": "http://127.0.0.1:9/"}]}]),
                      encoding="utf-8")
    for args in (["audit", str(config), "--format", "xml"], ["audit", str(tmp_path / "missing.toml")],
                 ["audit", str(config), "--org", "someone-else"], ["audit", str(config), "--fail-under", "120"],
                 ["no-such-command"]):
        proc = run_parity(*args, timeout=60)
        assert proc.code == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_exit_1_for_an_internal_error_one_line_traceback_only_on_request(tmp_path: Path) -> None:
    """A store whose posts table lacks columns makes the crawl child fail: a bug, exit 1, one line."""
    store = tmp_path / "store.sqlite"
    db = sqlite3.connect(store)
    db.execute("CREATE TABLE posts (id TEXT PRIMARY KEY, org TEXT, published_at TEXT)")
    db.commit()
    db.close()
    server, _ = world(tmp_path, broken=False)
    with server:
        config = audit_config(tmp_path, server.url())
        plain = run_config(tmp_path, config)
        debug = run_config(tmp_path, config, env={"PARITY_DEBUG": "1"}, out_name="out-debug", allow_traceback=True)
    assert plain.code == 1 and plain.stdout == ""
    internal = [x for x in plain.stderr.splitlines() if "internal error" in x]
    assert len(internal) >= 1 and all("PARITY_DEBUG=1" in x for x in internal)
    assert "Traceback" not in plain.stderr
    assert debug.code == 1 and "Traceback" in debug.stderr


def test_r17_outputs_follow_the_contract(tmp_path: Path) -> None:
    """--format json with --verbose: stdout is one JSON object; every record file validates; links resolve."""
    server, _ = world(tmp_path, broken=True)
    with server:
        config = audit_config(tmp_path, server.url())
        result = run_config(tmp_path, config, "--verbose")
        table = run_config(tmp_path, config, "--format", "table", out_name="out-table")
    assert result.code == 4
    assert len(result.stdout.strip().splitlines()) == 1
    summary = json.loads(result.stdout)
    assert isinstance(summary, dict) and summary["exit_code"] == 4
    assert len(result.stderr.splitlines()) > 20  # the verbose progress went to stderr
    out = result.out
    posts = read_records(out / "posts.jsonl", Post)
    web = read_records(out / "web.jsonl", WebItem)
    verdicts = read_records(out / "verdicts.jsonl", Verdict)
    sources = read_records(out / "sources.jsonl", SourceStatus)
    assert (len(posts), len(web), len(verdicts), len(sources)) == (5, 5, 5, 2)
    web_ids = {w.id for w in web}
    for verdict in verdicts:
        if verdict.verdict in ("match", "partial", "late"):
            assert verdict.web_id in web_ids
        else:
            assert verdict.web_id is None
    for line in jsonl(out / "sources.jsonl"):
        assert {"org", "kind", "url", "status", "items", "error"} <= set(line)
        assert line["status"] in ("ok", "partial", "failed", "robots_blocked")
    rows = list(csv.DictReader(io.StringIO((out / "verdicts.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 5 and {"post_id", "verdict"} <= set(rows[0])
    assert sorted(r["verdict"] for r in rows) == sorted(v.verdict for v in verdicts)
    assert (out / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    # table format: stdout carries the table only, no log line
    assert table.code == 4 and "felby-kommun" in table.stdout
    assert not any(" INFO: " in x or " WARNING: " in x for x in table.stdout.splitlines())
