"""Reports of an audit: JSONL/CSV/JSON for tools, one HTML file for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parity.core.jsonl import write_records
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report.exports import read_audit_folder, verdict_table, write_csv, write_summary
from parity.report.render import render_report, write_report
from parity.report.summary import summarise

__all__ = ["write_audit_outputs", "rebuild_report", "summarise"]


def write_audit_outputs(
    folder: Path, posts: list[Post], web: list[WebItem], verdicts: list[Verdict], sources: list[SourceStatus],
    summary: dict[str, Any],
) -> None:
    """Every file of the output folder (README "Output folder"; ../shared/contracts.md, "Output folder") in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_records(folder / "posts.jsonl", posts)
    write_records(folder / "web.jsonl", web)
    write_records(folder / "verdicts.jsonl", verdicts)
    write_records(folder / "sources.jsonl", sources)
    write_presentation(folder, posts, web, verdicts, sources, summary)


def write_presentation(
    folder: Path, posts: list[Post], web: list[WebItem], verdicts: list[Verdict], sources: list[SourceStatus],
    summary: dict[str, Any],
) -> None:
    """summary.json, verdicts.csv and report.html from records already in hand."""
    write_summary(folder / "summary.json", summary)
    write_csv(folder / "verdicts.csv", verdict_table(posts, verdicts, web))
    write_report(folder / "report.html", render_report(summary, posts, verdicts, web, sources))


def rebuild_report(folder: Path, fail_under: float | None = None) -> dict[str, Any]:
    """``parity report DIR``: figures recomputed from the JSONL files, run metadata kept."""
    audit = read_audit_folder(folder)
    meta_keys = ("run_id", "generated_at", "config", "window_days", "grace_hours", "history", "removed")
    meta = {k: audit.summary[k] for k in meta_keys if k in audit.summary}
    org_names = {o["id"]: o.get("name") for o in audit.summary.get("orgs", []) if isinstance(o, dict) and "id" in o}
    if fail_under is None:
        fail_under = audit.summary.get("fail_under")
    summary = summarise(audit.posts, audit.verdicts, audit.sources, org_names or None, fail_under, meta)
    write_presentation(folder, audit.posts, audit.web, audit.verdicts, audit.sources, summary)
    return summary
