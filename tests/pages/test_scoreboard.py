"""The SV-REAL.md figures (tests/pages/scoreboard.py): every real page of reference/web is read by a case, and right."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.harness import load_cases
from tests.pages.scoreboard import class_table, main, reference_pages


def test_every_reference_web_page_is_read_by_a_case_and_has_title_date_and_text_right(shared_dir: Path) -> None:
    pages = reference_pages(load_cases(), shared_dir)
    assert len(pages) >= 6  # Uppsala, two Kungsbacka pages, three Sitevision calendar pages
    assert {page: problems for page, problems in pages.items() if problems} == {}


def test_no_sv_real_case_fails_the_fields_of_its_classes(shared_dir: Path) -> None:
    table = class_table(load_cases(), shared_dir)
    assert set(table) == set("abcdef") and all(total >= 5 for _, total in table.values())
    assert {name: bad for name, (bad, _) in table.items() if bad} == {}


def test_a_missing_shared_folder_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--shared", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "reference/web" in err
