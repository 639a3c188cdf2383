"""Reading a config: TOML text → validated models, or every problem with its line.

tomllib checks the syntax and pydantic the shape, but neither says on which line a
wrong *value* stands; :func:`parity.config.locate.locate` maps pydantic's error paths
back to lines, so each problem prints as ``file:line: field: message``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from parity.config.errors import ConfigError, ConfigProblem
from parity.config.locate import locate
from parity.config.models import SOCIAL_PLATFORMS, AuditConfig, DuplicateOrg
from parity.core.sources import CONFIG_WEB_TYPES


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config plus where it came from (relative paths resolve against its folder)."""

    path: Path
    config: AuditConfig

    @property
    def stem(self) -> str:
        return self.path.stem

    def resolve(self, relative: str) -> Path:
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else (self.path.parent / candidate)


_TAGS = set(CONFIG_WEB_TYPES) | set(SOCIAL_PLATFORMS)


def _field_path(loc: tuple[Any, ...]) -> tuple[list[Any], str]:
    """Drop discriminator tags pydantic inserts into error locations; render ``org[0].web[2].url``."""
    parts: list[Any] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in _TAGS and i > 0 and isinstance(loc[i - 1], int):
            continue
        if isinstance(part, str) and (part.startswith("function-") or part in {"list", "dict"}):
            continue
        parts.append(part)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return parts, text or "(config)"


def _message(err: dict[str, Any], data: Any, parts: list[Any]) -> tuple[list[Any], str]:
    kind = err.get("type", "")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tag_field = ctx.get("discriminator", "'type'").strip("'")
        return parts + [tag_field], f"unknown {tag_field} {ctx.get('tag')!r} (expected one of {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        tag_field = err.get("ctx", {}).get("discriminator", "'type'").strip("'")
        return parts + [tag_field], "missing; every source needs one"
    if kind == "extra_forbidden":
        return parts, "unknown key (not part of the config format)"
    if kind == "missing":
        return parts, "missing (required)"
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return parts, msg


def load_config(path: str | Path) -> LoadedConfig:
    """Read and validate; raise ConfigError listing every problem with its line."""
    path = Path(path)
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(shown, 0, "(file)", "file not found")]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(shown, 0, "(file)", exc.strerror or str(exc))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([ConfigProblem(shown, line, "(file)", "not UTF-8 text")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else 0
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([ConfigProblem(shown, line, "(syntax)", f"TOML syntax error: {message}")]) from None
    try:
        config = AuditConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            parts, _ = _field_path(tuple(err.get("loc", ())))
            if err.get("type") == "value_error" and isinstance(err.get("ctx", {}).get("error"), DuplicateOrg):
                index = err["ctx"]["error"].index
                parts = ["org", index, "id"]
            parts, message = _message(err, data, parts)
            _, field = _field_path(tuple(parts))
            problems.append(ConfigProblem(shown, locate(text, parts), field, message))
        raise ConfigError(problems) from None
    loaded = LoadedConfig(path=path, config=config)
    _check_files(loaded, text)
    return loaded


def _check_files(loaded: LoadedConfig, text: str) -> None:
    """Files named by register/file sources must exist now, not fail at 3 a.m."""
    problems = []
    for oi, org in enumerate(loaded.config.org):
        for kind, sources in (("web", org.web), ("social", org.social)):
            for si, source in enumerate(sources):
                rel = getattr(source, "path", None)
                if rel is not None and not loaded.resolve(rel).is_file():
                    parts = ["org", oi, kind, si, "path"]
                    problems.append(
                        ConfigProblem(str(loaded.path), locate(text, parts), _field_path(tuple(parts))[1],
                                      f"file not found: {loaded.resolve(rel)}")
                    )
    if problems:
        raise ConfigError(problems)
