"""What the command writes where: logs and progress on stderr, only the requested output on stdout
(a table for people, or one JSON object with ``--format json``).

Everything printed to a terminal that came from data (organisation ids, post texts, URLs, error
messages a server sent) goes through :func:`terminal_safe`: rich would read ``[/bold]x`` as
markup (and crash on the unbalanced tag), and an ESC or OSC sequence in a post would drive the
terminal itself. Table cells are rich ``Text`` objects, which are never parsed for markup.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

from parity.audit import AuditResult
from parity.cli.options import OutputFormat
from parity.core.logs import log_to_stderr, terminal_safe
from parity.core.records import VERDICT_KINDS


def setup_logging(verbose: bool = False) -> None:
    """One stderr handler (parity/core/logs.py); DEBUG with ``--verbose``; chatty libraries kept at WARNING."""
    log_to_stderr(logging.DEBUG if verbose else logging.INFO,
                  quiet=("trafilatura", "htmldate", "bm25s", "urllib3", "filelock"))


def print_json(value: dict[str, Any]) -> None:
    """One JSON object, one line, on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A table on stdout; every cell and the title shown literally (no markup, no control sequences)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(terminal_safe(title)))
    for index, column in enumerate(columns):
        numeric = bool(rows) and all(isinstance(row[index], (int, float)) or str(row[index]).endswith(" %")
                                     or str(row[index]) == "–" for row in rows)
        table.add_column(Text(terminal_safe(column)), justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell)) for cell in row))
    Console(file=sys.stdout, width=max(100, Console().width)).print(table)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def print_summary(summary: dict[str, Any], fmt: OutputFormat, out_dir: Path | None) -> None:
    """The audit's figures per organisation (summary.json's ``orgs``)."""
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    rows = [[org["id"], org["posts"], *(org["counts"][k] for k in VERDICT_KINDS), _percent(org["parity_percent"])]
            for org in summary["orgs"]]
    print_table("reach-parity" + (f" → {out_dir}" if out_dir else ""), ["org", "posts", *VERDICT_KINDS, "parity"],
                rows)


def finish(result: AuditResult, fmt: OutputFormat) -> NoReturn:
    """Print an audit's summary and exit with its code (0, 3 or 4)."""
    print_summary(result.summary, fmt, result.out_dir)
    raise typer.Exit(result.exit_code)


def print_result(value: dict[str, Any], fmt: OutputFormat, title: str) -> None:
    """A command's result: one JSON object, or a two-column table of its plain fields."""
    if fmt is OutputFormat.json:
        print_json(value)
        return
    print_table(title, ["field", "value"], [[key, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                                             else v] for key, v in value.items()])


def print_history(history: dict[str, Any], fmt: OutputFormat) -> None:
    """``parity history``: parity per organisation per finished run, then what changed (parity.report.history)."""
    if fmt is OutputFormat.json:
        print_json(history)
        return
    runs = history["runs"]
    orgs = sorted({org for run in runs for org in run["orgs"]})
    rows = [[run["started_at"], run["exit_code"], *(_percent(run["orgs"].get(org)) for org in orgs)] for run in runs]
    print_table(f"history: {history['store']}", ["run", "exit", *orgs], rows)
    sections = (
        ("removed_after_match", "web pages removed after they had matched a post",
         ["org", "page", "removed", "post"], lambda r: [r["org"], r.get("url"), r["removed_at"], r.get("post_text")]),
        ("edited", "posts edited", ["org", "post", "edited"], lambda r: [r["org"], r.get("text"), r["edited_at"]]),
        ("deleted", "posts deleted", ["org", "post", "deleted"], lambda r: [r["org"], r.get("text"), r["deleted_at"]]),
        ("open_gaps", f"gaps open for {history.get('min_nights', 2)} nights or more", ["org", "post", "verdict",
                                                                                       "nights"],
         lambda r: [r["org"], r["post_id"], r["verdict"], r["nights"]]),
    )
    for key, title, columns, row in sections:
        if history.get(key):
            print_table(f"{title} ({len(history[key])})", columns, [row(item) for item in history[key]])
