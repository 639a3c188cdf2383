"""Files written atomically get the permissions a plain ``open()`` would give (published reports must be
readable by the web server or colleagues they are shared with; ``mkstemp`` alone makes them 0o600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from parity.core.jsonl import write_text_atomic


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "report.html"
    write_text_atomic(target, "<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text() == "<!DOCTYPE html>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "summary.json"
    target.write_text("{}")
    target.chmod(0o640)
    write_text_atomic(target, '{"orgs": []}')
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == '{"orgs": []}'
