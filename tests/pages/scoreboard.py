"""The figures of ``tests/fixtures/SV-REAL.md``: failing ``sv-real-*`` cases per failure class, and the
real pages of ``../shared/reference/web/`` whose title, date and main text are right.

``python -m tests.pages.scoreboard [--shared DIR]`` prints both tables. The fixture tests say pass or fail
per field; this says it per class of issue 11 §1 and per real page, the units the issue measures in, so a
before/after comparison is one command run on two checkouts (the fixtures and this file copied onto the
older one).

* **per class**: a case counts under each class of its ``meta.json`` ``classes`` and fails that class when
  one of the class's fields (:data:`CLASS_FIELDS`, those its ``expected.json`` has) is wrong;
* **reference pages**: every ``*.html`` under ``reference/web/`` is one page; it is right when every
  fixture case reading it has the right ``title``, ``published_at`` and ``text``. A page no case reads is
  counted as not right: the figure cannot grow by leaving a page out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.pages.harness import SHARED, Case, load_cases, mismatch, run_case

#: The fields each failure class of issue 11 §1 is about (a: dates and text; f: a listing's entries).
CLASS_FIELDS: dict[str, tuple[str, ...]] = {
    "a": ("published_at", "text", "entries"),
    "b": ("published_at",),
    "c": ("published_at", "modified_at"),
    "d": ("text", "title"),
    "e": ("text",),
    "f": ("entries",),
}
#: What "right" means for a real page.
PAGE_FIELDS = ("title", "published_at", "text")


def wrong_fields(case: Case, fields: tuple[str, ...], shared: Path) -> list[str]:
    """Those of ``fields`` the case's expected.json has and today's output gets wrong."""
    expected = case.expected
    actual = run_case(case.folder, shared)
    return [f for f in fields if f in expected and mismatch(expected[f], actual.get(f)) is not None]


def class_table(cases: list[Case], shared: Path) -> dict[str, tuple[int, int]]:
    """Class → (failing cases, cases) over the ``sv-real-*`` cases."""
    table: dict[str, tuple[int, int]] = {}
    for name, fields in CLASS_FIELDS.items():
        members = [c for c in cases if c.name.startswith("sv-real-") and name in c.meta.get("classes", [])]
        failing = sum(1 for c in members if wrong_fields(c, fields, shared))
        table[name] = (failing, len(members))
    return table


def reference_pages(cases: list[Case], shared: Path) -> dict[str, list[str]]:
    """Each real page under ``reference/web`` → the problems found on it (empty: right)."""
    pages = sorted(p.relative_to(shared).as_posix() for p in (shared / "reference" / "web").rglob("*.html"))
    result: dict[str, list[str]] = {}
    for page in pages:
        readers = [c for c in cases if c.meta.get("source") == page and any(f in c.expected for f in PAGE_FIELDS)]
        problems = [f"{c.id}: {f}" for c in readers for f in wrong_fields(c, PAGE_FIELDS, shared)]
        result[page] = problems if readers else ["no fixture case reads it"]
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pages.scoreboard", description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default: ../shared)")
    args = parser.parse_args(argv)
    if not (args.shared / "reference" / "web").is_dir():
        print(f"error: {args.shared}/reference/web: no such folder", file=sys.stderr)
        return 2
    cases = load_cases()
    sv_real = [c for c in cases if c.name.startswith("sv-real-")]
    failing = sum(1 for c in sv_real
                  if wrong_fields(c, tuple({f for fs in CLASS_FIELDS.values() for f in fs} | set(PAGE_FIELDS)), args.shared))
    print("class  failing of cases")
    for name, (bad, total) in class_table(cases, args.shared).items():
        print(f"  {name}    {bad:2d} of {total}")
    print(f"sv-real cases failing a class field: {failing} of {len(sv_real)}")
    pages = reference_pages(cases, args.shared)
    for page, problems in pages.items():
        print(f"  {'right' if not problems else 'WRONG'}  {page}" + "".join(f"\n         {p}" for p in problems))
    right = sum(1 for problems in pages.values() if not problems)
    print(f"reference/web pages with title, published_at and text right: {right} of {len(pages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
