"""Fixtures for the demo-world tests: a fixed clock, the scenario, and a running world."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from parity.demo.scenario import Scenario, build_scenario
from parity.demo.world import DemoWorld

#: A fixed anchor so failures reproduce; other tests vary ``now`` on purpose.
FIXED_NOW = dt.datetime(2026, 3, 18, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return build_scenario(FIXED_NOW, "http://127.0.0.1:8000")


@pytest.fixture(scope="session")
def world() -> Iterator[DemoWorld]:
    """One running world for read-only tests; tests that inject faults build their own."""
    with DemoWorld(FIXED_NOW) as running:
        yield running


@pytest.fixture(scope="session")
def mastodon_reference(shared_dir: Path) -> list[dict[str, Any]]:
    """Every recorded Mastodon interaction: method, uri, status, headers (lower case), parsed body."""
    yaml = pytest.importorskip("yaml")
    out = []
    for path in sorted((shared_dir / "reference/social/mastodon").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            response = item["response"]
            text = response["body"]["string"]
            try:
                body = json.loads(text) if text else None
            except ValueError:
                body = None
            out.append({
                "method": item["request"]["method"],
                "uri": item["request"]["uri"],
                "status": response["status"]["code"],
                "headers": {k.lower(): v[0] for k, v in response["headers"].items()},
                "body": body,
            })
    return out


@pytest.fixture(scope="session")
def bluesky_reference(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "reference/social/bluesky/getAuthorFeed-chriskenny.bsky.social-2025-05-19.json"
    return json.loads(path.read_text(encoding="utf-8"))
