"""Issue 12 §5: costly PDFs must not stall the crawl; a document is fetched (and read) once.

The PDFs are made here with pypdf: 1,000 pages sharing one content stream of thousands of
kerned text operations (each page costs seconds to extract), a 400-page cheap one, and one
page whose stream never ends in reasonable time. Documents are read in worker processes
within ``max_document_pages`` / ``max_document_seconds``; past them an error row
``document_too_costly``, while the other sources of the crawl finish ``ok``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from tests.reliability.harness import ORG, jsonl, latest_source_details, run_config
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan
from tests.support.faultserver import FaultServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

BUDGET = 3.0  # max_document_seconds in these tests
GRACE = 5.0  # crawler/spiders/documents.py GRACE_SECONDS


def pdf(pages: int, operations: int) -> bytes:
    """``pages`` pages that all draw the same content stream of ``operations`` kerned text lines."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 720 Td\n" + b"[(Vatten) -250 (st\\344ngs) 120 (av)] TJ 0 -1 Td\n" * operations
                    + b"ET")
    shared = writer._add_object(stream)
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): font})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_linking(title: str, *documents: str) -> dict[str, str]:
    links = "".join(f'<li><a href="{d}">Protokoll {i} (pdf)</a></li>' for i, d in enumerate(documents))
    return {"body": f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{title}</title></head>"
                    f"<body><main><article><h1>{title}</h1><p>{title}. Kommunstyrelsen har sammanträtt och "
                    f"protokollet finns att läsa nedan för alla som vill ta del av besluten.</p><ul>{links}</ul>"
                    "</article></main></body></html>"}


def binary(data: bytes) -> dict[str, str]:
    return {"body": data.decode("latin-1"), "encoding": "latin-1", "content_type": "application/pdf"}


def test_pdf_bomb_costs_its_budget_once_while_other_sources_finish_ok(tmp_path: Path) -> None:
    bomb = pdf(1000, 6000)
    main = SitePlan(pages=0, seed=41, custom={
        "/nyheter/a": page_linking("Kommunstyrelsen 3 mars", "/docs/bomb.pdf"),
        "/nyheter/b": page_linking("Kommunstyrelsen, beslut", "/docs/bomb.pdf"),
        "/docs/bomb.pdf": binary(bomb)})
    other = SitePlan(bind="127.0.0.2", pages=30, seed=42, latency=0.25)
    with FaultServerProcess(Plan(sites={"main": main, "other": other}), tmp_path / "srv") as server:
        base, elsewhere = server.url("main"), server.url("other")
        config = config_toml([{"id": ORG, "web": [
            {"type": "page", "url": base + "/nyheter/a"}, {"type": "page", "url": base + "/nyheter/b"},
            {"type": "sitemap", "url": elsewhere + "/sitemap.xml"}]}],
            max_document_seconds=BUDGET, concurrency_per_host=1, timeout_seconds=2.0)
        result = run_config(tmp_path, config, command="crawl", timeout=240)
    assert len(bomb) < 600_000
    assert [e["target"] for e in server.log() if e["target"].endswith(".pdf")] == ["/docs/bomb.pdf"]  # fetched once
    by_url = {s["url"].removeprefix(base).removeprefix(elsewhere): s for s in result.sources()}
    assert by_url["/sitemap.xml"]["status"] == "ok" and by_url["/sitemap.xml"]["items"] == 30  # unharmed
    for page in ("/nyheter/a", "/nyheter/b"):
        assert by_url[page]["status"] == "partial" and by_url[page]["items"] == 1
        assert "document_too_costly" in by_url[page]["error"]
    details = {d["key"].rsplit(":", 1)[-1]: d for d in latest_source_details(result.store) if "nyheter" in d["key"]}
    reasons = [r for d in details.values() for u, r in d["detail"]["failed_urls"].items() if u.endswith(".pdf")]
    assert len(reasons) == 2 and len(set(reasons)) == 1  # read once, the second finder got the same result
    spent = re.search(r"(\d+) of 1000 pages read in ([\d.]+) s", reasons[0])
    if spent:  # stopped between pages: at most the budget plus the page in progress
        assert int(spent.group(1)) < 1000 and float(spent.group(2)) <= BUDGET + GRACE
    else:  # one page outlasted budget and grace: its worker was stopped
        assert f"still reading after {BUDGET + GRACE:g} s" in reasons[0]
    assert result.seconds < 90  # not the hour an unbudgeted read of 1,000 such pages takes
    titles = sorted(w["title"] for w in jsonl(result.out / "web.jsonl") if "nyheter" in w["url"])
    assert titles == ["Kommunstyrelsen 3 mars", "Kommunstyrelsen, beslut"]


def test_page_budget_and_a_page_that_never_ends(tmp_path: Path) -> None:
    """400 pages > max_document_pages = 300: refused unread; one endless page: its worker stopped at budget + grace;
    a 20-page PDF after both is read as usual (the worker was replaced)."""
    main = SitePlan(pages=0, seed=43, custom={
        "/nyheter/c": page_linking("Budget 2026", "/docs/lang.pdf", "/docs/evig.pdf"),
        "/nyheter/d": page_linking("Detaljplan för Åsen", "/docs/vanlig.pdf"),
        "/docs/lang.pdf": binary(pdf(400, 5)),
        "/docs/evig.pdf": binary(pdf(1, 60_000)),
        "/docs/vanlig.pdf": binary(pdf(20, 5))})
    with FaultServerProcess(Plan(sites={"main": main}), tmp_path / "srv") as server:
        base = server.url()
        config = config_toml([{"id": ORG, "web": [{"type": "page", "url": base + "/nyheter/c"},
                                                  {"type": "page", "url": base + "/nyheter/d"}]}],
                             max_document_pages=300, max_document_seconds=2.0)
        result = run_config(tmp_path, config, command="crawl", timeout=240)
    by_url = {s["url"].removeprefix(base): s for s in result.sources()}
    assert by_url["/nyheter/d"]["status"] == "ok" and by_url["/nyheter/d"]["items"] == 2  # page + its 20-page PDF
    [detail] = [d["detail"] for d in latest_source_details(result.store) if d["key"].endswith("/nyheter/c")]
    failed = {u.removeprefix(base): r for u, r in detail["failed_urls"].items()}
    assert failed["/docs/lang.pdf"] == "document_too_costly (400 pages, more than max_document_pages = 300)"
    assert failed["/docs/evig.pdf"].startswith("document_too_costly (")
    documents = {w["url"].removeprefix(base): w for w in jsonl(result.out / "web.jsonl") if w["url"].endswith(".pdf")}
    assert list(documents) == ["/docs/vanlig.pdf"] and "Vatten" in documents["/docs/vanlig.pdf"]["text"]
