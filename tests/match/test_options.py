"""One builder for MatchOptions and one parser for exclusion rules, used by every entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.config import AuditConfig
from parity.match.__main__ import main as module_main
from parity.match.options import ExcludeRule, MatchOptions, parse_exclude_args

JOB_AD = {"id": "p-job", "org": "a", "platform": "mastodon", "published_at": "2026-03-10T08:00:00Z",
          "text": "Vi söker en ny bibliotekarie till Stadsbiblioteket!", "lang": "sv"}
HELLO = {"id": "p-hello", "org": "a", "platform": "mastodon", "published_at": "2026-03-10T09:00:00Z",
         "text": "God jul!", "lang": "sv"}
PAGE = {"id": "w1", "org": "a", "source": "page", "url": "https://a.example/x", "title": "Simhallen stänger",
        "text": "Simhallen stänger för renovering.", "published_at": "2026-03-01T08:00:00Z", "lang": "sv"}


def test_cli_and_config_patterns_are_regexes_named_by_position() -> None:
    assert parse_exclude_args([r"\bvi söker\b", "tävling"], origin="cli") == (
        ExcludeRule("cli:0", r"\bvi söker\b"), ExcludeRule("cli:1", "tävling"))
    assert parse_exclude_args(["greetings"], origin="config") == (ExcludeRule("config:0", "greetings"),)


def test_module_arguments_are_builtin_names_or_name_equals_regex() -> None:
    assert parse_exclude_args(["greetings", " jobs = vi söker", "empty"]) == (
        "greetings", ExcludeRule("jobs", " vi söker"), "empty")


@pytest.mark.parametrize("values, origin, message", [
    (["nosuchrule"], None, "unknown exclude rule 'nosuchrule'"),
    (["bad=("], None, "exclude rule 'bad': bad pattern"),
    (["("], "cli", "exclude rule 'cli:0': bad pattern"),
])
def test_a_bad_rule_is_one_value_error(values: list[str], origin: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_exclude_args(values, origin=origin)


def test_from_config_reads_crawl_grace_rules_then_patterns_and_embeddings() -> None:
    config = AuditConfig.model_validate({
        "crawl": {"grace_hours": 6},
        "match": {"rules": ["greetings", "empty"], "exclude": [r"\bvi söker\b"], "use_embeddings": "auto"},
        "org": [{"id": "a"}],
    })
    opts = MatchOptions.from_config(config, {"a"})
    assert opts == MatchOptions(grace_hours=6, incomplete_orgs=frozenset({"a"}), use_embeddings="auto",
                                exclude_rules=("greetings", "empty", ExcludeRule("config:0", r"\bvi söker\b")))


def _files(tmp_path: Path) -> tuple[Path, Path]:
    posts, web = tmp_path / "posts.jsonl", tmp_path / "web.jsonl"
    posts.write_text(json.dumps(JOB_AD) + "\n" + json.dumps(HELLO) + "\n", encoding="utf-8")
    web.write_text(json.dumps(PAGE) + "\n", encoding="utf-8")
    return posts, web


def _rules(out: Path) -> list:
    return [json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_two_command_lines_name_their_rules_as_documented(tmp_path: Path) -> None:
    from parity.cli import app

    posts, web = _files(tmp_path)
    out = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(app, ["match", "--posts", str(posts), "--web", str(web), "--out", str(out),
                                      "--exclude", r"\bvi söker\b"])
    assert result.exit_code == 0, result.output
    assert _rules(out) == ["cli:0", None]
    out = tmp_path / "module.jsonl"
    code = module_main(["--posts", str(posts), "--web", str(web), "--out", str(out),
                        "--exclude", r"jobs=\bvi söker\b", "--exclude", "greetings"])
    assert code == 0
    assert _rules(out) == ["jobs", "greetings"]


def test_module_reports_a_bad_rule_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts, web = _files(tmp_path)
    code = module_main(["--posts", str(posts), "--web", str(web), "--out", str(tmp_path / "v.jsonl"),
                        "--exclude", "nosuchrule"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown exclude rule 'nosuchrule'") and "\n" not in err
