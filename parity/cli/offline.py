"""Commands that work on files already on disk: ``match``, ``report``, ``history``, ``triage``, ``check-config``.

Each parses its options, calls one entry point of :mod:`parity.audit` (or the config loader)
and turns the result into stdout and an exit code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from parity.audit import load_history, match_only, rebuild_outputs, triage_post
from parity.cli.console import finish, print_history, print_result, setup_logging
from parity.cli.guard import fail
from parity.cli.options import (
    ConfigArg,
    CsvDialect,
    CsvDialectOpt,
    Embeddings,
    FailUnder,
    Fmt,
    OutputFormat,
    StorePath,
    TriageLabel,
    Verbose,
)
from parity.config import load_config
from parity.core.embeddings import DEFAULT_EMBEDDINGS

log = logging.getLogger("parity")


def match(
    posts: Annotated[Path, typer.Option("--posts", help="posts.jsonl")],
    web: Annotated[Path, typer.Option("--web", help="web.jsonl")],
    out: Annotated[Path, typer.Option("--out", help="verdicts.jsonl to write")],
    sources: Annotated[Optional[Path], typer.Option("--sources", help="sources.jsonl: orgs with an incomplete web side get unverifiable")] = None,
    grace_hours: Annotated[float, typer.Option("--grace-hours", min=0)] = 24.0,
    incomplete_org: Annotated[Optional[list[str]], typer.Option("--incomplete-org", help="treat this org's web side as incomplete")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="regex: matching posts are excluded (repeatable)")] = None,
    embeddings: Annotated[Embeddings, typer.Option("--embeddings", help="the optional dense signal: auto (when "
                                                   "installed), on (required) or off")] = Embeddings(DEFAULT_EMBEDDINGS),
    verbose: Verbose = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Match only, offline, on any data in the record format."""
    setup_logging(verbose)
    stats = match_only(posts, web, out, sources=sources, grace_hours=grace_hours, incomplete_org=incomplete_org,
                       exclude=exclude, embeddings=embeddings.value)
    log.info("%d verdicts written to %s", stats["verdicts"], out)
    if fmt is OutputFormat.json:
        print_result({"out": str(out), **stats}, fmt, "reach-parity match")


def report(
    folder: Annotated[Path, typer.Argument(help="an audit output folder")],
    fail_under: FailUnder = None,
    fmt: Fmt = OutputFormat.table,
    csv_dialect: CsvDialectOpt = CsvDialect.excel_sv,
) -> None:
    """(Re)build the human report from the JSONL files in FOLDER."""
    setup_logging(False)
    result = rebuild_outputs(folder, fail_under, csv_dialect.value)
    finish(result, fmt)


def history(
    target: Annotated[str, typer.Argument(help="a config (its store), a store file (.sqlite) or a postgresql:// URL",
                                          metavar="TARGET")],
    fmt: Fmt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=1, help="newest runs shown")] = 30,
    nights: Annotated[int, typer.Option("--nights", min=1, help="list gaps open for at least this many "
                                                                "consecutive runs")] = 2,
) -> None:
    """Parity per organisation across earlier runs, web pages removed after they had matched a post, posts
    edited or deleted, and gaps open for several nights, from the store."""
    print_history(load_history(target, limit, nights).to_dict(), fmt)


def triage(
    post_id: Annotated[str, typer.Argument(help="the post's id (posts.jsonl, verdicts.csv)")],
    store: StorePath = None,
    label: Annotated[Optional[TriageLabel], typer.Option("--as", help="what a person concluded about the post")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="why (shown in the report)")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="remove the post's mark instead")] = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Mark one post as reviewed in the store: kept across runs, shown in the next report, applied to that
    post only."""
    if store is None:
        fail("--store: required: the audit's store (default reports/<config-stem>/parity.sqlite)")
    mark = triage_post(store, post_id, label.value if label else None, note, clear)
    print_result(mark, fmt, "reach-parity triage")


def check_config(config: ConfigArg, fmt: Fmt = OutputFormat.table) -> None:
    """Validate CONFIG: exit 0, or 2 with one line per problem (file:line: field: message)."""
    loaded = load_config(config)
    sources = sum(len(o.web) + len(o.social) for o in loaded.config.org)
    typer.echo(f"{config}: ok ({len(loaded.config.org)} organisations, {sources} sources)", err=True)
    if fmt is OutputFormat.json:
        print_result({"config": str(config), "ok": True, "orgs": [o.id for o in loaded.config.org],
                      "sources": sources}, fmt, "check-config")
