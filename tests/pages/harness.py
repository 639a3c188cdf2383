"""Fixture cases for the page objects, web-poet style.

A case is a folder ``tests/fixtures/<page type>/<case>/`` with

* ``meta.json``: ``url``, ``headers`` and ``status`` (optional: together with the
  body they make the case's :class:`~crawler.pages.page_input.PageInput`), and either ``source`` (a
  path under ``../shared/`` for real pages, which are never copied into this
  repository) or ``body`` (a path relative to the fixtures folder), or neither,
  in which case the folder's single ``body.*`` file is the input. Page types
  may read more keys (``kwargs`` for listings, ``status`` for detect, ``has_date``
  for the coverage check).
* ``expected.json``: every output field. A value ``{"__match__": {...}}``
  checks a long text or list by snippets (``contains``, ``excludes``,
  ``startswith``, ``len``, ``min_len``, ``head``, ``includes``, ``at`` for
  some fields of item N, ``each_has`` for fields every item must fill)
  instead of by equality; PageError cases expect ``{"error": ...}``.

``python -m tests.pages.harness <case dir>...`` prints a case's current output
as JSON, for writing or reviewing an ``expected.json``; ``--write`` stores it
as the case's ``expected.json`` (review the diff before keeping it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.pages import (
    PageError,
    PageInput,
    detect_cms,
    extract_article,
    extract_document,
    parse_feed,
    parse_listing,
    parse_notice_board,
    parse_sitemap,
    read_register,
    sitemaps_from_robots,
    soft_block,
)
from parity.core.timeutil import format_time

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
#: Default location of the read-only reference material; tests pass the ``shared_dir`` fixture instead.
SHARED = ROOT.parent / "shared"


@dataclasses.dataclass(frozen=True)
class Case:
    page_type: str
    name: str
    folder: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.page_type}/{self.name}"

    @property
    def is_real(self) -> bool:
        return "source" in self.meta

    def body_path(self, shared: Path = SHARED) -> Path:
        if "source" in self.meta:
            return shared / self.meta["source"]
        if "body" in self.meta:
            return FIXTURES / self.meta["body"]
        bodies = sorted(p for p in self.folder.iterdir() if p.name.startswith("body."))
        if len(bodies) != 1:
            raise FileNotFoundError(f"{self.folder}: expected exactly one body.* file, found {len(bodies)}")
        return bodies[0]

    def page_input(self, shared: Path = SHARED) -> PageInput:
        """The case's input as the crawler would hand it over (robots.txt: its ``base_url``, else none)."""
        url = self.meta.get("base_url", "") if self.page_type == "robots" else self.meta["url"]
        return PageInput(url, self.meta.get("headers"), self.body_path(shared).read_bytes(), self.meta.get("status", 200))

    @property
    def expected(self) -> dict[str, Any]:
        return json.loads((self.folder / "expected.json").read_text(encoding="utf-8"))


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as the JSON an ``expected.json`` holds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return format_time(value)
    return value


def _article(case: Case, page: PageInput) -> Any:
    return extract_article(page)


def _feed(case: Case, page: PageInput) -> Any:
    return {"entries": parse_feed(page)}


def _sitemap(case: Case, page: PageInput) -> Any:
    return parse_sitemap(page)


def _robots(case: Case, page: PageInput) -> Any:
    return {"sitemaps": sitemaps_from_robots(page)}


def _listing(case: Case, page: PageInput) -> Any:
    return parse_listing(page, **case.meta.get("kwargs", {}))


def _notice_board(case: Case, page: PageInput) -> Any:
    return {"notices": parse_notice_board(page)}


def _document(case: Case, page: PageInput) -> Any:
    return extract_document(page)


def _register(case: Case, page: PageInput) -> Any:
    return {"entries": read_register(case.body_path())}


def _detect(case: Case, page: PageInput) -> Any:
    return {"cms": detect_cms(page), "soft_block": soft_block(page)}


RUNNERS: dict[str, Callable[[Case, PageInput], Any]] = {
    "article": _article,
    "feed": _feed,
    "sitemap": _sitemap,
    "robots": _robots,
    "listing": _listing,
    "notice_board": _notice_board,
    "document": _document,
    "register": _register,
    "detect": _detect,
}


def load_cases() -> list[Case]:
    cases = []
    for meta_path in sorted(FIXTURES.glob("*/*/meta.json")):
        folder = meta_path.parent
        cases.append(Case(folder.parent.name, folder.name, folder, json.loads(meta_path.read_text(encoding="utf-8"))))
    return cases


@functools.cache
def run_case(folder: Path, shared: Path = SHARED) -> dict[str, Any]:
    """The case's output as JSON data; a :class:`PageError` becomes ``{"error": message}``."""
    case = next(c for c in load_cases() if c.folder == folder)
    try:
        result = RUNNERS[case.page_type](case, case.page_input(shared))
    except PageError as exc:
        return {"error": str(exc)}
    return jsonable(result)


def mismatch(expected: Any, actual: Any) -> str | None:
    """Why ``actual`` does not satisfy ``expected`` (None when it does)."""
    if isinstance(expected, dict) and set(expected) == {"__match__"}:
        return _match(expected["__match__"], actual)
    if expected == actual:
        return None
    if isinstance(expected, dict) and isinstance(actual, dict) and set(expected) == set(actual):
        problems = [f"{key}: {p}" for key in expected if (p := mismatch(expected[key], actual[key]))]
        return "; ".join(problems) or None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        problems = [
            f"[{i}] {p}" for i, (e, a) in enumerate(zip(expected, actual, strict=True)) if (p := mismatch(e, a))
        ]
        return "; ".join(problems) or None
    want = json.dumps(expected, ensure_ascii=False)[:2000]
    got = json.dumps(actual, ensure_ascii=False)[:2000]
    return f"expected {want}\n     got {got}"


def _match(spec: dict[str, Any], actual: Any) -> str | None:
    problems = []
    if isinstance(actual, str):
        for snippet in spec.get("contains", []):
            if snippet not in actual:
                problems.append(f"missing {snippet!r}")
        for snippet in spec.get("excludes", []):
            if snippet in actual:
                problems.append(f"unwanted {snippet!r}")
        if "startswith" in spec and not actual.startswith(spec["startswith"]):
            problems.append(f"does not start with {spec['startswith']!r}")
    elif isinstance(actual, list):
        if "head" in spec and actual[: len(spec["head"])] != spec["head"]:
            problems.append(f"head differs: {json.dumps(actual[: len(spec['head'])], ensure_ascii=False)[:1500]}")
        for item in spec.get("includes", []):
            if item not in actual:
                problems.append(f"missing item {json.dumps(item, ensure_ascii=False)[:300]}")
        for item in spec.get("excludes", []):
            if item in actual:
                problems.append(f"unwanted item {json.dumps(item, ensure_ascii=False)[:300]}")
        for index, fields in spec.get("at", {}).items():
            i = int(index)
            if not -len(actual) <= i < len(actual):
                problems.append(f"no item {i}")
                continue
            for name, want in fields.items():
                problem = mismatch(want, actual[i].get(name) if isinstance(actual[i], dict) else None)
                if problem:
                    problems.append(f"item {i}: {name}: {problem}")
        for name in spec.get("each_has", []):
            empty = [i for i, item in enumerate(actual) if not (isinstance(item, dict) and item.get(name))]
            if empty:
                problems.append(f"items {empty[:10]} have no {name}")
    else:
        return f"__match__ needs a string or a list, got {json.dumps(actual)[:200]}"
    if "len" in spec and len(actual) != spec["len"]:
        problems.append(f"length {len(actual)} != {spec['len']}")
    if "min_len" in spec and len(actual) < spec["min_len"]:
        problems.append(f"length {len(actual)} < {spec['min_len']}")
    if "max_len" in spec and len(actual) > spec["max_len"]:
        problems.append(f"length {len(actual)} > {spec['max_len']}")
    return "; ".join(problems) or None


def main(argv: list[str]) -> None:
    write = "--write" in argv
    for arg in (a for a in argv if a != "--write"):
        folder = Path(arg).resolve()
        output = json.dumps(run_case(folder), ensure_ascii=False, indent=2) + "\n"
        if write:
            (folder / "expected.json").write_text(output, encoding="utf-8")
            print(f"wrote {folder / 'expected.json'}")
        else:
            print(output, end="")


if __name__ == "__main__":
    main(sys.argv[1:])
