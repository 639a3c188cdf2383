"""The demo's expected verdicts as a checked-in file, for readers and tests without a live world.

The scenario module is the source; this file holds the parts that do not move
with ``now`` (post id, verdict, expected page path, aliases) so a reviewer sees
every expectation in one diff. Regenerate with ``python -m tests.support.demo_expected``
after changing a case; a test fails while the file and the scenario disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parity.demo.scenario import Scenario, build_scenario

EXPECTED_FILE = Path(__file__).with_name("data") / "expected_verdicts.jsonl"
#: ``also_paths`` (PDF links) is left out: file names carry meeting dates, which move with ``now``.
STABLE_FIELDS = ("post_id", "platform", "verdict", "path", "aliases")


def stable_expectations(scenario: Scenario) -> list[dict[str, Any]]:
    """The run-independent part of every expectation, sorted by post id."""
    rows = []
    for expectation in sorted(scenario.expectations.values(), key=lambda e: e.post_id):
        data = expectation.to_json_dict()
        rows.append({key: data[key] for key in STABLE_FIELDS})
    return rows


def load_expected_verdicts(path: Path = EXPECTED_FILE) -> dict[str, dict[str, Any]]:
    """The checked-in expectations, by post id."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["post_id"]: row for row in rows}


def render(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main() -> int:
    rows = stable_expectations(build_scenario())
    EXPECTED_FILE.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} expectations to {EXPECTED_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
