"""Reading a JavaScript object literal as data, without ever evaluating it.

Sitevision writes its app states as JSON, but the calls around them (and
hand-written portlets) use JavaScript literals: unquoted keys, single quotes,
trailing commas, ``undefined``, ``!0``. :func:`parse_js_value` accepts that
subset of JavaScript and nothing that could run: no calls, no operators, no
variables. Depth and length are bounded so hostile input cannot exhaust the stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 200

_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class JSParseError(ValueError):
    """The text is not a plain JavaScript data literal."""


class _Parser:
    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def error(self, what: str) -> JSParseError:
        return JSParseError(f"{what} at offset {self.pos}")

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch in " \t\r\n\u00a0\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("unclosed comment")
                self.pos = end + 2
            else:
                return

    def value(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise self.error("nesting too deep")
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("unexpected end")
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj(depth)
        if ch == "[":
            return self.array(depth)
        if ch in "'\"`":
            return self.string()
        if ch == "!" and self.text.startswith(("!0", "!1"), self.pos):
            self.pos += 2
            return self.text[self.pos - 1] == "0"
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            raw = number.group(0)
            if raw.lstrip("-").lower().startswith("0x"):
                return int(raw, 16)
            try:
                return json.loads(raw) if re.fullmatch(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?", raw) else float(raw)
            except ValueError as exc:
                raise self.error("bad number") from exc
        ident = _IDENT.match(self.text, self.pos)
        if ident:
            word = ident.group(0)
            constants = {"true": True, "false": False, "null": None, "undefined": None, "NaN": None, "Infinity": None}
            if word in constants:
                self.pos = ident.end()
                return constants[word]
            raise self.error(f"identifier {word!r} is not data")
        raise self.error(f"unexpected {ch!r}")

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(out)
            if quote == "`" and text.startswith("${", self.pos):
                raise self.error("template expression is not data")
            if ch == "\\":
                self.pos += 1
                if self.pos >= n:
                    break
                esc = text[self.pos]
                if esc == "u":
                    if text.startswith("{", self.pos + 1):
                        end = text.index("}", self.pos)
                        out.append(chr(int(text[self.pos + 2 : end], 16)))
                        self.pos = end + 1
                    else:
                        code = int(text[self.pos + 1 : self.pos + 5], 16)
                        self.pos += 5
                        if 0xD800 <= code < 0xDC00 and text.startswith("\\u", self.pos):
                            low = int(text[self.pos + 2 : self.pos + 6], 16)
                            if 0xDC00 <= low < 0xE000:
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                                self.pos += 6
                        out.append(chr(code))
                    continue
                if esc == "x":
                    out.append(chr(int(text[self.pos + 1 : self.pos + 3], 16)))
                    self.pos += 3
                    continue
                if esc in "\r\n":  # line continuation
                    self.pos += 1
                    continue
                out.append(_ESCAPES.get(esc, esc))
                self.pos += 1
                continue
            if ch == "\n" and quote != "`":
                raise self.error("newline in string")
            out.append(ch)
            self.pos += 1
        raise self.error("unterminated string")

    def key(self) -> str:
        self.skip()
        ch = self.text[self.pos : self.pos + 1]
        if ch in ("'", '"'):
            return self.string()
        ident = _IDENT.match(self.text, self.pos)
        if ident:
            self.pos = ident.end()
            return ident.group(0)
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return number.group(0)
        raise self.error("bad object key")

    def obj(self, depth: int) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            name = self.key()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.error("expected ':'")
            self.pos += 1
            result[name] = self.value(depth + 1)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise self.error("expected ',' or '}'")

    def array(self, depth: int) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            result.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise self.error("expected ',' or ']'")


def parse_js_value(text: str, pos: int = 0) -> tuple[Any, int]:
    """``(value, end)`` of the literal starting at ``text[pos]`` (after whitespace).

    Tries strict JSON first (fast, and what Sitevision emits), then the
    tolerant literal grammar. Raises :class:`JSParseError` on anything else.
    """
    start = pos
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    try:
        return json.JSONDecoder().raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError):
        pass
    parser = _Parser(text, start)
    try:
        value = parser.value()
    except (IndexError, ValueError) as exc:
        if isinstance(exc, JSParseError):
            raise
        raise JSParseError(f"bad literal near offset {parser.pos}") from exc
    return value, parser.pos
