"""The command line is a thin layer over ``parity.audit`` (issue 10, point 3).

The rule these tests hold ``parity/cli/`` to — what a module of it may import:

* the standard library, except what starts processes or opens stores or sockets
  (``subprocess``, ``signal``, ``multiprocessing``, ``sqlite3``, ``socket``, ``http``, ``urllib``);
* ``typer``, ``click`` and ``rich`` (argument parsing and terminal output);
* ``parity.cli.*`` itself;
* ``parity.audit`` — the package facade only, never its modules: every run, the offline
  match, the report rebuild, the history lookup and discovery are entry points there;
* ``parity.config``: ``load_config``, ``ConfigError``, ``LoadedConfig`` (``check-config``);
* ``parity.core.*``: exit codes and the time rule of ``--now``.

Nothing else: no ``crawler.*``, ``parity.match``, ``parity.report``, ``parity.store`` or
``parity.demo``. The audit layer in turn knows nothing of the terminal.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import ROOT

CLI = ROOT / "parity" / "cli"
AUDIT = ROOT / "parity" / "audit"

FORBIDDEN_STDLIB = {"subprocess", "signal", "multiprocessing", "sqlite3", "socket", "http", "urllib"}
ALLOWED_THIRD_PARTY = {"typer", "click", "rich"}
ALLOWED_NAMES = {"parity.config": {"load_config", "ConfigError", "LoadedConfig"}}


def imports(folder: Path) -> Iterator[tuple[str, int, str, set[str]]]:
    """(file, line, imported module, imported names) for every import in ``folder``, nested ones too."""
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.name, node.lineno, alias.name, set()
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative imports would hide the module named; the project uses none
                    yield path.name, node.lineno, "." * node.level + (node.module or ""), set()
                else:
                    yield path.name, node.lineno, node.module or "", {a.name for a in node.names}


def cli_import_problem(module: str, names: set[str]) -> str | None:
    top = module.split(".")[0]
    if module.startswith("."):
        return "relative import"
    if top == "parity":
        if module == "parity.cli" or module.startswith("parity.cli.") or module == "parity.audit":
            return None
        if module == "parity.core" or module.startswith("parity.core."):
            return None
        if module in ALLOWED_NAMES:
            extra = names - ALLOWED_NAMES[module]
            return f"{sorted(extra)} from {module}" if extra else None
        return f"{module} (only parity.audit, parity.config's loader and parity.core)"
    if top in sys.stdlib_module_names:
        return f"{module} (the CLI starts no process and opens no store)" if top in FORBIDDEN_STDLIB else None
    return None if top in ALLOWED_THIRD_PARTY else f"{module} (third party: only typer, click, rich)"


def test_cli_imports_only_the_allowed_set() -> None:
    problems = [f"parity/cli/{f}:{line}: {problem}" for f, line, module, names in imports(CLI)
                if (problem := cli_import_problem(module, names))]
    assert problems == []


@pytest.mark.parametrize("module,names,allowed", [
    ("crawler.run", set(), False), ("parity.match.options", {"MatchOptions"}, False),
    ("parity.report", {"rebuild_report"}, False), ("parity.store", {"SqliteStore"}, False),
    ("parity.audit.run", {"run_audit"}, False), ("subprocess", set(), False), ("pandas", set(), False),
    ("parity.config", {"AuditConfig"}, False), ("parity.audit", {"run_audit"}, True),
    ("parity.core.exitcodes", {"ExitCode"}, True), ("pathlib", {"Path"}, True), ("rich.table", {"Table"}, True),
])
def test_the_import_rule_itself(module: str, names: set[str], allowed: bool) -> None:
    assert (cli_import_problem(module, names) is None) is allowed


def test_importing_the_cli_loads_no_pipeline_layer() -> None:
    """``parity --help`` must stay fast: the matcher, the report, the crawler and the demo are
    imported by the run that needs them, not by the command line."""
    code = ("import sys, parity.cli; print(sorted({m.split('.')[0] if not m.startswith('parity.') "
            "else '.'.join(m.split('.')[:2]) for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    modules = set(ast.literal_eval(loaded.stdout))
    assert "parity.audit" in modules and "parity.cli" in modules
    assert not modules & {"parity.match", "parity.report", "parity.demo", "crawler", "scrapy", "pandas", "jinja2"}


def test_the_audit_layer_knows_nothing_of_the_terminal() -> None:
    problems = [f"parity/audit/{f}:{line}: {module}" for f, line, module, _ in imports(AUDIT)
                if module.split(".")[0] in ALLOWED_THIRD_PARTY or module.startswith("parity.cli")]
    assert problems == []


def option_declarations() -> dict[str, int]:
    """How many ``typer.Option(...)`` calls in parity/cli declare each flag."""
    counts: dict[str, int] = {}
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Option":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("--"):
                        counts[arg.value] = counts.get(arg.value, 0) + 1
    return counts


def test_shared_options_are_declared_once() -> None:
    """A flag used by several commands is written in one place (parity/cli/options.py). ``--out`` is
    the one flag with two meanings: an output folder, and ``parity match``'s verdicts file."""
    from parity.cli import app

    group = typer.main.get_command(app)
    users: dict[str, list[str]] = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("--") and flag != "--help":
                    users.setdefault(flag, []).append(name)
    shared = {flag for flag, names in users.items() if len(names) > 1}
    assert {"--out", "--store", "--org", "--format", "--fail-under", "--verbose", "--now", "--warc"} <= shared
    declared = option_declarations()
    assert {flag: declared.get(flag, 0) for flag in shared} == {flag: 2 if flag == "--out" else 1 for flag in shared}


def failing_app(error: BaseException) -> typer.Typer:
    from parity.cli.guard import guarded

    app = typer.Typer()

    @app.command()
    @guarded
    def run() -> None:
        raise error

    @app.command()
    def other() -> None:  # two commands: typer keeps ``run`` as a subcommand
        pass

    return app


def errors() -> list[tuple[BaseException, int, str]]:
    from parity.audit import CrawlCrashed, InputError, Interrupted
    from parity.config import ConfigError, ConfigProblem
    from parity.core.jsonl import RecordError
    from parity.store import StoreError

    return [
        (InputError("--org: 'x' is not in c.toml"), 2, "--org: 'x' is not in c.toml"),
        (InputError(""), 2, ""),  # the crawl process has already printed its lines
        (ConfigError([ConfigProblem("c.toml", 3, "crawl.retries", "bad")]), 2, "c.toml:3: crawl.retries: bad"),
        (RecordError("posts.jsonl:4: kind: bad"), 2, "posts.jsonl:4: kind: bad"),
        (StoreError("s.sqlite: not a store"), 2, "s.sqlite: not a store"),
        (Interrupted(), 130, "interrupted; collected records are kept in the store, a rerun resumes"),
        (KeyboardInterrupt(), 130, "interrupted; collected records are kept in the store, a rerun resumes"),
        (CrawlCrashed(-9), 1, ("internal error: the crawl process exited with status -9 "
                               "(set PARITY_DEBUG=1 for the traceback)")),
        (ZeroDivisionError("boom"), 1, "internal error: ZeroDivisionError: boom (set PARITY_DEBUG=1 for the traceback)"),
    ]


@pytest.mark.parametrize("index", range(9))
def test_every_failure_is_one_line_and_the_contract_exit_code(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARITY_DEBUG", raising=False)
    error, code, line = errors()[index]
    result = CliRunner().invoke(failing_app(error), ["run"])
    assert result.exit_code == code
    assert result.output.splitlines() == ([line] if line else [])


def test_unknown_org_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    from parity.audit import AuditRequest, InputError, run_audit

    config = tmp_path / "c.toml"
    config.write_text('[[org]]\nid = "felby"\nweb = [{ type = "page", url = "http://127.0.0.1:9/" }]\n',
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"^--org: 'vasterby' is not in .*c\.toml \(known: felby\)$"):
        run_audit(AuditRequest(config=config, out=tmp_path / "out", store=tmp_path / "s.sqlite", orgs=("vasterby",)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


def readme_usage() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Usage"):text.index("### Exit codes")]


def test_help_lists_every_option_the_readme_names() -> None:
    """Each ``parity CMD … --flag`` line of the README's Usage section: CMD's --help shows --flag;
    every other flag the section names (the "Extensions" paragraph) is shown by some command."""
    import re

    from parity.cli import app

    group = typer.main.get_command(app)
    shown = {name: {flag for p in command.params if not getattr(p, "hidden", False) for flag in p.opts}
             for name, command in group.commands.items()}  # type: ignore[attr-defined]
    usage = readme_usage()
    missing = []
    for line in usage.splitlines():
        for command, rest in re.findall(r"parity ([a-z-]+)((?: (?:\\\||[^`|#])*)?)", line):
            missing += [f"{command} {flag}" for flag in re.findall(r"--[a-z][a-z-]*", rest)
                        if flag not in shown.get(command, set())]
    everywhere = set().union(*shown.values()) | {flag for p in group.params for flag in p.opts}  # --version
    missing += [flag for flag in set(re.findall(r"--[a-z][a-z-]*", usage)) if flag not in everywhere]
    assert len(re.findall(r"--[a-z][a-z-]*", usage)) > 15  # the section was found and read
    assert missing == []
