"""Ideas that used to have several owners: each has one now, and every user agrees with it."""

from __future__ import annotations

import datetime as dt
import json
import typing
from pathlib import Path

import pytest

from crawler.pages.dates import parse_datetime
from parity.core.calendar import MONTHS, WEEKDAYS
from parity.core.exitcodes import ExitCode, outcome
from parity.core.lang import detect_lang, normalize_lang
from parity.core.records import SourceStatus
from parity.core.sources import CONFIG_WEB_TYPES, WEB_ITEM_SOURCES, incomplete_web_orgs


def test_exit_codes_are_the_contracts() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 130]
    assert outcome(below_threshold=True, incomplete=True) is ExitCode.INCOMPLETE  # 4 wins
    assert outcome(below_threshold=True, incomplete=False) is ExitCode.BELOW_THRESHOLD
    assert outcome(False, False) is ExitCode.OK


def test_config_accepts_exactly_the_configurable_web_types() -> None:
    from parity.config import WebSource

    union = typing.get_args(typing.get_args(WebSource)[0])
    tags = {typing.get_args(model.model_fields["type"].annotation)[0] for model in union}
    assert tags == set(CONFIG_WEB_TYPES)
    assert set(CONFIG_WEB_TYPES) - {"site"} <= set(WEB_ITEM_SOURCES)


def _status(org: str, kind: str, status: str) -> SourceStatus:
    return SourceStatus(org=org, kind=kind, url=None, status=status)


def test_only_web_sources_make_the_web_side_incomplete() -> None:
    statuses = [
        _status("a", "mastodon", "failed"),  # posts lost, written side intact
        _status("a", "feed", "ok"),
        _status("b", "sitemap", "partial"),
        _status("c", "site", "robots_blocked"),
        _status("d", "document", "failed"),
    ]
    assert incomplete_web_orgs(statuses) == {"b", "c", "d"}


def test_audit_and_match_decide_incompleteness_alike(tmp_path: Path) -> None:
    """`parity match --sources` once counted a failed *social* source as an incomplete web
    side (unverifiable) where `parity audit` said social_only: same records, other verdicts."""
    from parity.match import MatchOptions
    from parity.match.stream import match_files

    post = {"id": "p1", "org": "a", "platform": "mastodon", "published_at": "2026-03-10T08:00:00Z",
            "text": "Simhallen stänger för renovering hela veckan, öppnar igen måndag 16 mars.", "lang": "sv"}
    page = {"id": "w1", "org": "a", "source": "page", "url": "https://a.example/bibliotek",
            "title": "Biblioteket har nya öppettider", "text": "Biblioteket har nya öppettider från april.",
            "published_at": "2026-03-01T08:00:00Z", "lang": "sv"}
    sources = [{"org": "a", "kind": "mastodon", "url": None, "status": "failed", "items": 0, "error": "HTTP 500"},
               {"org": "a", "kind": "feed", "url": "https://a.example/rss", "status": "ok", "items": 1, "error": None}]
    for name, rows in (("posts", [post]), ("web", [page]), ("sources", sources)):
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    match_files(tmp_path / "posts.jsonl", tmp_path / "web.jsonl", out, MatchOptions(use_embeddings="off"),
                sources_path=tmp_path / "sources.jsonl")
    verdict = json.loads(out.read_text(encoding="utf-8"))
    assert verdict["verdict"] == "social_only"
    assert incomplete_web_orgs(SourceStatus(**s) for s in sources) == frozenset()


@pytest.mark.parametrize("name", sorted(MONTHS))
def test_every_month_name_is_read_by_the_page_date_parser(name: str) -> None:
    parsed = parse_datetime(f"12 {name} 2026")
    assert parsed is not None and parsed.month == MONTHS[name]


@pytest.mark.parametrize("name", sorted(n for n in WEEKDAYS if len(n) > 4))
def test_every_weekday_name_resolves_a_post_date(name: str) -> None:
    from parity.match.facts import extract_facts

    anchor = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.timezone.utc)  # a Monday
    facts = extract_facts(f"Öppet hus på {name} kl. 10", anchor, "sv", "Europe/Stockholm")
    dates = [f for f in facts if f.kind == "date"]
    assert dates, name


def test_one_language_normaliser_and_detector() -> None:
    assert normalize_lang("sv-SE") == "sv"
    assert normalize_lang("nb") == normalize_lang("nn") == "no"
    assert normalize_lang("x!") is None
    assert detect_lang("Vattnet stängs av på Storgatan på tisdag mellan klockan åtta och fyra.") == "sv"
    assert detect_lang("The water will be shut off on Main Street on Tuesday from eight to four.") == "en"
    assert detect_lang("Hej då") is None  # too short to tell


def test_embeddings_default_is_the_same_at_every_entry_point() -> None:
    import typer.main

    from parity.cli import app
    from parity.config import AuditConfig, MatchSettings
    from parity.match import MatchOptions
    from parity.match.__main__ import build_parser
    from parity.match.evaluate import main as evaluate_main  # noqa: F401 - the module must import

    command = typer.main.get_command(app)
    cli_default = next(p.default for p in command.commands["match"].params if p.name == "embeddings")  # type: ignore[attr-defined]
    module_default = build_parser().get_default("embeddings")  # python -m parity.match
    assert {cli_default, module_default, MatchSettings().use_embeddings, MatchOptions().use_embeddings} == {"off"}
    assert MatchOptions.from_config(AuditConfig.model_validate({"org": [{"id": "a", "name": "A"}]})).use_embeddings == "off"
