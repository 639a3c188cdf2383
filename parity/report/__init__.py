"""Reports of an audit: JSONL/CSV/XLSX/JSON for tools, one HTML file for people.

Modules: ``frames`` (the verdict table, pandas), ``summary`` (summary.json's figures),
``ranking``, ``announce`` (posts grouped into announcements), ``reasons`` (the message
catalogue), ``tabular`` (safe cells, CSV dialects, XLSX), ``exports``, ``evidence`` (WARC
lines), ``history``, and for the page ``strings``, ``localfmt``, ``textsafe``, ``view``,
``page``, ``charts``, ``render`` with ``templates/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parity.core.jsonl import write_records, write_text_atomic
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report.evidence import load_index
from parity.report.exports import read_audit_folder, verdict_table, write_exports, write_summary
from parity.report.render import render_report, write_report
from parity.report.summary import summarise

__all__ = ["write_audit_outputs", "rebuild_report", "summarise"]

GAP_VERDICTS = ("social_only", "partial", "late", "unverifiable")


def write_audit_outputs(
    folder: Path, posts: list[Post], web: list[WebItem], verdicts: list[Verdict], sources: list[SourceStatus],
    summary: dict[str, Any], *, triage: list[dict[str, Any]] | None = None, csv_dialect: str | None = None,
) -> None:
    """Every file of the output folder (README "Output folder"; ../shared/contracts.md, "Output folder") in ``folder``.

    ``triage``: the officers' marks on these posts (parity.store triage table), kept in
    ``triage.jsonl`` so that ``parity report DIR`` shows them too.
    """
    folder.mkdir(parents=True, exist_ok=True)
    write_records(folder / "posts.jsonl", posts)
    write_records(folder / "web.jsonl", web)
    write_records(folder / "verdicts.jsonl", verdicts)
    write_records(folder / "sources.jsonl", sources)
    marks = list(triage or [])
    if marks or (folder / "triage.jsonl").exists():
        import json

        write_text_atomic(folder / "triage.jsonl", "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in marks))
    write_presentation(folder, posts, web, verdicts, sources, summary, marks, csv_dialect)


def write_presentation(
    folder: Path, posts: list[Post], web: list[WebItem], verdicts: list[Verdict], sources: list[SourceStatus],
    summary: dict[str, Any], triage: list[dict[str, Any]] | None = None, csv_dialect: str | None = None,
) -> None:
    """summary.json, verdicts.csv, ranking.csv, verdicts.xlsx and report.html from records already in hand."""
    marks = {m["post_id"]: m for m in triage or [] if isinstance(m, dict) and m.get("post_id")}
    names = {o["id"]: o.get("name") or o["id"] for o in summary.get("orgs") or []}
    write_summary(folder / "summary.json", summary)
    write_exports(folder, verdict_table(posts, verdicts, web, names, marks), summary, csv_dialect)
    gap_posts = [v.post_id for v in verdicts if v.verdict in GAP_VERDICTS]
    evidence = load_index(folder, gap_posts)
    write_report(folder / "report.html", render_report(summary, posts, verdicts, web, sources, marks, evidence))


def rebuild_report(folder: Path, fail_under: float | None = None, csv_dialect: str | None = None) -> dict[str, Any]:
    """``parity report DIR``: figures recomputed from the JSONL files, run metadata kept."""
    audit = read_audit_folder(folder)
    meta_keys = ("run_id", "generated_at", "config", "window_days", "grace_hours", "history", "removed")
    meta = {k: audit.summary[k] for k in meta_keys if k in audit.summary}
    org_names = {o["id"]: o.get("name") for o in audit.summary.get("orgs", []) if isinstance(o, dict) and "id" in o}
    if fail_under is None:
        fail_under = audit.summary.get("fail_under")
    summary = summarise(audit.posts, audit.verdicts, audit.sources, org_names or None, fail_under, meta)
    write_presentation(folder, audit.posts, audit.web, audit.verdicts, audit.sources, summary, audit.triage,
                       csv_dialect)
    return summary
