"""Config problems as ``file:line: field: message`` lines (README "Config"; ../shared/contracts.md, "Config").

``parity check-config`` and every command that reads a config print these lines and exit 2;
a scheduler's log then says which line of which file to fix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    """One problem, rendered as ``file:line: field: message``."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ConfigError(Exception):
    """Raised with every problem found; ``str()`` is one line per problem."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
