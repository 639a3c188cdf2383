"""Issue 12 §7 (input files): hostile JSON, over-long lines, lone surrogates, files that are not what they seem.

Each is a user error or hostile content, never a bug: exit 2 with ``file:line: field: message``
(not 1 with a traceback), or — for a lone surrogate — the record kept with the character
replaced by U+FFFD and counted.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parity.core.jsonl import MAX_LINE_BYTES
from tests.conftest import ROOT
from tests.reliability.harness import (
    ORG,
    jsonl,
    latest_source_details,
    post,
    run_config,
    write_jsonl,
)
from tests.reliability.hostile_apis import (
    Scripted,
    json_answer,
    mastodon_status,
    serving,
)
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess
from tests.support.run import child_env

pytestmark = pytest.mark.timeout(180)

GOOD = json.dumps(post(1, "Vattnet stängs av på Storgatan 12 mars kl. 8–16."), ensure_ascii=False)
WEB = {"id": "web:felby-kommun:1", "org": ORG, "source": "page", "url": "https://felby.example/vatten",
       "title": "Vattenavstängning", "text": "Vattnet stängs av på Storgatan 12 mars kl. 8–16."}
DEEP = "[" * 100_000 + "]" * 100_000
ROW = json.dumps({"title": "Vatten", "text": "Storgatan", "published_at": "2026-03-02", "channel": "brev"})


def hostile(line: str, date: str) -> dict[str, str]:
    """The three hostile variants of one JSON line whose time field holds ``date``."""
    return {"published-1e30": line.replace(f'"{date}"', "1e30"),
            "nested-100000": line[:-1] + f', "extra": {DEEP}}}',
            "integer-5000-digits": line[:-1] + f', "extra": {"9" * 5000}}}'}


#: name → {entry point: (field, words)}; posts files (match, a `file` source) and a register
EXPECTED = {
    "published-1e30": {"posts": ("published_at", "out of range"), "register": ("published_at", "not a date")},
    "nested-100000": {"posts": ("(line)", "nested too deeply"), "register": ("json", "nested too deeply")},
    "integer-5000-digits": {"posts": ("(line)", "4300 digits"), "register": ("json", "4300 digits")},
}


def parity(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env=child_env(env), check=False)


def problem(stderr: str, path: Path, line: int, field: str) -> str:
    """Exactly one ``path:line: field: message`` line on stderr, and no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [x for x in stderr.splitlines() if x.startswith(f"{path}:")]
    assert len(lines) == 1, stderr[-3000:]
    assert lines[0].startswith(f"{path}:{line}: {field}: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_json_lines_exit_2_for_match_and_imports(tmp_path: Path, name: str) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(GOOD + "\n" + hostile(GOOD, "2026-03-02T09:00:00Z")[name] + "\n", encoding="utf-8")
    register = tmp_path / "register.jsonl"
    register.write_text(ROW + "\n" + hostile(ROW, "2026-03-02")[name] + "\n", encoding="utf-8")
    web = write_jsonl(tmp_path / "web.jsonl", [WEB])
    out = tmp_path / "verdicts.jsonl"
    field, words = EXPECTED[name]["posts"]
    matched = parity("match", "--posts", str(posts), "--web", str(web), "--out", str(out), "--embeddings", "off")
    assert matched.returncode == 2 and not out.exists()
    assert words in problem(matched.stderr, posts, 2, field)
    # The same lines in a nightly run's `file` source and register: exit 2 before anything is crawled.
    for group, entry, path, kind in (("social", {"platform": "file", "path": str(posts)}, posts, "posts"),
                                     ("web", {"type": "register", "path": str(register)}, register, "register")):
        result = run_config(tmp_path, config_toml([{"id": ORG, group: [entry]}]), command="crawl",
                            out_name=f"out-{group}")
        assert result.code == 2, result.stderr[-2000:]
        field, words = EXPECTED[name][kind]
        assert words in problem(result.stderr, path, 2, field)


def test_over_long_line_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 200 MB line: exit 2 naming file:line, and the process never holds the line (peak RSS < 300 MB)."""
    posts = tmp_path / "posts.jsonl"
    with posts.open("w", encoding="utf-8") as handle:
        handle.write(GOOD + "\n")
        handle.write('{"id": "x", "org": "felby-kommun", "platform": "mastodon", "text": "')
        chunk = "a" * (1 << 20)
        for _ in range(200):
            handle.write(chunk)
        handle.write('"}\n')
    web = write_jsonl(tmp_path / "web.jsonl", [WEB])
    measure = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stderr.write(p.stderr); print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "parity.cli", "match", "--posts",
                           str(posts), "--web", str(web), "--out", str(tmp_path / "v.jsonl"), "--embeddings", "off"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env=child_env(), check=False)
    code, peak_kb = map(int, proc.stdout.split())
    assert code == 2
    assert f"longer than {MAX_LINE_BYTES:,} bytes" in problem(proc.stderr, posts, 2, "(line)")
    assert peak_kb < 300 * 1024, f"peak RSS {peak_kb // 1024} MB"


SUMMARIES = {  # name → (summary.json text, line, field, words)
    "not-json": ('{\n  "run_id": "r1",\n  "orgs": [\n', 1, "(file)", "not valid JSON"),
    "a-list": ("[1, 2, 3]\n", 1, "(file)", "expected a JSON object"),
    "nested-100000": ('{"x": ' + DEEP + "}\n", 1, "(file)", "nested too deeply"),
    "integer-5000-digits": ('{"window_days": ' + "9" * 5000 + "}\n", 1, "(file)", "4300 digits"),
    "orgs-not-a-list": ('{\n  "run_id": "r1",\n  "orgs": 5\n}\n', 3, "orgs", "valid list"),
    "history-runs-wrong": ('{\n  "run_id": "r1",\n  "history": {"runs": [{"orgs": [1]}]}\n}\n', 3,
                           "history.runs.0.orgs", "valid dictionary"),
    "unknown-verdict": ('{\n  "history": {"changes": [{"post_id": "p", "from": "x", "to": "match"}]}\n}\n', 2,
                        "history.changes.0.from", "'match'"),
}


@pytest.mark.parametrize("name", list(SUMMARIES))
def test_malformed_summary_json_exits_2(tmp_path: Path, name: str) -> None:
    text, line, field, words = SUMMARIES[name]
    folder = tmp_path / "audit"
    folder.mkdir()
    write_jsonl(folder / "posts.jsonl", [json.loads(GOOD)])
    write_jsonl(folder / "web.jsonl", [WEB])
    write_jsonl(folder / "verdicts.jsonl", [{"post_id": json.loads(GOOD)["id"], "org": ORG, "verdict": "social_only"}])
    (folder / "summary.json").write_text(text, encoding="utf-8")
    result = parity("report", str(folder))
    assert result.returncode == 2
    assert words in problem(result.stderr, folder / "summary.json", line, field)
    assert (folder / "summary.json").read_text(encoding="utf-8") == text and not (folder / "report.html").exists()


def test_lone_surrogates_are_repaired_and_counted_in_files(tmp_path: Path) -> None:
    """``\\ud800`` in posts.jsonl (report, match) and in a `file` source: kept, the character replaced and counted."""
    broken = GOOD.replace("Storgatan", "Storgatan \\ud800 \\udfff")
    folder = tmp_path / "audit"
    folder.mkdir()
    (folder / "posts.jsonl").write_text(broken + "\n", encoding="utf-8")
    write_jsonl(folder / "web.jsonl", [WEB])
    write_jsonl(folder / "verdicts.jsonl", [{"post_id": json.loads(GOOD)["id"], "org": ORG, "verdict": "social_only"}])
    reported = parity("report", str(folder))
    assert reported.returncode == 0, reported.stderr[-2000:]
    assert re.search(r"posts\.jsonl:1: 2 invalid characters \(lone surrogates\) replaced by U\+FFFD", reported.stderr)
    assert "Storgatan \ufffd \ufffd" in (folder / "report.html").read_text(encoding="utf-8")
    result = run_config(tmp_path, config_toml([{"id": ORG, "social": [
        {"platform": "file", "path": str(folder / "posts.jsonl")}]}]), command="crawl")
    assert result.code == 0, result.stderr[-2000:]
    [stored] = jsonl(result.out / "posts.jsonl")
    assert "Storgatan \ufffd \ufffd" in stored["text"]


@pytest.mark.parametrize("kind", ["register", "file"])
def test_a_file_that_is_not_a_table_never_prints_its_content(tmp_path: Path, kind: str) -> None:
    """``path = "/proc/self/environ"``: exit 2 naming the file; the environment (a canary in it) is not printed."""
    canary = "PARITYCANARY=s3cr3t-0f-the-environment"
    source = ({"type": "register", "path": "/proc/self/environ"} if kind == "register"
              else {"platform": "file", "path": "/proc/self/environ"})
    group = "web" if kind == "register" else "social"
    result = run_config(tmp_path, config_toml([{"id": ORG, group: [source]}]), command="crawl",
                        env={"PARITYCANARY": canary.split("=", 1)[1]})
    assert result.code == 2
    line = problem(result.stderr, Path("/proc/self/environ"), 1, "title" if kind == "register" else "text")
    assert "not shown (not column names)" in line
    assert "s3cr3t" not in result.stderr + result.stdout
    assert "PARITYCANARY" not in result.stderr and "PATH=" not in result.stderr


def test_wrong_columns_still_named(tmp_path: Path) -> None:
    """An ordinary CSV with other headers: its column names are shown, as before."""
    register = tmp_path / "register.csv"
    register.write_text("titel,brödtext,datum\nVatten,Storgatan,2026-03-02\n", encoding="utf-8")
    result = run_config(tmp_path, config_toml([{"id": ORG, "web": [{"type": "register", "path": str(register)}]}]),
                        command="crawl")
    assert result.code == 2
    line = problem(result.stderr, register, 1, "title")
    assert "the file has: titel, brödtext, datum)" in line


@pytest.mark.slow
def test_lone_surrogates_in_a_json_feed_and_an_api_answer(tmp_path: Path) -> None:
    """A JSON Feed item and a Mastodon status with ``\\ud800``: sources ok, items kept, characters counted."""
    feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "Felby", "items": ['
            '{"id": "1", "url": "{host:main}' + page_path(0) + '", "title": "Nyhet \\ud800 ett", '
            '"content_text": "Text \\udc00 med trasigt tecken", "date_published": "2026-03-01T08:00:00Z"}, '
            '{"id": "2", "url": "{host:main}' + page_path(1) + '", "title": "Nyhet två", "content_text": "Hel", '
            '"date_published": "2026-03-01T08:00:00Z"}]}')
    site = SitePlan(pages=2, seed=61, custom={"/feed.json": {"body": feed, "content_type": "application/feed+json"}})
    mastodon = Scripted("mastodon", {
        "/api/v1/accounts/lookup": lambda r: json_answer({"id": "1", "acct": "felby"}),
        "/api/v1/accounts/1/statuses": lambda r: json_answer([mastodon_status("7", "Badet \ud800 stänger")]),
    })
    with FaultServerProcess(Plan(sites={"main": site}), tmp_path / "srv") as server, \
            serving((mastodon, "127.0.0.1")) as base:
        config = config_toml([{"id": ORG, "web": [{"type": "feed", "url": server.url() + "/feed.json"}], "social": [
            {"platform": "mastodon", "account": "felby@social.example", "api": base["mastodon"]}]}])
        result = run_config(tmp_path, config, command="crawl")
    assert result.code == 0, result.stderr[-3000:]
    assert {s["kind"]: (s["status"], s["items"] > 0) for s in result.sources()} == {
        "feed": ("ok", True), "mastodon": ("ok", True)}
    assert len(jsonl(result.out / "web.jsonl")) == 2
    [status] = jsonl(result.out / "posts.jsonl")
    assert status["text"] == "Badet \ufffd stänger"
    repaired = {d["kind"]: d["detail"].get("repaired_characters") for d in latest_source_details(result.store)}
    assert repaired == {"feed": 2, "mastodon": 1}
