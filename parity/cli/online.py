"""Commands that collect from the network: ``audit``, ``crawl``, ``demo``, ``discover``, ``worker``.

Each parses its options, calls one entry point of :mod:`parity.audit` and turns the result
into stdout and an exit code; errors are mapped by :func:`parity.cli.guard.guarded`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from parity.audit import (
    AuditRequest,
    CrawlRequest,
    run_audit,
    run_crawl_only,
    run_demo,
    run_discover,
    run_worker,
)
from parity.cli.console import finish, print_result, setup_logging
from parity.cli.options import (
    ConfigArg,
    CsvDialect,
    CsvDialectOpt,
    FailUnder,
    Fmt,
    OutDir,
    OutputFormat,
    RedisUrl,
    RunOptions,
    StorePath,
    Verbose,
    Warc,
    bundle,
)
from parity.cli.progress import progress_for_stderr


@bundle(RunOptions)
def audit(config: ConfigArg, run: RunOptions, fail_under: FailUnder = None, fmt: Fmt = OutputFormat.table,
          csv_dialect: CsvDialectOpt = CsvDialect.excel_sv) -> None:
    """Collect + match + report for every organisation in CONFIG."""
    setup_logging(run.verbose)
    progress = progress_for_stderr()
    try:
        result = run_audit(run.request(config, AuditRequest, fail_under=fail_under, csv_dialect=csv_dialect.value,
                                       progress=progress))
    finally:
        getattr(progress, "close", lambda: None)()
    finish(result, fmt)


@bundle(RunOptions)
def crawl(config: ConfigArg, run: RunOptions, fmt: Fmt = OutputFormat.table) -> None:
    """Collect only: writes posts.jsonl, web.jsonl, sources.jsonl."""
    setup_logging(run.verbose)
    progress = progress_for_stderr()
    try:
        result = run_crawl_only(run.request(config, CrawlRequest, progress=progress))
    finally:
        getattr(progress, "close", lambda: None)()
    print_result(result.to_dict(), fmt, "reach-parity crawl")
    raise typer.Exit(result.exit_code)


#: ``parity demo``'s folder (README "Usage")
DEMO_OUT = Path("reports/demo")


def demo(out: OutDir = DEMO_OUT, fail_under: FailUnder = None, fmt: Fmt = OutputFormat.table,
         verbose: Verbose = False, warc: Warc = False, csv_dialect: CsvDialectOpt = CsvDialect.excel_sv) -> None:
    """Start the bundled demo world on 127.0.0.1, audit it, write the report, stop the servers."""
    setup_logging(verbose)
    progress = progress_for_stderr()
    try:
        result = run_demo(out or DEMO_OUT, fail_under, warc, verbose, progress, csv_dialect.value)
    finally:
        getattr(progress, "close", lambda: None)()
    finish(result, fmt)


def discover(
    url: Annotated[str, typer.Argument(help="the site's start URL, e.g. https://www.uppsala.se/")],
    org_id: Annotated[Optional[str], typer.Option("--id", help="organisation id (default: from the site's name)")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="organisation name (default: the site's name)")] = None,
    no_robots: Annotated[bool, typer.Option("--no-robots", help="ignore robots.txt (not recommended)")] = False,
    delay: Annotated[float, typer.Option("--delay", min=0, help="seconds between requests")] = 0.5,
) -> None:
    """Find a site's feeds, sitemaps, news lists and notice board; print a config block (TOML) on stdout."""
    raise typer.Exit(run_discover(url, org_id, name, no_robots, delay))


def worker(
    redis: RedisUrl = None,
    store: StorePath = None,
    once: Annotated[bool, typer.Option("--once", help="stop after one run instead of waiting for the next")] = False,
    wait: Annotated[float, typer.Option("--wait", min=0, help="seconds to wait for a run to start")] = 3600.0,
    verbose: Verbose = False,
) -> None:
    """Join distributed crawls (parity crawl|audit CONFIG --redis URL) from this machine, run after run."""
    setup_logging(verbose)
    raise typer.Exit(run_worker(redis or "", store, once, wait, verbose))
