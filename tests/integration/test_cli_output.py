"""The command line's own output (issue 13, point 7): --version, help texts as written, choices as enums,
``--format json`` on every command that prints a result, plain progress lines off a terminal, a live bar on one.

Everything runs the real ``python -m parity.cli``; crawls read local files only (a register and a posts export,
no Scrapy), except the terminal test, which audits the demo world under a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
import typer

from tests.conftest import ROOT
from tests.support.run import Run, child_env, module_cmd, run_parity

REGISTER = "title;text;published_at;channel\nVattenavstängning;Vattnet stängs av på Storgatan 12 mars;2026-03-02;tidningen\n"
POSTS = {"id": "mastodon:o@x:1", "org": "o", "platform": "mastodon", "published_at": "2026-03-03T08:00:00Z",
         "text": "Vattnet stängs av på Storgatan 12 mars", "kind": "post"}


def run(*args: str | Path) -> Run:
    return run_parity(*args, timeout=240, env={"COLUMNS": "120"})


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.code == 0 and result.stdout == f"parity {version('reach-parity')}\n"


def test_every_help_text_is_shown_as_written() -> None:
    """No markup loss: every option's and argument's help text of every command appears verbatim in its --help
    (``[crawl]`` used to vanish as a rich style tag)."""
    from parity.cli import app

    group = typer.main.get_command(app)
    checked = 0
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        shown = normalised(run(name, "--help").stdout)
        for param in command.params:
            if getattr(param, "help", None) and not getattr(param, "hidden", False):
                assert normalised(param.help) in shown, (name, param.help)
                checked += 1
    assert checked > 30
    assert "also [crawl] warc = true" in normalised(run("audit", "--help").stdout)


@pytest.mark.parametrize("args,choices", [
    (("match", "--posts", "p", "--web", "w", "--out", "o", "--embeddings", "maybe"), "'auto', 'on', 'off'"),
    (("report", ".", "--csv-dialect", "tab"), "'excel-sv', 'comma'"),
    (("triage", "p1", "--store", "s.sqlite", "--as", "fine"), "'not-an-announcement', 'confirmed-gap', 'wrong-match'"),
    (("audit", "c.toml", "--format", "xml"), "'table', 'json'"),
])
def test_choices_are_enums(args: tuple[str, ...], choices: str) -> None:
    result = run(*args)
    assert result.code == 2 and choices in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def local_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A config whose sources are files only (a register and a posts export): crawls without the network."""
    folder = tmp_path_factory.mktemp("local")
    (folder / "register.csv").write_text(REGISTER, encoding="utf-8")
    (folder / "posts.jsonl").write_text(json.dumps(POSTS, ensure_ascii=False) + "\n", encoding="utf-8")
    config = folder / "local.toml"
    config.write_text('[crawl]\nwindow_days = 36500\n\n[[org]]\nid = "o"\nname = "Orten"\n'
                      'web = [{ type = "register", path = "register.csv" }]\n'
                      'social = [{ platform = "file", path = "posts.jsonl", format = "posts_jsonl" }]\n',
                      encoding="utf-8")
    audit = run("audit", str(config), "--out", str(folder / "out"), "--store", str(folder / "s.sqlite"),
                "--format", "json")
    assert audit.code == 0, audit.stderr
    return config, folder


def one_json_object(result: Run) -> dict:
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    value = json.loads(lines[0])
    assert isinstance(value, dict)
    return value


def test_format_json_on_every_command_that_prints_a_result(local_audit: tuple[Path, Path]) -> None:
    config, folder = local_audit
    out, store = folder / "out", str(folder / "s.sqlite")
    crawled = one_json_object(run("crawl", str(config), "--out", str(folder / "crawl"), "--store", store,
                                  "--format", "json"))
    assert crawled["posts"] == 1 and crawled["web"] == 1 and crawled["exit_code"] == 0
    matched = one_json_object(run("match", "--posts", str(out / "posts.jsonl"), "--web", str(out / "web.jsonl"),
                                  "--out", str(folder / "v.jsonl"), "--format", "json"))
    assert matched["verdicts"] == 1
    assert one_json_object(run("check-config", str(config), "--format", "json"))["orgs"] == ["o"]
    assert one_json_object(run("report", str(out), "--format", "json"))["orgs"][0]["name"] == "Orten"
    history = one_json_object(run("history", store, "--format", "json"))
    assert len(history["runs"]) == 1 and set(history) >= {"trend", "removed_after_match", "edited", "open_gaps"}
    mark = one_json_object(run("triage", POSTS["id"], "--store", store, "--as", "confirmed-gap", "--note", "ok",
                               "--format", "json"))
    assert mark["label"] == "confirmed-gap" and mark["verdict"] is not None
    for args in (("crawl", str(config), "--out", str(folder / "crawl2"), "--store", store),
                 ("triage", POSTS["id"], "--store", store, "--clear")):
        table = run(*args)
        assert table.code == 0 and not table.stdout.lstrip().startswith("{")


def test_a_rerun_report_shows_the_triage_mark_and_the_csv_dialect(local_audit: tuple[Path, Path]) -> None:
    config, folder = local_audit
    store = str(folder / "s.sqlite")
    assert run("triage", POSTS["id"], "--store", store, "--as", "not-an-announcement", "--note", "test").code == 0
    again = run("audit", str(config), "--out", str(folder / "again"), "--store", store, "--csv-dialect", "comma")
    assert again.code == 0, again.stderr
    html = (folder / "again" / "report.html").read_text(encoding="utf-8")
    assert "Granskad: inget meddelande" in html and "Reviewed: not an announcement" in html
    csv_text = (folder / "again" / "verdicts.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("post_id,org,platform,") and "not-an-announcement" in csv_text


def test_progress_off_a_terminal_is_plain_lines_without_library_noise(local_audit: tuple[Path, Path]) -> None:
    config, folder = local_audit
    result = run("crawl", str(config), "--out", str(folder / "plain"), "--store", str(folder / "plain.sqlite"))
    assert result.code == 0, result.stderr
    assert re.search(r"parity INFO: crawl: 2/2 sources done, 0 pages, 0 items, 0 errors", result.stderr)
    assert "\x1b" not in result.stderr and "\r" not in result.stderr


def test_a_terminal_gets_a_live_bar_and_no_scrapy_banner(tmp_path: Path) -> None:
    """``parity demo`` with stderr on a pseudo-terminal: the rich bar counts the six sources; Scrapy's banner, its
    DEBUG line and the "Disabled … WarcArchive" warnings do not appear; stdout stays one JSON object."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(module_cmd("parity.cli", "demo", "--out", tmp_path, "--format", "json"),
                             stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL, cwd=ROOT,
                             env=child_env({"COLUMNS": "120", "TERM": "xterm"}))
    os.close(terminal)
    shown, deadline = b"", time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif child.poll() is not None:
            break
    stdout = child.communicate(timeout=60)[0].decode()
    os.close(controller)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    assert child.returncode == 0, text[-2000:]
    assert json.loads(stdout)["posts"] == 41
    assert "6/6" in text and "sources" in text and "pages" in text
    assert "sjobacka-kommun:social:bluesky" in text  # the crawl's own lines, printed above the bar
    for noise in ("Scrapy 2.", "Versions:", " DEBUG: ", "Disabled crawler.warc"):
        assert noise not in text, noise
