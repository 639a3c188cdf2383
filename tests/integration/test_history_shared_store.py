"""History and triage read a shared PostgreSQL store the way they read a SQLite file (issue 14: several people in
a newsroom look at the same results). A ``postgresql://`` URL typed as a path lost a slash (``Path`` folds ``//``)
and ``parity history`` called it a missing store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fault_world import FaultWorld
from tests.support.run import run_parity
from tests.support.stores import postgres_db, postgres_srv, store_target  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def test_history_and_triage_on_either_back_end(tmp_path: Path, store_target: str) -> None:
    with FaultWorld() as world:
        config = tmp_path / "demo.toml"
        config.write_text(world.config_toml(), encoding="utf-8")
        audit = run_parity("audit", str(config), "--out", str(tmp_path / "night1"), "--store", store_target,
                           "--format", "json", timeout=180)
    assert audit.code == 0, audit.stderr[-2000:]
    run_id = json.loads(audit.stdout)["run_id"]
    listing = run_parity("history", store_target, "--format", "json", timeout=60)
    assert listing.code == 0, listing.stderr[-2000:]
    runs = json.loads(listing.stdout)["runs"]
    assert [r["run_id"] for r in runs] == [run_id] and runs[0]["orgs"]["sjobacka-kommun"] > 0
    post_id = json.loads((tmp_path / "night1" / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()[0])["post_id"]
    mark = run_parity("triage", post_id, "--store", store_target, "--as", "confirmed-gap", "--note", "granskad",
                      "--format", "json", timeout=60)
    assert mark.code == 0, mark.stderr[-2000:]
    assert json.loads(mark.stdout)["post_id"] == post_id
