"""Part 5: hostile XML, size caps, confinement to configured hosts, token canaries, escaping in the report."""

from __future__ import annotations

import gzip
import secrets
from pathlib import Path

import pytest

from tests.reliability.harness import ORG, jsonl, post, run_config, store_rows, write_jsonl
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, Rule, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

MAIN, OTHER = "{host:main}", "{host:other}"
LAUGHS = "\n".join(
    [' <!ENTITY lol "lol">'] + [f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                for i in range(1, 10)])


def rss(item_title: str, description: str = "x") -> str:
    link = MAIN + page_path(0)
    return (f'<rss version="2.0"><channel><title>Felby</title><link>{link}</link><description>x</description>'
            f"<item><title>{item_title}</title><link>{link}</link><description>{description}</description></item>"
            "</channel></rss>")


HOSTILE = {
    "/laughs-feed.xml": f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{LAUGHS}\n]>\n' + rss("&lol9;", "&lol9;"),
    "/laughs-sitemap.xml": f'<?xml version="1.0"?>\n<!DOCTYPE urlset [\n{LAUGHS}\n]>\n'
                           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{MAIN}/news/'
                           "nyhet-0000?x=&lol9;</loc></url></urlset>",
    "/xxe-feed.xml": '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                     + rss("&xxe;", "&xxe;"),
    "/param-feed.xml": f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{OTHER}/evil.dtd"> %ext;]>\n'
                       + rss("x"),
    "/quadratic-feed.xml": '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "a" * 50_000 + '">]>\n'
                           + rss("&a;" * 2000),
}


def test_hostile_xml_in_feeds_and_sitemaps_is_refused(tmp_path: Path) -> None:
    """Billion laughs, XXE, parameter entities, quadratic blow-up, a 100 MB .xml.gz: 6 sources, 6 refusals."""
    main = SitePlan(pages=3, seed=91)
    for path, body in HOSTILE.items():
        main.custom[path] = {"body": body, "content_type": "application/xml"}
    main.faults.append(Rule("gzip_bomb", path="/bomb-sitemap.xml.gz", params={"megabytes": 100, "as_file": True}))
    plan = Plan(sites={"main": main, "other": SitePlan(bind="127.0.0.2", pages=1, seed=92)})
    with FaultServerProcess(plan, tmp_path / "srv") as server:
        base = server.url()
        sources = [{"type": "feed" if "feed" in p else "sitemap", "url": base + p} for p in HOSTILE]
        sources.append({"type": "sitemap", "url": base + "/bomb-sitemap.xml.gz"})
        result = run_config(tmp_path, config_toml([{"id": ORG, "web": sources}], retries=0), command="crawl")
    log = server.log()
    assert result.code == 4
    lines = {s["url"].removeprefix(base): s for s in result.sources()}
    assert len(lines) == 6
    assert {p: (s["status"], s["items"]) for p, s in lines.items()} == {p: ("failed", 0) for p in lines}
    assert "entit" in lines["/laughs-feed.xml"]["error"]
    assert "DOCTYPE" in lines["/laughs-sitemap.xml"]["error"]
    assert "external" in lines["/xxe-feed.xml"]["error"] and "external" in lines["/param-feed.xml"]["error"]
    assert "entit" in lines["/quadratic-feed.xml"]["error"]
    assert "inflates to more than" in lines["/bomb-sitemap.xml.gz"]["error"]
    assert jsonl(result.out / "web.jsonl") == []
    assert [e["target"] for e in log if e["host"] == "other"] == []  # no external DTD or entity was fetched
    assert not any(e["target"].startswith("/news/") for e in log)  # nothing a payload named was followed
    written = "".join(p.read_text(errors="replace") for p in result.out.rglob("*") if p.is_file())
    assert "lollollol" not in written + result.stderr and "root:x:0" not in written + result.stderr
    assert result.seconds < 60  # refused before parsing: seconds, not minutes of expansion


@pytest.mark.parametrize("allow", [False, True], ids=["confined", "offsite-redirects-allowed"])
def test_crawl_stays_on_the_configured_host(tmp_path: Path, allow: bool) -> None:
    """Offsite sitemap entries are never requested; a redirect to another host only when configured."""
    main = SitePlan(pages=3, seed=93, sitemap_extra=[OTHER + "/news/nyhet-0000", OTHER + "/news/nyhet-0001"],
                    faults=[Rule("redirect", path="/flyttad", params={"to": OTHER + "/news/nyhet-0001"})])
    plan = Plan(sites={"main": main, "other": SitePlan(bind="127.0.0.2", pages=2, seed=94)})
    with FaultServerProcess(plan, tmp_path / "srv") as server:
        base = server.url()
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"},
                                                  {"type": "page", "url": base + "/flyttad"}]}],
                             allow_offsite_redirects=allow, allow_private_addresses=allow)  # 127.0.0.2 is private
        result = run_config(tmp_path, config, command="crawl")
    other_hits = sorted(e["target"] for e in server.log() if e["host"] == "other")
    sources = {s["kind"]: s for s in result.sources()}
    assert sources["sitemap"]["status"] == "ok" and sources["sitemap"]["items"] == 3  # its own 3 pages only
    if allow:
        assert result.code == 0
        assert other_hits == ["/news/nyhet-0001", "/robots.txt"]  # the redirect, obeying the other host's robots
        assert sources["page"]["status"] == "ok" and sources["page"]["items"] == 1
    else:
        assert result.code == 4
        assert other_hits == []
        assert sources["page"]["status"] == "failed" and "offsite_redirect" in sources["page"]["error"]


def test_token_canaries_never_leave_the_authorization_header(tmp_path: Path) -> None:
    """Tokens in the environment; APIs that redirect offsite, fail and time out; every output (and the WARC) grepped."""
    fb, x = f"FBCANARY{secrets.token_hex(12)}", f"XCANARY{secrets.token_hex(12)}"
    main = SitePlan(pages=2, seed=95, faults=[
        Rule("redirect", prefix="/v21.0/", params={"to": OTHER + "/stolen"}),  # Graph answers with an offsite redirect
        Rule("status", prefix="/2/users/", params={"status": 500}),  # X fails after retries
    ])
    plan = Plan(sites={"main": main, "other": SitePlan(bind="127.0.0.2", seed=96)})
    with FaultServerProcess(plan, tmp_path / "srv") as server:
        base = server.url()
        config = config_toml([{"id": ORG, "web": [{"type": "sitemap", "url": base + "/sitemap.xml"}], "social": [
            {"platform": "facebook", "page_id": "4711", "token_env": "FB_TOKEN", "api": base},
            {"platform": "x", "user_id": "4712", "token_env": "X_TOKEN", "api": base},
        ]}], retries=1)
        result = run_config(tmp_path, config, "--verbose", "--warc",
                            env={"FB_TOKEN": fb, "X_TOKEN": x, "PARITY_DEBUG": "1"})
    log = server.log()
    assert result.code == 4
    graph = [e for e in log if e["target"].startswith("/v21.0/")]
    assert graph and all(e["authorization"] == f"Bearer {fb}" for e in graph)  # the token did go to the API ...
    assert [e["authorization"] for e in log if e["host"] == "other"] in ([], [""], ["", ""])  # ... never elsewhere
    assert all(fb not in e["target"] and x not in e["target"] for e in log)  # never in a URL
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    for path in tmp_path.rglob("*"):
        if path.is_file() and "srv" not in path.parts:  # the server's own log is the other side of the wire
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            outputs[str(path)] = data.decode("latin-1")
    assert len(outputs) >= 10  # stdout, stderr, config, store (+ WAL), 7 report files, the WARC
    warc = outputs[str(result.out / "crawl.warc.gz")]  # the evidence archive, decompressed: it has the API answers
    assert "/v21.0/4711/posts" in warc and "/2/users/4712/tweets" in warc and "Authorization: [redacted]" in warc
    for where, text in outputs.items():
        for canary in (fb, x, fb[8:20], x[7:19]):
            assert canary not in text, f"token leaked into {where}"


XSS_TITLE = '<script>alert("xss-title")</script>'
XSS_TEXT = "<img src=x onerror=alert('xss-text')>"


def test_report_escapes_scraped_and_posted_content(tmp_path: Path) -> None:
    page = ("<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>&lt;script&gt;alert(&quot;xss-title"
            "&quot;)&lt;/script&gt;</title></head><body><main><article><h1>&lt;script&gt;alert(&quot;xss-title"
            "&quot;)&lt;/script&gt;</h1>"
            "<p>Vattnet stängs av på Storgatan den 12 mars. &lt;img src=x onerror=alert('xss-text')&gt; "
            "Kontakta kundtjänst för mer information om avstängningen.</p></article></main></body></html>")
    main = SitePlan(pages=0, seed=97, custom={"/vatten": {"body": page}})
    with FaultServerProcess(Plan(sites={"main": main}), tmp_path / "srv") as server:
        base = server.url()
        posts = write_jsonl(tmp_path / "posts.jsonl", [
            post(1, "Vattnet stängs av på Storgatan den 12 mars. <script>alert('xss-post')</script>",
                 [base + "/vatten", "javascript:alert('xss-link')"]),
            post(2, "<b onmouseover=alert('xss-other')>Badet i Åsen stänger</b>"),
        ])
        config = config_toml([{"id": ORG, "web": [{"type": "page", "url": base + "/vatten"}],
                               "social": [{"platform": "file", "path": str(posts)}]}])
        result = run_config(tmp_path, config)
    assert result.code in (0, 3), result.stderr[-2000:]
    [item] = jsonl(result.out / "web.jsonl")
    assert item["title"] == XSS_TITLE and XSS_TEXT in item["text"]  # the store keeps what the page said ...
    html = (result.out / "report.html").read_text(encoding="utf-8")
    for raw in ("<script>alert(", "<img src=x onerror", "<b onmouseover", 'href="javascript:', "href='javascript:"):
        assert raw not in html, raw  # ... the report never lets it run
    assert "xss-post" in html and ("&lt;script&gt;" in html or "&#60;script&#62;" in html)
    rows = store_rows(result.store, "SELECT verdict FROM verdicts")
    assert len(rows) == 2
