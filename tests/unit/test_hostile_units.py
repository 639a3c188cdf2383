"""Units behind issue 12's guards: addresses, redaction, surrogates, line limits, prologs, header echoes, budgets."""

from __future__ import annotations

import io
import ipaddress
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.middlewares.egress import PeerAddressGuardMiddleware, is_private
from crawler.middlewares.offsite import Refused
from crawler.pages.page_input import PageInput
from crawler.pages.tabular import describe_header
from crawler.pages.types import PageError
from crawler.pages.web.document import (
    DocumentBudget,
    DocumentTooCostly,
    extract_document,
)
from crawler.pages.xmlsafe import _prolog_text, refuse_dangerous_dtd
from crawler.secrets import Redactor, strip_secrets
from parity.core.jsonl import RecordError, RecordFile, loads_or_error
from parity.core.surrogates import repair, repair_text


@pytest.mark.parametrize(("address", "private"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("0.0.0.0", True), ("100.64.0.1", True), ("224.0.0.1", True), ("::1", True), ("fe80::1", True), ("fd00::1", True),
    ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True), ("93.184.216.34", False), ("2606:4700::1111", False),
])
def test_private_addresses(address: str, private: bool) -> None:
    assert is_private(ipaddress.ip_address(address)) is private


def test_peer_address_is_checked_after_the_connection() -> None:
    """A host that resolved to a public address when checked but answered from a private one (rebinding)."""
    settings = SimpleNamespace(getbool=lambda k, d=False: False, getlist=lambda k, d=None: ["configured.example"],
                               getfloat=lambda k, d=0.0: 30.0)
    crawler = SimpleNamespace(settings=settings, stats=SimpleNamespace(inc_value=lambda *a: None))
    guard = PeerAddressGuardMiddleware(crawler)
    from scrapy.http import Request, Response

    rebound = Response("https://rebind.example/x", request=Request("https://rebind.example/x"),
                       ip_address=ipaddress.ip_address("10.0.0.5"))
    with pytest.raises(Refused, match="10.0.0.5"):
        guard.process_response(rebound.request, rebound)
    public = rebound.replace(ip_address=ipaddress.ip_address("93.184.216.34"))
    assert guard.process_response(public.request, public) is public
    configured = Response("https://configured.example/", request=Request("https://configured.example/"),
                          ip_address=ipaddress.ip_address("127.0.0.1"))
    assert guard.process_response(configured.request, configured) is configured


def test_redactor_replaces_tokens_parameters_and_pieces() -> None:
    token = "EAAGm0PX4ZCpsBAPageTokenForTests"
    redactor = Redactor([token, "short"])  # too short to search for
    assert redactor.text(f"Malformed access token {token}") == "Malformed access token [redacted]"
    assert redactor.text(f"cannot parse {token[:14]}... (truncated)") == "cannot parse [redacted] (truncated)"
    assert redactor.text("x?access_token=abc&after=QVFI") == "x?access_token=[redacted]&after=QVFI"
    assert redactor.text("a short text about Graph") == "a short text about Graph"
    assert redactor.value({"k": [f"Bearer {token}"], "n": 3}) == {"k": ["Bearer [redacted]"], "n": 3}
    assert strip_secrets("https://g/v21.0/1/posts?limit=5&access_token=EAA&after=Q") == "https://g/v21.0/1/posts?limit=5&after=Q"


def test_lone_surrogates_are_repaired_and_counted() -> None:
    assert repair_text("hej \ud800 du \udfff") == ("hej \ufffd du \ufffd", 2)
    assert repair_text("ok 😀") == ("ok 😀", 0)
    data = {"a": ["x\ud800", {"b\udc00": "y"}], "n": 1}
    fixed, count = repair(data)
    assert count == 2 and fixed == {"a": ["x\ufffd", {"b\ufffd": "y"}], "n": 1}
    deep: list = []
    node = deep
    for _ in range(5000):  # deeper than Python's recursion limit: the walk is iterative
        node.append([])
        node = node[0]
    node.append("\ud800")
    assert repair(deep)[1] == 1


def test_record_lines_are_capped_and_hostile_json_is_one_line() -> None:
    lines = RecordFile(Path("posts.jsonl"), io.BytesIO(b'{"a": 1}\n' + b"x" * 101 + b"\n"), limit=100)
    assert next(iter(lines)) == b'{"a": 1}\n'
    with pytest.raises(RecordError, match=r"^posts.jsonl:2: \(line\): longer than 100 bytes"):
        list(lines)
    assert list(RecordFile(Path("p"), io.BytesIO(b"y" * 100 + b"\r\n"), limit=100)) == [b"y" * 100 + b"\r\n"]
    with pytest.raises(RecordError, match="nested too deeply"):
        loads_or_error("[" * 100_000 + "]" * 100_000, "f:1: (line)")
    with pytest.raises(RecordError, match="4300 digits"):
        loads_or_error("9" * 5000, "f:1: (line)")


def test_prolog_is_read_to_the_root_element_however_long() -> None:
    laughs = b'<!DOCTYPE rss [<!ENTITY a "&b;&b;">]>'
    padded = b'<?xml version="1.0"?>\n<!--' + b" " * 200_000 + b"-->\n" + laughs + b"<rss/>"
    assert "<!ENTITY" in _prolog_text(padded)
    with pytest.raises(PageError, match="entit"):
        refuse_dangerous_dtd(padded, "feed.xml", allow_doctype=True)
    quoted = b'<?xml version="1.0"?><rss><![CDATA[' + b"x" * 100_000 + laughs + b"]]></rss>"
    assert _prolog_text(quoted) == '<?xml version="1.0"?>'
    refuse_dangerous_dtd(quoted, "feed.xml", allow_doctype=False)  # content, not a DTD


def test_header_echo_shows_column_names_only() -> None:
    assert describe_header(["titel", "Brödtext", "Publicerad (datum)"]) == "titel, Brödtext, Publicerad (datum)"
    assert describe_header(["HOME=/root PATH=/usr/bin SECRET=x"]) == "1 field not shown (not column names)"
    assert describe_header(["title", "a=b", "c=d"]) == "title; 2 fields not shown (not column names)"
    assert describe_header([]) == "no columns"


def test_document_page_budget_is_checked_before_reading() -> None:
    from tests.reliability.test_hostile_documents import pdf

    page = PageInput("https://felby.example/lang.pdf", {"Content-Type": "application/pdf"}, pdf(40, 2))
    with pytest.raises(DocumentTooCostly, match=r"document_too_costly \(40 pages, more than max_document_pages = 39\)"):
        extract_document(page, DocumentBudget(max_pages=39))
    assert extract_document(page, DocumentBudget(max_pages=40)).page_count == 40


def test_document_time_budget_counts_the_last_page_too() -> None:
    """A one-page document whose page outlasts the budget is too costly even when it finishes (it was accepted
    whenever its worker answered before budget + grace)."""
    from tests.reliability.test_hostile_documents import pdf

    page = PageInput("https://felby.example/evig.pdf", {"Content-Type": "application/pdf"}, pdf(1, 3000))
    with pytest.raises(DocumentTooCostly, match=r"1 of 1 pages read in [\d.]+ s, more than max_document_seconds"):
        extract_document(page, DocumentBudget(max_seconds=0.001))
    assert "Vatten" in extract_document(page, DocumentBudget(max_seconds=60.0)).text
