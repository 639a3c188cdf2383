"""The WARC evidence archive (crawler/warc.py): complete, byte-true, appendable, and free of credentials.

Crawls run in subprocesses against the fault server or the social emulators; the access logs are
the ground truth for what was answered. The archive is read with ``warcio.ArchiveIterator``, the
reader the archive tools use, so "valid" means: that reader gets through every record.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import REDACTED, WarcFile
from tests.reliability.harness import ORG, run_config, start_config
from tests.social import worlds
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, Rule, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess
from tests.support.graph_emulator import GraphEmulator
from tests.support.run import run_crawl, signal_group
from tests.support.x_emulator import XApiEmulator

EVIDENCE = ("<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Vattenavstängning</title></head>"
            "<body><main><article><h1>Vattenavstängning i Österåker</h1><p>Vattnet stängs av på Storgatan "
            "den 12 mars kl. 8–16. Kontakta kundtjänst på 018-12 34 56.</p></article></main></body></html>")


def records(path: Path) -> list[dict[str, Any]]:
    """Every record of the file, read to the end (ArchiveIterator raises on a damaged member)."""
    out = []
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            entry = {"type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
                     "warc": dict(record.rec_headers.headers), "body": record.content_stream().read()}
            if record.http_headers is not None:
                entry["http"] = record.http_headers
                entry["status"] = int(record.http_headers.get_statuscode() or 0) if record.rec_type == "response" \
                    else None
            out.append(entry)
    return out


def decompressed(path: Path) -> bytes:
    """All gzip members of the file, inflated (what a grep through ``zcat`` sees)."""
    return gzip.decompress(path.read_bytes())


# -- in-process units: redaction, decoding, appending ------------------------------------------------------


def exchange(url: str, body: bytes, headers: dict[str, Any], request_headers: dict[str, str]) -> tuple[Any, Any]:
    request = Request(url, headers=request_headers)
    return request, Response(url, status=200, headers=headers, body=body, request=request, protocol="HTTP/1.1")


def test_units_redaction_decoding_and_a_torn_tail(tmp_path: Path) -> None:
    token = "EAAunitCANARY0123456789abcdef"
    path = tmp_path / "a.warc.gz"
    archive = WarcFile(path, "run-1")
    page = b'{"data":[],"paging":{"next":"https://graph.example/v21.0/1/posts?access_token=' + token.encode() + \
        b'&after=QVFI"}, "note":"' + token.encode() + b'"}'
    archive.write_exchange(*exchange(
        f"https://graph.example/v21.0/1/posts?fields=id&access_token={token}",
        gzip.compress(page), {"Content-Encoding": "gzip", "Content-Length": "99", "Set-Cookie": "sid=s3cr3tcookie",
                              "Transfer-Encoding": "chunked"},
        {"Authorization": f"Bearer {token}", "Cookie": "sid=s3cr3tcookie"}), 10_000_000)
    # An encoding we cannot undo, of a request with credentials: the body is withheld, not stored unchecked.
    archive.write_exchange(*exchange("https://graph.example/odd", b"\x00" + token.encode(),
                                     {"Content-Encoding": "compress"}, {"Authorization": f"OAuth {token}"}), 10_000_000)
    # A plain page, no credentials: stored byte for byte, URI unchanged.
    archive.write_exchange(*exchange("https://www.example.se/a?b=1&c=%C3%A5", EVIDENCE.encode(),
                                     {"Content-Type": "text/html"}, {}), 10_000_000)
    archive.close()
    raw = decompressed(path)
    assert token.encode() not in raw and b"s3cr3tcookie" not in raw and token[:12].encode() not in raw
    got = records(path)
    assert [r["type"] for r in got] == ["warcinfo"] + ["response", "request"] * 3
    api, api_request = got[1], got[2]
    assert api["uri"] == api_request["uri"] == "https://graph.example/v21.0/1/posts?fields=id"
    assert api_request["http"].get_header("Authorization") == REDACTED
    assert api_request["http"].get_header("Cookie") == REDACTED
    assert api["http"].get_header("Set-Cookie") == REDACTED
    assert api["http"].get_header("Content-Encoding") is None and api["http"].get_header("Transfer-Encoding") is None
    assert api["body"] == page.replace(token.encode(), REDACTED.encode())  # decoded, then the token replaced
    assert api["http"].get_header("Content-Length") == str(len(api["body"]))
    assert api["warc"]["WARC-Parity-Transformed"] == "dechunked; decoded gzip"
    assert api["warc"]["WARC-Parity-Redacted"] == "body; request Authorization; request Cookie; response Set-Cookie; uri"
    assert got[3]["body"] == b"" and "body withheld" in got[3]["warc"]["WARC-Parity-Redacted"]
    assert got[5]["uri"] == "https://www.example.se/a?b=1&c=%C3%A5" and got[5]["body"] == EVIDENCE.encode()
    assert "WARC-Parity-Redacted" not in got[5]["warc"]

    # A writer killed mid-record leaves half a gzip member; the next run cuts it off and appends.
    size = path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(zlib.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" * 50)[:40])
    again = WarcFile(path, "run-2")
    assert path.stat().st_size > size
    again.write_exchange(*exchange("https://www.example.se/b", b"b", {}, {}), 10_000_000)
    again.close()
    got = records(path)
    assert [r["type"] for r in got].count("warcinfo") == 2 and len(got) == 7 + 3
    assert got[-2]["uri"] == "https://www.example.se/b"


# -- real crawls ---------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_crawl_archives_each_answered_response_byte_for_byte_and_appends(tmp_path: Path) -> None:
    """6 sitemap pages (one answered 503 first) and an evidence page: 9 URLs answered 200, 10 answers in all."""
    main = SitePlan(pages=6, seed=41, custom={"/evidence": {"body": EVIDENCE}},
                    faults=[Rule("status", path=page_path(2), attempts=[1], params={"status": 503})])
    with FaultServerProcess(Plan(sites={"main": main}), tmp_path / "srv") as server:
        base = server.url()
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"},
                                                  {"type": "page", "url": base + "/evidence"}]}])
        first = run_config(tmp_path, config, "--warc", command="crawl")
        log = server.log()
        warc = first.out / "crawl.warc.gz"
        assert first.code == 0, first.stderr[-2000:]
        got = records(warc)
        responses = [r for r in got if r["type"] == "response"]
        answered_200 = Counter(base + e["target"] for e in log if e["status"] == 200)
        assert len(log) == 10 and sum(answered_200.values()) == 9 and set(answered_200.values()) == {1}
        assert Counter(r["uri"] for r in responses if r["status"] == 200) == answered_200  # one record per URL
        assert sorted(r["status"] for r in responses) == [200] * 9 + [503]  # the retried answer is evidence too
        assert Counter(r["type"] for r in got) == {"warcinfo": 1, "request": 10, "response": 10}
        requests = {r["uri"] for r in got if r["type"] == "request"}
        assert requests == set(answered_200)  # every request record pairs with a fetched URL
        [evidence] = [r for r in responses if r["uri"] == base + "/evidence"]
        assert evidence["body"] == EVIDENCE.encode("utf-8")  # byte-equal to what the server sent
        assert evidence["http"].get_header("Content-Type") == "text/html; charset=utf-8"
        assert all(r["warc"].get("WARC-Date") for r in responses)

        # A rerun into the same folder appends: the file stays readable, both runs are in it.
        second = run_config(tmp_path, config, "--warc", command="crawl")
        assert second.code == 0, second.stderr[-2000:]
        log2 = server.log()[len(log):]
    got = records(warc)
    assert Counter(r["type"] for r in got) == {"warcinfo": 2, "request": 10 + len(log2), "response": 10 + len(log2)}


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigint_leaves_a_readable_archive(tmp_path: Path) -> None:
    """300 slow pages, SIGINT once ≥ 30 responses are archived: exit 130, every record readable."""
    main = SitePlan(pages=300, seed=42, latency=0.03)
    with FaultServerProcess(Plan(sites={"main": main}), tmp_path / "srv") as server:
        base = server.url()
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"}]}],
                             concurrency_per_host=4, timeout_seconds=5.0, retries=1)
        proc, out, _store = start_config(tmp_path, config, "--warc", command="crawl")
        warc = out / "crawl.warc.gz"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if warc.exists() and warc.read_bytes().count(b"\x1f\x8b\x08") >= 81:  # gzip members: 1 + 2 per answer
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        signal_group(proc)
        _stdout, stderr = proc.communicate(timeout=30)
        log = server.log()
    assert proc.returncode == 130, stderr[-2000:]
    got = records(warc)
    responses = [r for r in got if r["type"] == "response"]
    assert 30 <= len(responses) <= len(log) < 300
    assert Counter(r["type"] for r in got)["request"] == len(responses)
    assert {r["uri"] for r in responses} <= {base + e["target"] for e in log}


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_no_archive_unless_asked_and_the_config_switch(tmp_path: Path) -> None:
    main = SitePlan(pages=2, seed=43)
    with FaultServerProcess(Plan(sites={"main": main}), tmp_path / "srv") as server:
        base = server.url()
        web = [{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"}]}]
        on = run_config(tmp_path, config_toml(web, warc=True), out_name="on")  # first: the pages are new
        off = run_config(tmp_path, config_toml(web), out_name="off")
        off_hits = len(server.log()) - 4
    assert off.code == 0 and on.code == 0, off.stderr[-1000:] + on.stderr[-1000:]
    assert off_hits >= 2 and (off.out / "report.html").is_file()  # the second run did fetch (robots, sitemap) ...
    assert not (off.out / "crawl.warc.gz").exists()  # ... and archived nothing
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*.warc*")] == [Path("on/crawl.warc.gz")]
    assert sum(r["type"] == "response" for r in records(on.out / "crawl.warc.gz")) == 4  # robots, sitemap, 2 pages


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_api_responses_are_archived_without_the_tokens(tmp_path: Path) -> None:
    """Graph (token echoed into every ``next`` link, 5 posts a page) and X: every API answer archived, 0 tokens."""
    canary_fb = "EAAcanaryWARC0000SECRET4d1e"
    canary_x = "AAAAcanaryWARCX000SECRET77b0"
    graph = GraphEmulator(worlds.graph_world().pages.values(), worlds.graph_world().instagram.values(),
                          tokens=(canary_fb,), max_limit=5)
    x = XApiEmulator(worlds.x_world().users.values(), bearer_tokens=(canary_x,))
    with worlds.serving(graph=graph, x=x) as (servers, log):
        base = {name: server.base_url for name, server in servers.items()}
        config = worlds.config([worlds.source("facebook", base["graph"]), worlds.source("x", base["x"])])
        (tmp_path / "social.toml").write_text(config, encoding="utf-8")
        warc = tmp_path / "out" / "crawl.warc.gz"
        result = run_crawl("--config", tmp_path / "social.toml", "--store", tmp_path / "store.sqlite", "--run-id", "r1",
                           "--now", "2026-03-12T12:00:00Z", "--warc", warc, "--verbose",
                           timeout=90, env={"FB_TOKEN": canary_fb, "X_TOKEN": canary_x})
        answered = Counter((e.server, e.target) for e in log.entries)
    assert result.code == 0, result.stderr[-3000:]
    raw = decompressed(warc)
    for canary in (canary_fb, canary_x, canary_fb[:12], canary_x[:12]):
        assert canary.encode() not in raw, "token leaked into the WARC"
    got = records(warc)
    responses = [r for r in got if r["type"] == "response"]
    assert len(responses) == sum(answered.values()) == len(log.entries)  # every API answer is in the archive
    graph_pages = [r for r in responses if f"/v21.0/{worlds.PAGE_ID}/posts" in r["uri"]]
    assert len(graph_pages) == log.count(f"/v21.0/{worlds.PAGE_ID}/posts", "graph") >= 4
    assert all(b'"data"' in r["body"] and r["status"] == 200 for r in graph_pages)
    with_next = [r for r in graph_pages if b'"next"' in r["body"]]
    assert with_next and all(b"access_token=" + REDACTED.encode() in r["body"] and
                             "body" in r["warc"]["WARC-Parity-Redacted"] for r in with_next)
    x_pages = [r for r in responses if "/2/users/" in r["uri"]]
    assert x_pages and all(b'"data"' in r["body"] for r in x_pages)
    api_requests = [r for r in got if r["type"] == "request"]
    assert all(r["http"].get_header("Authorization") == REDACTED for r in api_requests)
