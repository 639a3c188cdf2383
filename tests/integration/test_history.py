"""Nightly history: a second audit on the same store shows the first run and what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.demo import DemoWorld
from parity.demo.scenario import MASTODON_ACCOUNT
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.support.run import Run, run_parity

pytestmark = pytest.mark.slow


def run(*args: str) -> Run:
    return run_parity(*args, timeout=180)


def test_two_nightly_runs_build_history(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    with FaultWorld() as world:
        config = tmp_path / "demo.toml"
        config.write_text(world.config_toml(), encoding="utf-8")
        first = run("audit", str(config), "--out", str(tmp_path / "night1"), "--store", str(store), "--format", "json")
        assert first.code == 0, first.stderr[-2000:]
        # Night two: the feed is down, so yesterday's social-only posts can no longer be concluded.
        world.inject("web", Fault(status=503, pattern=r"portlet\?state=rss"))
        second = run("audit", str(config), "--out", str(tmp_path / "night2"), "--store", str(store), "--format", "json")
        expected = world.expected_verdicts()
    assert second.code == 4, second.stderr[-2000:]
    summary = json.loads(second.stdout)
    history = summary["history"]
    assert [r["run_id"] for r in history["runs"]] == [json.loads(first.stdout)["run_id"]]
    social_only = {p for p, v in expected.items() if v == "social_only"}
    changed = {c["post_id"] for c in history["changes"]}
    assert changed == social_only
    assert all(c["from"] == "social_only" and c["to"] == "unverifiable" for c in history["changes"])
    html = (tmp_path / "night2" / "report.html").read_text(encoding="utf-8")
    # one earlier point + today: a dated line chart, two points per language
    assert "Historik" in html and html.count('aria-label="Paritet över tid per organisation"') == 1
    assert html.count("<circle") == 4
    listing = run("history", str(store), "--format", "json")
    assert listing.code == 0, listing.stderr
    runs = json.loads(listing.stdout)["runs"]
    assert [r["exit_code"] for r in runs] == [0, 4]
    assert runs[0]["orgs"]["sjobacka-kommun"] > 0


REMOVED_PAGE = "/nyheter/sjobacka-simhall-stanger-for-underhall"


def test_three_nights_show_a_removed_page_an_edited_and_a_deleted_post(tmp_path: Path) -> None:
    """Issue 13, point 5: night 1 as the demo; before night 2 a page that had matched a post is taken down, a
    post is edited and another deleted; night 3 changes nothing. ``parity history`` and the third report show the
    page with the post it had matched, the edited and the deleted post, and the gaps open all three nights."""
    import dataclasses
    import datetime as dt

    store = tmp_path / "store.sqlite"
    with DemoWorld() as world:
        config = tmp_path / "demo.toml"
        config.write_text(world.config_toml(), encoding="utf-8")
        nights = []
        for night in (1, 2, 3):
            if night == 2:
                assert world.mastodon is not None and world.site is not None
                world.site.remove_page(REMOVED_PAGE)
                statuses = world.mastodon.statuses
                leak = next(s for s in statuses.values() if s.text.startswith("🚱 Akut vattenläcka"))
                statuses[leak.id] = dataclasses.replace(leak, text=leak.text + " Uppdatering: klart kl. 17.",
                                                        edited_at=dt.datetime.now(dt.timezone.utc))
                gone = next(s for s in statuses.values() if s.text.startswith("Vattnet stängs av på Björkvägen"))
                del statuses[gone.id]
            result = run("audit", str(config), "--out", str(tmp_path / f"night{night}"), "--store", str(store),
                         "--format", "json")
            assert result.code == 0, result.stderr[-2000:]
            nights.append(json.loads(result.stdout))
    listing = run("history", str(store), "--format", "json", "--nights", "3")
    assert listing.code == 0, listing.stderr
    history = json.loads(listing.stdout)
    assert [r["run_id"] for r in history["runs"]] == [n["run_id"] for n in nights]
    removed = history["removed_after_match"]
    assert {r["url"].split("127.0.0.1")[-1].split("/", 1)[-1] for r in removed} == {REMOVED_PAGE.lstrip("/")}
    assert any("simhall" in r["post_text"].lower() for r in removed)
    edited, deleted = f"mastodon:{MASTODON_ACCOUNT}:{leak.id}", f"mastodon:{MASTODON_ACCOUNT}:{gone.id}"
    assert [p["post_id"] for p in history["edited"] if "Uppdatering: klart" in p["text"]] == [edited]
    assert [p["post_id"] for p in history["deleted"]] == [deleted]
    open_gaps = {g["post_id"]: g["nights"] for g in history["open_gaps"]}
    assert open_gaps and set(open_gaps.values()) == {3}
    assert edited in open_gaps  # the edited post is still only on social media
    assert len(history["trend"]["sjobacka-kommun"]) == 3
    html = (tmp_path / "night3" / "report.html").read_text(encoding="utf-8")
    for heading in ("Sidor som togs bort efter att ha matchat ett inlägg (", "Ändrade inlägg",
                    "Raderade inlägg (1)", "Luckor som varit öppna flera nätter", "Paritet över tid per organisation"):
        assert heading in html, heading
    assert "Uppdatering: klart kl. 17." in html and "Sjöbacka simhall stänger för underhåll" in html

