"""The ``parity`` command (README "Usage"; ../shared/contracts.md, "The parity command").

A thin typer app: commands parse arguments, call one entry point of :mod:`parity.audit`
and map its result to an exit code. There is no crawl, match or report logic here
(``tests/unit/test_cli_imports.py`` holds the package to that). stdout carries only the
requested output; progress and logs go to stderr; every user mistake ends in one line on
stderr and exit 2, never a traceback.

Modules: ``options`` (every shared option, declared once), ``guard`` (errors → exit codes),
``console`` (stdout/stderr), ``online`` (audit, crawl, demo, discover, worker), ``offline`` (match,
report, history, check-config).
"""

from __future__ import annotations

from typing import Annotated

import typer

from parity.audit import take_back_ctrl_c
from parity.cli import offline, online
from parity.cli.guard import guarded

# rich_markup_mode=None: help texts are shown as written. With rich markup on, "[crawl] warc = true"
# lost its "[crawl]" (read as a style tag); the texts name TOML tables and choices in brackets.
app = typer.Typer(
    name="parity",
    help="reach-parity: does everything a public body announces on social media also exist in writing?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def version_text() -> str:
    """``parity X.Y.Z`` from the installed distribution (the checkout's pyproject when run from source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"parity {version('reach-parity')}"
    except PackageNotFoundError:
        return "parity (not installed)"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[bool, typer.Option("--version", help="print the version and exit", is_eager=True,
                                               callback=_show_version)] = False,
) -> None:
    """reach-parity: does everything a public body announces on social media also exist in writing?"""


for _command in (online.audit, online.crawl, offline.match, offline.report, offline.history, offline.triage):
    app.command()(guarded(_command))
app.command("check-config")(guarded(offline.check_config))
for _command in (online.demo, online.discover, online.worker):
    app.command()(guarded(_command))


def main() -> None:
    """Console-script entry point (``parity = "parity.cli:main"``)."""
    take_back_ctrl_c()
    app()

