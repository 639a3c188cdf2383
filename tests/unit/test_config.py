"""Config validation: every problem is one line with file, line and field; shipped configs pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.config import ConfigError, load_config
from tests.conftest import ROOT
from tests.support.run import run_parity

GOOD = """\
[crawl]
delay_seconds = 0.5

[[org]]
id = "exempel-kommun"
web = [
  { type = "feed", url = "https://www.exempel.se/rss" },
]
social = [
  { platform = "mastodon", account = "exempel@mastodon.example" },
]
"""


def write(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value).splitlines()


def test_good_config_loads(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD))
    assert loaded.config.crawl.delay_seconds == 0.5
    assert loaded.config.crawl.window_days == 30  # default kept
    assert loaded.config.org[0].social[0].account == "exempel@mastodon.example"


def test_unknown_source_type_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('type = "feed"', 'type = "fede"'))
    (line,) = problems(path)
    assert line.startswith(f"{path}:7: org[0].web[0].type: unknown type 'fede'")


def test_missing_id_points_at_org_table(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('id = "exempel-kommun"\n', ""))
    (line,) = problems(path)
    assert line == f"{path}:4: org[0].id: missing (required)"


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[[org]]", "[[org]"))
    (line,) = problems(path)
    assert line.startswith(f"{path}:4: (syntax): TOML syntax error")


def test_wrong_value_type(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("delay_seconds = 0.5", 'delay_seconds = "slow"'))
    (line,) = problems(path)
    assert line.startswith(f"{path}:2: crawl.delay_seconds: ")


def test_unknown_key_is_an_error_not_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('account = "exempel@mastodon.example"',
                                        'account = "exempel@mastodon.example", colour = "red"'))
    (line,) = problems(path)
    assert line == f"{path}:10: org[0].social[0].colour: unknown key (not part of the config format)"


def test_several_problems_reported_together(tmp_path: Path) -> None:
    text = GOOD.replace('type = "feed"', 'type = "fede"').replace("delay_seconds = 0.5", "delay_seconds = -1")
    lines = problems(write(tmp_path, text))
    assert [line.split(":")[1] for line in lines] == ["2", "7"]


def test_duplicate_org_ids(tmp_path: Path) -> None:
    text = GOOD + '\n[[org]]\nid = "exempel-kommun"\n'
    (line,) = problems(write(tmp_path, text))
    assert ":14: org[1].id: duplicate org id" in line


def test_register_file_must_exist(tmp_path: Path) -> None:
    text = GOOD.replace('{ type = "feed", url = "https://www.exempel.se/rss" },',
                        '{ type = "register", path = "missing.csv" },')
    (line,) = problems(write(tmp_path, text))
    assert line.startswith(f"{tmp_path / 'c.toml'}:7: org[0].web[0].path: file not found")


def test_mastodon_account_needs_instance(tmp_path: Path) -> None:
    (line,) = problems(write(tmp_path, GOOD.replace("exempel@mastodon.example", "exempel")))
    assert ":10: org[0].social[0].account: expected user@instance" in line


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(GOOD.replace("exempel-kommun", "exempel-kommun").encode() + b'\nname = "G\xe4vle"\n')
    (line,) = problems(path)
    assert line == f"{path}:13: (file): not UTF-8 text"


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "config").glob("*.toml")))
def test_shipped_configs_pass(name: str) -> None:
    load_config(ROOT / "config" / name)


@pytest.mark.parametrize(
    "mutation, expected_line",
    [
        (('type = "feed"', 'type = "nope"'), 7),
        (('id = "exempel-kommun"\n', ""), 4),
        (("[[org]]", "[[org]"), 4),
        (("delay_seconds = 0.5", "delay_seconds = [1]"), 2),
    ],
)
def test_check_config_cli_exits_2_with_one_line(tmp_path: Path, mutation: tuple[str, str], expected_line: int) -> None:
    path = write(tmp_path, GOOD.replace(*mutation))
    result = run_parity("check-config", path)
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:{expected_line}: ")
    assert result.stdout == ""


def test_check_config_cli_ok(tmp_path: Path) -> None:
    result = run_parity("check-config", write(tmp_path, GOOD))
    assert result.code == 0, result.stderr


def test_match_rules_and_bad_regex(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD + '\n[match]\nrules = ["greetings"]\nexclude = ["^Veckans bild"]\n'))
    assert loaded.config.match.rules == ["greetings"]
    (line,) = problems(write(tmp_path, GOOD + '\n[match]\nexclude = ["(unclosed"]\n', "bad.toml"))
    assert ":14: match.exclude: not a regular expression" in line
    (line,) = problems(write(tmp_path, GOOD + '\n[match]\nrules = ["hälsningar"]\n', "bad2.toml"))
    assert ":14: match.rules[0]: " in line


def test_warc_switch_defaults_off_and_names_its_line(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD)).config.crawl.warc is False
    on = write(tmp_path, GOOD.replace("delay_seconds = 0.5", "delay_seconds = 0.5\nwarc = true"), "on.toml")
    assert load_config(on).config.crawl.warc is True
    path = write(tmp_path, GOOD.replace("delay_seconds = 0.5", 'delay_seconds = 0.5\nwarc = "sometimes"'), "bad.toml")
    (line,) = problems(path)
    assert line.startswith(f"{path}:3: crawl.warc: ")
