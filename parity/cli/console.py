"""What the command writes where: logs and progress on stderr, only the requested output on stdout
(a table for people, or one JSON object with ``--format json``)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

from parity.audit import AuditResult
from parity.cli.options import OutputFormat
from parity.core.logs import log_to_stderr


def setup_logging(verbose: bool = False) -> None:
    """One stderr handler (parity/core/logs.py); DEBUG with ``--verbose``; chatty libraries kept at WARNING."""
    log_to_stderr(logging.DEBUG if verbose else logging.INFO,
                  quiet=("trafilatura", "htmldate", "bm25s", "urllib3", "filelock"))


def print_json(value: dict[str, Any]) -> None:
    """One JSON object, one line, on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column == columns[0] else "right")
    for row in rows:
        table.add_row(*row)
    Console(file=sys.stdout, width=max(100, Console().width)).print(table)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


_VERDICT_COLUMNS = ("match", "partial", "late", "social_only", "unverifiable", "excluded")


def print_summary(summary: dict[str, Any], fmt: OutputFormat, out_dir: Path | None) -> None:
    """The audit's figures per organisation (summary.json's ``orgs``)."""
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    rows = [[org["id"], str(org["posts"]), *(str(org["counts"][k]) for k in _VERDICT_COLUMNS),
             _percent(org["parity_percent"])] for org in summary["orgs"]]
    _print_table("reach-parity" + (f" → {out_dir}" if out_dir else ""),
                 ["org", "posts", *_VERDICT_COLUMNS, "parity"], rows)


def finish(result: AuditResult, fmt: OutputFormat) -> NoReturn:
    """Print an audit's summary and exit with its code (0, 3 or 4)."""
    print_summary(result.summary, fmt, result.out_dir)
    raise typer.Exit(result.exit_code)


def print_history(history: dict[str, Any], fmt: OutputFormat) -> None:
    """Parity per organisation, one row per finished run (``{"store", "runs"}``)."""
    if fmt is OutputFormat.json:
        print_json(history)
        return
    runs = history["runs"]
    orgs = sorted({org for run in runs for org in run["orgs"]})
    rows = [[run["started_at"], str(run["exit_code"]), *(_percent(run["orgs"].get(org)) for org in orgs)]
            for run in runs]
    _print_table(f"history: {history['store']}", ["run", "exit", *orgs], rows)
