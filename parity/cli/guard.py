"""Errors → one line on stderr and the contract's exit code (README "Exit codes"); never a traceback
unless PARITY_DEBUG=1 asks for one."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer

from parity.audit import INPUT_ERRORS, AuditError, Interrupted
from parity.core.exitcodes import ExitCode

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = ExitCode.USAGE) -> NoReturn:
    """End the command: ``message`` (if any) on stderr, exit ``code``."""
    if message:
        typer.echo(message, err=True)
    raise typer.Exit(code)


def _internal(message: str) -> str:
    return f"internal error: {message} (set PARITY_DEBUG=1 for the traceback)"


def guarded(command: F) -> F:
    """Turn known error types into one-line messages and contract exit codes."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except AuditError as exc:  # typed failures of a run know their exit code
            fail(_internal(str(exc)) if exc.exit_code == ExitCode.INTERNAL else str(exc), exc.exit_code)
        except INPUT_ERRORS as exc:  # config, record or store errors: file:line: field: message
            fail(str(exc), ExitCode.USAGE)
        except KeyboardInterrupt:
            fail(str(Interrupted()), ExitCode.INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - a bug: one line, traceback only on request
            if os.environ.get("PARITY_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            fail(_internal(f"{type(exc).__name__}: {first}"), ExitCode.INTERNAL)
    return wrapper  # type: ignore[return-value]
