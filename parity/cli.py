"""The ``parity`` command (contracts.md §1): argument handling and exit codes only.

stdout carries only the requested output (a table, or one JSON object with
``--format json``); progress and logs go to stderr. Every user mistake ends in
one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from parity.core.embeddings import DEFAULT_EMBEDDINGS, EMBEDDING_MODES
from parity.core.exitcodes import ExitCode
from parity.config import ConfigError, LoadedConfig, load_config
from parity.core.jsonl import RecordError
from parity.store import StoreError


app = typer.Typer(
    name="parity",
    help="reach-parity: does everything a public body announces on social media also exist in writing?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("parity")


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _setup_logging(verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("trafilatura", "htmldate", "bm25s", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(message: str, code: int = ExitCode.USAGE) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known error types into one-line messages and contract exit codes."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ConfigError as exc:
            _fail(str(exc), ExitCode.USAGE)
        except (RecordError, StoreError) as exc:
            _fail(str(exc), ExitCode.USAGE)
        except KeyboardInterrupt:
            _fail("interrupted; collected records are kept in the store, a rerun resumes", ExitCode.INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - a bug: one line, traceback only on request
            if os.environ.get("PARITY_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            _fail(f"internal error: {type(exc).__name__}: {first} (set PARITY_DEBUG=1 for the traceback)",
                  ExitCode.INTERNAL)
    return wrapper


def _now(value: Optional[str]) -> dt.datetime:
    from parity.core.timeutil import parse_time

    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        parsed = parse_time(value)
    except ValueError:
        _fail(f"--now: not an ISO 8601 time: {value!r}")
    assert parsed is not None
    return parsed


def _print_summary(summary: dict[str, Any], fmt: OutputFormat, out_dir: Path | None) -> None:
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="reach-parity" + (f" → {out_dir}" if out_dir else ""))
    for column in ("org", "posts", "match", "partial", "late", "social_only", "unverifiable", "excluded", "parity"):
        table.add_column(column, justify="left" if column == "org" else "right")
    for org in summary["orgs"]:
        c = org["counts"]
        rate = "–" if org["parity_percent"] is None else f"{org['parity_percent']:.1f} %"
        table.add_row(org["id"], str(org["posts"]), *(str(c[k]) for k in
                      ("match", "partial", "late", "social_only", "unverifiable", "excluded")), rate)
    Console(file=sys.stdout, width=max(100, Console().width)).print(table)


def _crawl_step(loaded: LoadedConfig, store_path: Path, now: dt.datetime, orgs: Optional[list[str]],
                verbose: bool, command: str, warc: Optional[Path] = None) -> str:
    """Begin a run, crawl in the child process, settle the run on failure; returns the run id.

    ``warc``: the evidence archive the crawl appends to (None: none is written).

    Exit paths follow the contract: 130 interrupted (run kept as ``interrupted`` so a
    rerun resumes), 2 an input file named by the config is unreadable, 1 a crashed child.
    """
    from parity.audit import CrawlFailed, new_run_id, run_crawl
    from parity.store import SqliteStore

    run_id = new_run_id(now)
    with SqliteStore(store_path) as store:
        store.begin_run(run_id, command, str(loaded.path))
    log.info("crawling %s (run %s, store %s)", loaded.path, run_id, store_path)
    if warc is not None:
        log.info("archiving every downloaded response in %s", warc)
    code = run_crawl(loaded.path, store_path, run_id, now, orgs, verbose, warc)
    if code == 0:
        return run_id
    with SqliteStore(store_path) as store:
        if code == ExitCode.INTERRUPTED:
            store.finish_run(run_id, "interrupted", ExitCode.INTERRUPTED)
            _fail("interrupted; collected records are kept in the store, a rerun resumes", ExitCode.INTERRUPTED)
        if code == ExitCode.USAGE:  # the crawl printed which file and line
            store.finish_run(run_id, "failed", ExitCode.USAGE)
            raise typer.Exit(ExitCode.USAGE)
        store.finish_run(run_id, "failed", ExitCode.INTERNAL)
    raise CrawlFailed(code)


def _warc_for(loaded: LoadedConfig, out: Path, flag: bool) -> Optional[Path]:
    """``<out>/crawl.warc.gz`` when ``--warc`` is given or the config says ``[crawl] warc = true``."""
    from parity.audit import warc_path

    return warc_path(out) if flag or loaded.config.crawl.warc else None


def _run_audit(loaded: LoadedConfig, out: Path, store_path: Path, now: dt.datetime, fail_under: Optional[float],
               orgs: Optional[list[str]], verbose: bool, warc: bool = False) -> dict[str, Any]:
    """Crawl, match, report; returns the summary (its ``exit_code`` is the contract's)."""
    from parity.audit import audit_meta, collect_from_store, match_collected
    from parity.report import summarise, write_audit_outputs
    from parity.report.history import history_block, removed_items
    from parity.store import SqliteStore

    run_id = _crawl_step(loaded, store_path, now, orgs, verbose, "audit", _warc_for(loaded, out, warc))
    with SqliteStore(store_path) as store:
        collected = collect_from_store(store, loaded, run_id, now, orgs)
        log.info("matching %d posts against %d web items", len(collected.posts), len(collected.web))
        verdicts = match_collected(collected, loaded)
        store.save_verdicts(run_id, verdicts)
        names = {o.id: o.name for o in loaded.config.org if not orgs or o.id in orgs}
        meta = audit_meta(loaded, run_id, now)
        meta["history"] = history_block(store, run_id)
        meta["removed"] = removed_items(store, list(names))
        summary = summarise(collected.posts, verdicts, collected.sources, names, fail_under, meta)
        write_audit_outputs(out, collected.posts, collected.web, verdicts, collected.sources, summary)
        store.finish_run(run_id, "finished", summary["exit_code"], summary)
    log.info("report written to %s", out / "report.html")
    return summary


FailUnder = Annotated[Optional[float], typer.Option("--fail-under", min=0, max=100,
                                                    help="exit 3 if an organisation's parity rate (%) is below")]
Fmt = Annotated[OutputFormat, typer.Option("--format", help="stdout: a table, or one JSON object (the summary)")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="more detail on stderr")]
Now = Annotated[Optional[str], typer.Option("--now", hidden=True, help="audit clock (ISO 8601), for replays")]
Warc = Annotated[bool, typer.Option("--warc", help="archive every downloaded response in DIR/crawl.warc.gz "
                                    "(evidence; credentials redacted; also [crawl] warc = true)")]


@app.command()
@guarded
def audit(
    config: Annotated[Path, typer.Argument(help="the audit config (TOML)")],
    out: Annotated[Optional[Path], typer.Option("--out", help="output folder")] = None,
    fail_under: FailUnder = None,
    fmt: Fmt = OutputFormat.table,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (kept across runs)")] = None,
    org: Annotated[Optional[list[str]], typer.Option("--org", help="only this organisation (repeatable)")] = None,
    verbose: Verbose = False,
    now: Now = None,
    warc: Warc = False,
) -> None:
    """Collect + match + report for every organisation in CONFIG."""
    loaded, clock, out_dir, store_path = _prepare(config, out, store, org, verbose, now)
    summary = _run_audit(loaded, out_dir, store_path, clock, fail_under, org, verbose, warc)
    _print_summary(summary, fmt, out_dir)
    raise typer.Exit(summary["exit_code"])


def _prepare(config: Path, out: Optional[Path], store: Optional[Path], orgs: Optional[list[str]], verbose: bool,
             now: Optional[str]) -> tuple[LoadedConfig, dt.datetime, Path, Path]:
    """What ``audit`` and ``crawl`` share: logging, clock, validated config, output folder and store."""
    from parity.audit import default_out_dir, default_store_path

    _setup_logging(verbose)
    clock = _now(now)
    loaded = load_config(config)
    _check_orgs(loaded, orgs)
    return loaded, clock, out or default_out_dir(loaded, clock), store or default_store_path(loaded)


def _check_orgs(loaded: LoadedConfig, orgs: Optional[list[str]]) -> None:
    known = {o.id for o in loaded.config.org}
    for org in orgs or []:
        if org not in known:
            _fail(f"--org: {org!r} is not in {loaded.path} (known: {', '.join(sorted(known))})")


@app.command()
@guarded
def crawl(
    config: Annotated[Path, typer.Argument(help="the audit config (TOML)")],
    out: Annotated[Optional[Path], typer.Option("--out", help="output folder")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (kept across runs)")] = None,
    org: Annotated[Optional[list[str]], typer.Option("--org", help="only this organisation (repeatable)")] = None,
    verbose: Verbose = False,
    now: Now = None,
    warc: Warc = False,
) -> None:
    """Collect only: writes posts.jsonl, web.jsonl, sources.jsonl."""
    from parity.audit import collect_from_store, export_crawl
    from parity.store import SqliteStore

    loaded, clock, out_dir, store_path = _prepare(config, out, store, org, verbose, now)
    run_id = _crawl_step(loaded, store_path, clock, org, verbose, "crawl", _warc_for(loaded, out_dir, warc))
    with SqliteStore(store_path) as db:
        collected = collect_from_store(db, loaded, run_id, clock, org)
        export_crawl(out_dir, collected)
        incomplete = any(s.status != "ok" for s in collected.sources)
        db.finish_run(run_id, "finished", ExitCode.INCOMPLETE if incomplete else ExitCode.OK)
    log.info("%d posts, %d web items written to %s", len(collected.posts), len(collected.web), out_dir)
    raise typer.Exit(ExitCode.INCOMPLETE if incomplete else ExitCode.OK)


@app.command()
@guarded
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
    from parity.match import MatchOptions
    from parity.match.options import parse_exclude_args
    from parity.match.stream import check_files, match_files

    _setup_logging(verbose)
    if embeddings not in EMBEDDING_MODES:
        _fail(f"--embeddings: expected auto, on or off, got {embeddings!r}")
    try:
        rules = parse_exclude_args(exclude or [], origin="cli")
    except ValueError as exc:
        check_files(posts, web, sources)  # a broken input line is reported first, as always
        _fail(f"--exclude: {exc}")
    options = MatchOptions(grace_hours=grace_hours, incomplete_orgs=frozenset(incomplete_org or []),
                           exclude_rules=rules, use_embeddings=embeddings)  # type: ignore[arg-type]
    # big inputs are streamed organisation group by group (parity.match.stream); same verdicts
    stats = match_files(posts, web, out, options, sources_path=sources)
    log.info("%d verdicts written to %s", stats["verdicts"], out)


@app.command()
@guarded
def report(
    folder: Annotated[Path, typer.Argument(help="an audit output folder")],
    fail_under: FailUnder = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """(Re)build the human report from the JSONL files in FOLDER."""
    from parity.report import rebuild_report

    _setup_logging(False)
    if not folder.is_dir():
        _fail(f"{folder}: not a folder")
    summary = rebuild_report(folder, fail_under)
    _print_summary(summary, fmt, folder)
    raise typer.Exit(summary["exit_code"])


@app.command()
@guarded
def history(
    target: Annotated[Path, typer.Argument(help="a config (its default store) or a store file (.sqlite)")],
    fmt: Fmt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=1, help="newest runs shown")] = 30,
) -> None:
    """Parity per organisation across earlier runs, from the store."""
    from parity.audit import default_store_path
    from parity.report.history import run_history
    from parity.store import SqliteStore

    store_path = target if target.suffix in (".sqlite", ".db") else default_store_path(load_config(target))
    if not store_path.is_file():
        _fail(f"{store_path}: no store yet (run an audit first)")
    with SqliteStore(store_path) as store:
        runs = run_history(store, limit)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps({"store": str(store_path), "runs": runs}, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    orgs = sorted({org for run in runs for org in run["orgs"]})
    table = Table(title=f"history: {store_path}")
    for column in ("run", "exit", *orgs):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run in runs:
        table.add_row(run["started_at"], str(run["exit_code"]),
                      *("–" if run["orgs"].get(org) is None else f"{run['orgs'][org]:.1f} %" for org in orgs))
    Console(file=sys.stdout, width=max(100, Console().width)).print(table)


@app.command("check-config")
@guarded
def check_config(config: Annotated[Path, typer.Argument(help="the audit config (TOML)")]) -> None:
    """Validate CONFIG: exit 0, or 2 with one line per problem (file:line: field: message)."""
    loaded = load_config(config)
    sources = sum(len(o.web) + len(o.social) for o in loaded.config.org)
    typer.echo(f"{config}: ok ({len(loaded.config.org)} organisations, {sources} sources)", err=True)


@app.command()
@guarded
def demo(
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("reports/demo"),
    fail_under: FailUnder = None,
    fmt: Fmt = OutputFormat.table,
    verbose: Verbose = False,
    warc: Warc = False,
) -> None:
    """Start the bundled demo world on 127.0.0.1, audit it, write the report, stop the servers."""
    from parity.demo.world import DemoWorld

    _setup_logging(verbose)
    out.mkdir(parents=True, exist_ok=True)
    store_path = out / "parity.sqlite"
    # A fresh world each time: yesterday's store and evidence archive would describe other servers.
    for stale in (store_path, out / "parity.sqlite-wal", out / "parity.sqlite-shm", out / "crawl.warc.gz"):
        stale.unlink(missing_ok=True)
    clock = dt.datetime.now(dt.timezone.utc)
    with DemoWorld(now=clock) as world:
        config_path = out / "demo.toml"
        config_path.write_text(world.config_toml(), encoding="utf-8")
        loaded = load_config(config_path)
        log.info("demo world: web %s, mastodon %s, bluesky %s", world.web_base, world.mastodon_base, world.bluesky_base)
        summary = _run_audit(loaded, out, store_path, clock, fail_under, None, verbose, warc)
    _print_summary(summary, fmt, out)
    raise typer.Exit(summary["exit_code"])


@app.command()
@guarded
def discover(
    url: Annotated[str, typer.Argument(help="the site's start URL, e.g. https://www.uppsala.se/")],
    org_id: Annotated[Optional[str], typer.Option("--id", help="organisation id (default: from the site's name)")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="organisation name (default: the site's name)")] = None,
    no_robots: Annotated[bool, typer.Option("--no-robots", help="ignore robots.txt (not recommended)")] = False,
    delay: Annotated[float, typer.Option("--delay", min=0, help="seconds between requests")] = 0.5,
) -> None:
    """Find a site's feeds, sitemaps, news lists and notice board; print a config block (TOML) on stdout."""
    import subprocess

    cmd = [sys.executable, "-m", "crawler.discover", url, "--delay", str(delay)]
    cmd += ["--id", org_id] if org_id else []
    cmd += ["--name", name] if name else []
    cmd += ["--no-robots"] if no_robots else []
    # Scrapy runs in its own process (its reactor cannot restart); stdout is the config block.
    raise typer.Exit(subprocess.run(cmd).returncode)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
