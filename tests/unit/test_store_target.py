"""Where a run's store is (``--store``, ``[store] url``, the default) and the distributed flags' mistakes.

Every mistake is one line on stderr and exit 2, before anything is crawled or created.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.audit import CrawlRequest, InputError
from parity.audit.request import resolve
from parity.cli import app
from parity.config import ConfigError

CONFIG = """[crawl]
delay_seconds = 0
{store}
[[org]]
id = "o"
web = [{{ type = "feed", url = "http://127.0.0.1:9/feed" }}]
"""


def config(tmp_path: Path, store: str = "") -> Path:
    path = tmp_path / "c.toml"
    path.write_text(CONFIG.format(store=store), encoding="utf-8")
    return path


def test_the_store_comes_from_the_flag_then_the_config_then_the_default(tmp_path: Path) -> None:
    plain = config(tmp_path)
    assert resolve(CrawlRequest(config=plain)).store == Path("reports/c/parity.sqlite")
    shared = config(tmp_path, '[store]\nurl = "postgresql://db.example/parity"')
    assert resolve(CrawlRequest(config=shared)).store == "postgresql://db.example/parity"
    assert resolve(CrawlRequest(config=shared, store="other.sqlite")).store == "other.sqlite"
    relative = config(tmp_path, '[store]\nurl = "data/parity.sqlite"')
    assert resolve(CrawlRequest(config=relative)).store == tmp_path / "data" / "parity.sqlite"


def test_a_store_url_of_another_kind_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"c.toml:\d+: store.url: .*postgresql://"):
        resolve(CrawlRequest(config=config(tmp_path, '[store]\nurl = "mysql://db/x"')))


def test_workers_need_a_redis_url(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--workers: needs --redis"):
        resolve(CrawlRequest(config=config(tmp_path), workers=3))
    with pytest.raises(InputError, match="is not a redis://"):
        resolve(CrawlRequest(config=config(tmp_path), redis="http://cache:6379", workers=3))
    assert resolve(CrawlRequest(config=config(tmp_path), redis="redis://cache:6379/0", workers=3)).workers == 3


@pytest.mark.parametrize(("args", "message"), [
    (["crawl", "{config}", "--workers", "2"], "--workers: needs --redis URL"),
    (["crawl", "{config}", "--redis", "http://x:1"], "--redis: http://x:1 is not a redis://"),
    (["crawl", "{config}", "--store", "mysql://u:pw@db/x"], "db/x: not a store"),
    (["worker"], "--redis: a Redis URL is required"),
    (["worker", "--redis", "redis://127.0.0.1:1/0", "--once", "--wait", "0"], "cannot reach Redis"),
])
def test_mistakes_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    result = CliRunner().invoke(app, [a.format(config=config(tmp_path)) for a in args])
    output = result.output + capfd.readouterr().err  # the worker's child process writes to the real stderr
    lines = [line for line in output.splitlines() if line.strip()]
    assert result.exit_code == 2, output
    assert len(lines) == 1 and message in lines[0], lines
    assert "pw" not in output


def test_a_distributed_crawl_without_its_extra_is_exit_2_before_anything_runs(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed without ``[distributed]``, ``--redis`` started the crawl and its workers each failed with
    ``ModuleNotFoundError: redis`` — exit 1, "a bug". Now it is one line naming the extra, exit 2, nothing crawled."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a))
    result = CliRunner().invoke(app, ["crawl", str(config(tmp_path)), "--redis", "redis://127.0.0.1:1/0",
                                      "--workers", "2", "--out", str(tmp_path / "out")])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert lines == ["--redis: the distributed crawl needs redis: pip install 'reach-parity[distributed]'"], lines
    assert not (tmp_path / "out").exists()
