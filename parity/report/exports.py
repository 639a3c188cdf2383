"""Machine-readable outputs: verdicts.csv (pandas), summary.json, and the audit folder reader.

The CSV is what journalists open in a spreadsheet: one row per post with the
post's text and link next to the verdict, so a gap can be checked by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parity.core.jsonl import RecordError, read_records, write_text_atomic
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report.summary_file import read_summary

CSV_COLUMNS = [
    "post_id", "org", "platform", "published_at", "verdict", "score", "web_id", "web_url", "web_title",
    "missing_facts", "lag_hours", "reason", "post_url", "post_text",
]


def verdict_table(posts: list[Post], verdicts: list[Verdict], web: list[WebItem]) -> pd.DataFrame:
    """One row per verdict, joined with its post and its web item."""
    post_frame = pd.DataFrame(
        [{"post_id": p.id, "platform": p.platform, "published_at": p.to_json_dict()["published_at"],
          "post_url": p.url, "post_text": p.text} for p in posts],
        columns=["post_id", "platform", "published_at", "post_url", "post_text"],
    )
    web_frame = pd.DataFrame([{"web_id": w.id, "web_title": w.title} for w in web], columns=["web_id", "web_title"])
    verdict_frame = pd.DataFrame(
        [{"post_id": v.post_id, "org": v.org, "verdict": v.verdict, "score": v.score, "web_id": v.web_id,
          "web_url": v.web_url, "missing_facts": "; ".join(v.missing_facts), "lag_hours": v.lag_hours,
          "reason": v.reason} for v in verdicts],
        columns=["post_id", "org", "verdict", "score", "web_id", "web_url", "missing_facts", "lag_hours", "reason"],
    )
    table = verdict_frame.merge(post_frame, on="post_id", how="left").merge(web_frame, on="web_id", how="left")
    return table[CSV_COLUMNS]


def write_csv(path: Path, table: pd.DataFrame) -> None:
    write_text_atomic(path, table.to_csv(index=False, lineterminator="\n"))


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
        summary=summary,
    )
