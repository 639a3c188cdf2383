"""The human report: one self-contained HTML file, Swedish and English, no external assets.

Officers open it from a mail attachment and journalists publish screenshots of it, so it
must render offline and every scraped string is escaped (jinja2 autoescape) and made safe
to show (parity.report.textsafe) — a post or page is never trusted markup.

The page carries a Content-Security-Policy (issue 12.7): nothing may be loaded
(``default-src 'none'``), styles only inline, images only ``data:``, and the one script
(sortable tables, printing with every section open) only by its SHA-256 hash — an injected
``<script>`` that escaped the escaping would still not run. Both languages are in the page;
a radio switch in the header (keyboard: arrow keys) shows one.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from parity.core.jsonl import write_text_atomic
from parity.core.records import Post, SourceStatus, Verdict, WebItem
from parity.report.evidence import EvidenceIndex
from parity.report.page import language_page
from parity.report.view import Inputs

_TEMPLATES = resources.files("parity.report") / "templates"


def _asset(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly ``script``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: str) -> str:
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src {script_hash(script)}; base-uri 'none'; form-action 'none'")


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("parity.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(
    summary: dict[str, Any], posts: list[Post], verdicts: list[Verdict], web: list[WebItem],
    sources: list[SourceStatus], triage: dict[str, dict[str, Any]] | None = None,
    evidence: EvidenceIndex | None = None,
) -> str:
    """The complete HTML document (both languages; Swedish shown first)."""
    data = Inputs(summary, posts, verdicts, web, sources, triage or {}, evidence)
    script = _asset("report.js")
    template = _environment().get_template("report.html.j2")
    return template.render(
        pages={lang: language_page(data, lang) for lang in ("sv", "en")},
        css=Markup(_asset("report.css")), script=Markup(script), csp=Markup(content_security_policy(script)),
    )


def write_report(path: Path, html: str) -> None:
    write_text_atomic(path, html)
