"""Every option shared by two or more commands, declared once (in the manner of sqlite-utils'
``output_options``): a typed alias per option, and :func:`bundle` for a group of them.

A command names an option by its alias (``fail_under: FailUnder = None``); a group the
command receives as one value (``run: RunOptions``) is added by ``@bundle(RunOptions)``.
Help texts, flag names and limits therefore live only here.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar, get_type_hints

import typer

from parity.audit import CrawlRequest, InputError


class OutputFormat(str, Enum):
    """What stdout carries: a table for people, or one JSON object for tools."""

    table = "table"
    json = "json"


class CsvDialect(str, Enum):
    """How verdicts.csv and ranking.csv are spelled (parity/report/tabular.py, README "Output folder")."""

    excel_sv = "excel-sv"
    comma = "comma"


class Embeddings(str, Enum):
    """The optional dense signal (parity/core/embeddings.py): use it when installed, require it, or never."""

    auto = "auto"
    on = "on"
    off = "off"


class TriageLabel(str, Enum):
    """What an officer concluded about one post (parity/store/triage.py)."""

    not_an_announcement = "not-an-announcement"
    confirmed_gap = "confirmed-gap"
    wrong_match = "wrong-match"


ConfigArg = Annotated[Path, typer.Argument(help="the audit config (TOML)")]
OutDir = Annotated[Optional[Path], typer.Option("--out", help="output folder")]
StorePath = Annotated[Optional[str], typer.Option(
    "--store", help="the store, kept across runs: a SQLite file, or a postgresql:// URL (shared by workers and "
    "readers; also the config's store url)")]
RedisUrl = Annotated[Optional[str], typer.Option(
    "--redis", help="distributed crawl: the Redis the workers share (redis://host:6379/0); docs/distributed.md")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=64,
                                      help="distributed crawl: local worker processes (with --redis)")]
Orgs = Annotated[Optional[list[str]], typer.Option("--org", help="only this organisation (repeatable)")]
FailUnder = Annotated[Optional[float], typer.Option("--fail-under", min=0, max=100,
                                                    help="exit 3 if an organisation's parity rate (%) is below")]
Fmt = Annotated[OutputFormat, typer.Option("--format", help="stdout: a table, or one JSON object (the summary)")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="more detail on stderr")]
Now = Annotated[Optional[str], typer.Option("--now", hidden=True, help="audit clock (ISO 8601), for replays")]
Warc = Annotated[bool, typer.Option("--warc", help="archive every downloaded response in DIR/crawl.warc.gz "
                                    "(evidence; credentials redacted; also [crawl] warc = true)")]
CsvDialectOpt = Annotated[CsvDialect, typer.Option("--csv-dialect", help="verdicts.csv and ranking.csv: excel-sv "
                                                   "(; separator, UTF-8 BOM, decimal comma: Swedish Excel) or comma "
                                                   "(, separator, no BOM, decimal point)")]


R = TypeVar("R", bound=CrawlRequest)


@dataclass(frozen=True)
class RunOptions:
    """The options of a command that crawls a config: ``audit`` and ``crawl``."""

    out: OutDir = None
    store: StorePath = None
    org: Orgs = None
    verbose: Verbose = False
    now: Now = None
    warc: Warc = False
    redis: RedisUrl = None
    workers: Workers = 1

    def request(self, config: Path, kind: type[R], **extra: Any) -> R:
        """The audit layer's request (``kind``: CrawlRequest or AuditRequest) for ``config``."""
        return kind(config=config, out=self.out, store=self.store, clock=parse_clock(self.now),
                    orgs=tuple(self.org or ()), warc=self.warc, verbose=self.verbose, redis=self.redis,
                    workers=self.workers, **extra)


def parse_clock(value: str | None) -> dt.datetime | None:
    """``--now``: an ISO 8601 time, or None for the wall clock."""
    from parity.core.timeutil import parse_time

    if not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise InputError(f"--now: not an ISO 8601 time: {value!r}") from None


F = TypeVar("F", bound=Callable[..., Any])


def bundle(group: type) -> Callable[[F], F]:
    """Add the fields of the dataclass ``group`` to a command as options; the command receives them
    as one ``group`` instance in its parameter annotated with that class."""
    hints = get_type_hints(group, include_extras=True)
    added = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=hints[f.name], default=f.default)
             for f in fields(group)]

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        (target,) = [p.name for p in signature.parameters.values() if p.annotation is group]
        kept = [p for p in signature.parameters.values() if p.name != target]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = group(**{p.name: kwargs.pop(p.name) for p in added})
            return command(*args, **{target: values}, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
