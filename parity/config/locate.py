"""Map a key path in a TOML document to its line number.

``tomllib`` validates syntax but forgets positions, and pydantic reports errors
as paths like ``("org", 0, "web", 2, "type")``. Config errors must say which
line to fix, so this scanner walks the (already valid) TOML text once and
records the line of every key, table and array element.
"""

from __future__ import annotations

from typing import Any

Path = tuple[Any, ...]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[Path, int] = {}
        self.aot_counts: dict[Path, int] = {}

    # -- low level -------------------------------------------------------
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + n]
        self.line += chunk.count("\n")
        self.pos += n

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_ws(self, newlines: bool) -> None:
        while not self.at_end():
            ch = self.peek()
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                while not self.at_end() and self.peek() != "\n":
                    self.advance()
            else:
                return

    def read_string(self) -> str:
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                self.advance(3)
                start = self.pos
                while not self.at_end() and self.peek(3) != quote:
                    self.advance(2 if quote == '"""' and self.peek() == "\\" else 1)
                value = self.text[start : self.pos]
                self.advance(3)
                while self.peek() == quote[0]:
                    self.advance()
                return value
        quote = self.peek()
        self.advance()
        start = self.pos
        while not self.at_end() and self.peek() != quote and self.peek() != "\n":
            self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
        value = self.text[start : self.pos]
        self.advance()
        return value

    def read_key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_ws(newlines=False)
            if self.peek() in ('"', "'"):
                parts.append(self.read_string())
            else:
                start = self.pos
                while not self.at_end() and (self.peek().isalnum() or self.peek() in "_-"):
                    self.advance()
                parts.append(self.text[start : self.pos])
            self.skip_ws(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return parts

    # -- structure -------------------------------------------------------
    def record(self, path: Path, line: int) -> None:
        self.lines.setdefault(path, line)

    def value(self, path: Path) -> None:
        self.skip_ws(newlines=False)
        ch = self.peek()
        if ch in ('"', "'"):
            self.read_string()
        elif ch == "[":
            self.advance()
            index = 0
            while True:
                self.skip_ws(newlines=True)
                if self.peek() == "]":
                    self.advance()
                    return
                self.record(path + (index,), self.line)
                self.value(path + (index,))
                index += 1
                self.skip_ws(newlines=True)
                if self.peek() == ",":
                    self.advance()
        elif ch == "{":
            self.advance()
            while True:
                self.skip_ws(newlines=True)
                if self.peek() == "}":
                    self.advance()
                    return
                line = self.line
                key = tuple(self.read_key())
                self.record(path + key, line)
                self.advance()  # '='
                self.value(path + key)
                self.skip_ws(newlines=True)
                if self.peek() == ",":
                    self.advance()
        else:
            while not self.at_end() and self.peek() not in ",]}\n#":
                self.advance()

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_ws(newlines=True)
            if self.at_end():
                return
            line = self.line
            if self.peek(2) == "[[":
                self.advance(2)
                name = tuple(self.read_key())
                self.advance(2)
                base = self._resolve(name)
                index = self.aot_counts.get(base, 0)
                self.aot_counts[base] = index + 1
                table = base + (index,)
                self.record(base, line)
                self.record(table, line)
            elif self.peek() == "[":
                self.advance()
                table = self._resolve(tuple(self.read_key()))
                self.advance()
                self.record(table, line)
            else:
                key = tuple(self.read_key())
                self.record(table + key, line)
                self.advance()  # '='
                self.value(table + key)

    def _resolve(self, name: tuple[str, ...]) -> Path:
        """``[[org.web]]`` belongs to the newest ``[[org]]``: insert its index."""
        resolved: Path = ()
        for part in name:
            resolved = resolved + (part,)
            if resolved in self.aot_counts and part != name[-1]:
                resolved = resolved + (self.aot_counts[resolved] - 1,)
        return resolved


def key_lines(text: str) -> dict[Path, int]:
    """Every key/table/element path of a valid TOML text mapped to its first line."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (IndexError, ValueError):  # pragma: no cover - text is valid TOML by contract
        pass
    return scanner.lines


def locate(text: str, parts: list[Any] | tuple[Any, ...]) -> int:
    """Line of the deepest existing prefix of ``parts`` (a missing key points at its table)."""
    lines = key_lines(text)
    path = tuple(parts)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
