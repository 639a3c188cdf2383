"""Part 4: bad input ⇒ exit 2 and ONE line naming file, line and field; nothing already stored is lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.reliability.harness import ORG, post, run_config, store_rows, write_jsonl
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan
from tests.support.faultserver import FaultServerProcess
from tests.support.run import Run, run_parity

pytestmark = pytest.mark.timeout(120)


def parity(*args: str, cwd: Path = ROOT) -> Run:
    return run_parity(*args, cwd=cwd, timeout=60)


def one_problem_line(stderr: str, path: Path, line: int, field: str) -> str:
    """The stderr lines that name a problem: exactly one, ``path:line: field: message``."""
    assert "Traceback" not in stderr, stderr
    problems = [x for x in stderr.splitlines() if re.match(r"^\S.*:\d+: \S+: ", x) and str(path) in x]
    assert len(problems) == 1, stderr
    assert problems[0].startswith(f"{path}:{line}: {field}: "), problems[0]
    return problems[0]


GOOD_ORG = '[[org]]\nid = "felby"\nweb = [{ type = "page", url = "http://127.0.0.1:9/" }]\n'

CONFIGS = [
    ("syntax", '[crawl]\ndelay_seconds = 1\nretries = \n\n' + GOOD_ORG, 3, "(syntax)", "TOML syntax error"),
    ("unknown-key", '[crawl]\ndelay_secs = 1\n\n' + GOOD_ORG, 2, "crawl.delay_secs", "unknown key"),
    ("wrong-type", '[crawl]\ntimeout_seconds = "snabbt"\n\n' + GOOD_ORG, 2, "crawl.timeout_seconds", "number"),
    ("unknown-source", '[[org]]\nid = "felby"\nweb = [\n  { type = "rss", url = "http://x/" },\n]\n', 4,
     "org[0].web[0].type", "unknown type 'rss'"),
    ("bad-org-id", '[[org]]\nid = "Felby Kommun"\n', 2, "org[0].id", "lower-case"),
]


@pytest.mark.parametrize("name,text,line,field,words", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_malformed_config_one_line_exit_2(tmp_path: Path, name: str, text: str, line: int, field: str,
                                           words: str) -> None:
    config = tmp_path / f"{name}.toml"
    config.write_text(text, encoding="utf-8")
    checked = parity("check-config", str(config))
    assert checked.code == 2 and checked.stdout == ""
    assert len(checked.stderr.strip().splitlines()) == 1
    assert words in one_problem_line(checked.stderr, config, line, field)
    audited = parity("audit", str(config), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "s.sqlite"))
    assert audited.code == 2 and audited.stdout == ""
    one_problem_line(audited.stderr, config, line, field)
    assert not (tmp_path / "out").exists() and not (tmp_path / "s.sqlite").exists()  # stopped before anything


def test_config_in_the_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    config = tmp_path / "latin1.toml"
    config.write_bytes(('[crawl]\nretries = 1\n\n[[org]]\nid = "felby"\nname = "Felby kommun, Åsen"\n'
                        'web = [{ type = "page", url = "http://127.0.0.1:9/" }]\n').encode("latin-1"))
    result = parity("check-config", str(config))
    assert result.code == 2
    assert "not UTF-8" in one_problem_line(result.stderr, config, 6, "(file)")


def test_missing_register_file_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[org]]\nid = "felby"\nweb = [\n  { type = "register", path = "saknas.csv" },\n]\n',
                      encoding="utf-8")
    result = parity("check-config", str(config))
    assert result.code == 2
    assert "file not found" in one_problem_line(result.stderr, config, 4, "org[0].web[0].path")


POST = json.dumps(post(1, "Vattnet stängs av på Storgatan 12 mars kl. 8–16.")) + "\n"
WEB = json.dumps({"id": "web:felby:1", "org": ORG, "source": "page", "url": "http://x/1", "title": "Vatten",
                  "text": "Vattnet stängs av på Storgatan 12 mars kl. 8–16.", "published_at": "2026-03-11T06:00:00Z"})


@pytest.mark.parametrize("case,content,line,field,words", [
    ("truncated", POST + POST.replace("1", "2", 1) + POST[: len(POST) // 2] + "\n", 3, "(line)", "not valid JSON"),
    ("bad-field", POST + json.dumps({**post(2, "x"), "published_at": "igår"}) + "\n", 2, "published_at", ""),
    ("missing-field", json.dumps({k: v for k, v in post(3, "x").items() if k != "org"}) + "\n", 1, "org", "required"),
    ("not-an-object", POST + "[1, 2]\n", 2, "(line)", "JSON object"),
    ("latin1", POST.encode("utf-8") + json.dumps(post(2, "Vattnet stängs av i Åsen."), ensure_ascii=False)
     .encode("latin-1") + b"\n", 2, "(line)", "not UTF-8"),
])
def test_broken_jsonl_for_match_one_line_exit_2(tmp_path: Path, case: str, content: str | bytes, line: int,
                                                 field: str, words: str) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    web = tmp_path / "web.jsonl"
    web.write_text(WEB + "\n", encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    out.write_text("earlier verdicts\n", encoding="utf-8")
    result = parity("match", "--posts", str(posts), "--web", str(web), "--out", str(out))
    assert result.code == 2 and result.stdout == ""
    assert words in one_problem_line(result.stderr, posts, line, field)
    assert out.read_text(encoding="utf-8") == "earlier verdicts\n"  # nothing written over


def test_report_of_a_folder_with_a_broken_file(tmp_path: Path) -> None:
    for name in ("posts.jsonl", "web.jsonl", "sources.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "posts.jsonl").write_text(POST, encoding="utf-8")
    (tmp_path / "verdicts.jsonl").write_text('{"post_id": "mastodon:felby@social.example:1", "org": "felby-kommun",'
                                             ' "verdict": "maybe"}\n', encoding="utf-8")
    result = parity("report", str(tmp_path))
    assert result.code == 2
    one_problem_line(result.stderr, tmp_path / "verdicts.jsonl", 1, "verdict")


# --- audits whose input files break between two nightly runs ---------------------------------------------

REGISTER = "title;text;published_at;channel\nVattenavstängning;Vattnet stängs av i Åsen;2026-03-02;lokaltidningen\n" \
           "Sophämtning;Ny tid för sophämtning;2026-03-03;utskick\n"


def snapshot(store: Path) -> dict[str, list[tuple[object, ...]]]:
    first_run = store_rows(store, "SELECT run_id FROM runs ORDER BY started_at LIMIT 1")[0][0]
    return {
        "web_items": store_rows(store, "SELECT id, record, first_seen_at, removed_at FROM web_items ORDER BY id"),
        "posts": store_rows(store, "SELECT id, record, first_seen_at, deleted_at FROM posts ORDER BY id"),
        "verdicts": store_rows(store, "SELECT run_id, post_id, verdict FROM verdicts ORDER BY run_id, post_id"),
        "sources": store_rows(store, "SELECT source_key, status, items FROM sources WHERE run_id = ? ORDER BY rowid",
                              (first_run,)),
    }


@pytest.mark.slow
def test_broken_input_files_exit_2_and_the_store_keeps_everything(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    export = tmp_path / "posts.jsonl"
    with FaultServerProcess(Plan(sites={"main": SitePlan(pages=5, seed=81)}), tmp_path / "srv") as server:
        write_jsonl(export, [post(i, f"Nyhet {i}: information från Felby kommun.",
                                  [server.url() + f"/news/nyhet-000{i}"]) for i in range(4)])
        config = config_toml([{"id": ORG,
                               "web": [{"type": "sitemap", "url": server.url() + "/sitemap.xml"},
                                       {"type": "register", "path": str(register)}],
                               "social": [{"platform": "file", "path": str(export)}]}])
        first = run_config(tmp_path, config)
        assert first.code in (0, 3), first.stderr[-2000:]
        before = snapshot(first.store)
        assert len(before["web_items"]) == 5 + 2 and len(before["posts"]) == 4 and len(before["verdicts"]) == 4
        hits_after_first = len(server.log())

        register.write_text(REGISTER.replace("title;", "titel;"), encoding="utf-8")  # wrong columns
        wrong_columns = run_config(tmp_path, config, out_name="out2")
        assert wrong_columns.code == 2
        assert "missing column" in one_problem_line(wrong_columns.stderr, register, 1, "title")
        register.write_text(REGISTER, encoding="utf-8")

        lines = export.read_text(encoding="utf-8").splitlines()
        export.write_text("\n".join([lines[0], lines[1], lines[2][:40], lines[3]]) + "\n", encoding="utf-8")
        broken_line = run_config(tmp_path, config, out_name="out3")
        assert broken_line.code == 2
        one_problem_line(broken_line.stderr, export, 3, "(line)")

        csv_export = tmp_path / "export.csv"
        csv_export.write_text("Datum;Kanal\n2026-03-02 10:00;facebook\n", encoding="utf-8")  # no text column
        wrong_csv = run_config(tmp_path, config.replace(str(export), str(csv_export)), out_name="out4")
        assert wrong_csv.code == 2
        one_problem_line(wrong_csv.stderr, csv_export, 1, "text")
        hits_after_bad_runs = len(server.log())
    assert hits_after_bad_runs == hits_after_first  # nothing was crawled for the broken runs
    assert snapshot(first.store) == before  # nothing stored was lost or changed
    runs = store_rows(first.store, "SELECT status, exit_code FROM runs ORDER BY started_at")
    assert runs == [("finished", first.code), ("failed", 2), ("failed", 2), ("failed", 2)]
    assert not (tmp_path / "out2").exists() and not (tmp_path / "out3").exists()
