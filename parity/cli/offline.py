"""Commands that work on files already on disk: ``match``, ``report``, ``history``, ``check-config``.

Each parses its options, calls one entry point of :mod:`parity.audit` (or the config loader)
and turns the result into stdout and an exit code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from parity.audit import load_history, match_only, rebuild_outputs
from parity.cli.console import finish, print_history, setup_logging
from parity.cli.options import ConfigArg, FailUnder, Fmt, OutputFormat, Verbose
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
    embeddings: Annotated[str, typer.Option("--embeddings", help="auto|on|off: the optional dense signal")] = DEFAULT_EMBEDDINGS,
    verbose: Verbose = False,
) -> None:
    """Match only, offline, on any data in the record format."""
    setup_logging(verbose)
    stats = match_only(posts, web, out, sources=sources, grace_hours=grace_hours, incomplete_org=incomplete_org,
                       exclude=exclude, embeddings=embeddings)
    log.info("%d verdicts written to %s", stats["verdicts"], out)


def report(
    folder: Annotated[Path, typer.Argument(help="an audit output folder")],
    fail_under: FailUnder = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """(Re)build the human report from the JSONL files in FOLDER."""
    setup_logging(False)
    result = rebuild_outputs(folder, fail_under)
    finish(result, fmt)


def history(
    target: Annotated[Path, typer.Argument(help="a config (its default store) or a store file (.sqlite)")],
    fmt: Fmt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=1, help="newest runs shown")] = 30,
) -> None:
    """Parity per organisation across earlier runs, from the store."""
    print_history(load_history(target, limit).to_dict(), fmt)


def check_config(config: ConfigArg) -> None:
    """Validate CONFIG: exit 0, or 2 with one line per problem (file:line: field: message)."""
    loaded = load_config(config)
    sources = sum(len(o.web) + len(o.social) for o in loaded.config.org)
    typer.echo(f"{config}: ok ({len(loaded.config.org)} organisations, {sources} sources)", err=True)
