"""Machine-readable outputs: verdicts.csv, verdicts.xlsx, ranking.csv, summary.json; the folder reader.

The CSV and the workbook are what journalists open in a spreadsheet: one row per post with
the post's text and link next to the verdict, so a gap can be checked by hand. Column
names are stable (README "Output folder" lists them); new columns are only ever appended.
Cells are made safe for spreadsheets by parity.report.tabular (formula injection, cell cap).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from parity.core.jsonl import RecordError, read_records, write_text_atomic
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report.announce import announcement_of, group_posts
from parity.report.frames import verdict_frame
from parity.report.ranking import ranking_table
from parity.report.reasons import reason_text
from parity.report.summary_file import read_summary
from parity.report.tabular import write_csv, write_xlsx

#: verdicts.csv / the workbook's sheets: the first 14 are the columns of earlier versions, in order
CSV_COLUMNS = [
    "post_id", "org", "platform", "published_at", "verdict", "score", "web_id", "web_url", "web_title",
    "missing_facts", "lag_hours", "reason", "post_url", "post_text",
    "org_name", "reason_sv", "announcement_id", "review", "triage", "triage_note",
]


def verdict_table(posts: Sequence[Post], verdicts: Sequence[Verdict], web: Sequence[WebItem],
                  org_names: dict[str, str] | None = None,
                  triage: dict[str, dict[str, Any]] | None = None) -> pd.DataFrame:
    """One row per verdict (columns :data:`CSV_COLUMNS`)."""
    table = verdict_frame(posts, verdicts, web)
    groups = announcement_of(group_posts(posts, verdicts))
    marks = triage or {}
    table["missing_facts"] = table["missing_facts"].map("; ".join)
    table["org_name"] = table["org"].map(lambda org: (org_names or {}).get(org) or org)
    table["reason_sv"] = [reason_text(v.to_json_dict(), "sv") or "" for v in verdicts]
    table["announcement_id"] = table["post_id"].map(lambda p: groups[p].id if p in groups else None)
    table["triage"] = table["post_id"].map(lambda p: marks.get(p, {}).get("label"))
    table["triage_note"] = table["post_id"].map(lambda p: marks.get(p, {}).get("note"))
    return table[CSV_COLUMNS]


def write_exports(folder: Path, table: pd.DataFrame, summary: dict[str, Any], csv_dialect: str | None = None) -> None:
    """verdicts.csv, ranking.csv, verdicts.xlsx (ranking first, then one sheet per organisation)."""
    ranking = ranking_table(summary)
    write_csv(folder / "verdicts.csv", table, csv_dialect)
    write_csv(folder / "ranking.csv", ranking, csv_dialect)
    sheets: list[tuple[str, pd.DataFrame]] = [("ranking", ranking)]
    for org in dict.fromkeys([*(o["id"] for o in summary.get("orgs") or []), *table["org"]]):
        sheets.append((org, table[table["org"] == org]))
    write_xlsx(folder / "verdicts.xlsx", sheets)


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


@dataclass
class AuditFolder:
    """The JSONL files of one audit, as records."""

    posts: list[Post]
    web: list[WebItem]
    verdicts: list[Verdict]
    sources: list[SourceStatus]
    summary: dict[str, Any]
    triage: list[dict[str, Any]] = field(default_factory=list)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                value = json.loads(line)
            except ValueError as exc:
                raise RecordError(f"{path}:{number}: not valid JSON ({exc})") from None
            if isinstance(value, dict):
                out.append(value)
    return out


def read_audit_folder(folder: Path) -> AuditFolder:
    """Read an audit's output folder; missing optional files count as empty."""
    def optional(name: str, model: Any) -> list[Any]:
        path = folder / name
        return read_records(path, model) if path.exists() else []

    for required in ("posts.jsonl", "verdicts.jsonl"):
        if not (folder / required).exists():
            raise RecordError(f"{folder / required}: file not found (is {folder} an audit folder?)")
    summary = read_summary(folder / "summary.json")
    return AuditFolder(
        posts=optional("posts.jsonl", Post), web=optional("web.jsonl", WebItem),
        verdicts=optional("verdicts.jsonl", Verdict), sources=optional("sources.jsonl", SourceStatus),
        summary=summary, triage=_json_lines(folder / "triage.jsonl"),
    )
