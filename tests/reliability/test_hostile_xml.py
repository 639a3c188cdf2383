"""Issue 12 §7: the DTD check looked only at the first 64 KB; a padded prolog hid the entity declarations.

The same attacks test_security.py refuses (billion laughs, XXE, parameter entities) behind
70 KB of comment, whitespace or processing instruction before the ``<!DOCTYPE``: still
refused, with 0 requests to the host the DTD names. A DOCTYPE that is not in the prolog
(an HTML page quoted in a feed item's CDATA, 70 KB in) is content, and the feed is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.harness import ORG, jsonl, run_config
from tests.support.config import config_toml
from tests.support.fault_plan import Plan, SitePlan, page_path
from tests.support.faultserver import FaultServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

MAIN, OTHER = "{host:main}", "{host:other}"
LAUGHS = "\n".join(
    [' <!ENTITY lol "lol">'] + [f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                for i in range(1, 10)])
PADDING = {
    "comment": "<!-- " + "utfyllnad " * 7_000 + "-->\n",
    "whitespace": " \n" * 35_000,
    "instruction": '<?xml-stylesheet type="text/xsl" href="/stil.xsl" data="' + "x" * 70_000 + '"?>\n',
}


def rss(title: str, description: str = "x") -> str:
    link = MAIN + page_path(0)
    return (f'<rss version="2.0"><channel><title>Felby</title><link>{link}</link><description>x</description>'
            f"<item><title>{title}</title><link>{link}</link><description>{description}</description></item>"
            "</channel></rss>")


def hostile(padding: str) -> dict[str, str]:
    head = '<?xml version="1.0"?>\n' + padding
    return {
        "/laughs-feed.xml": f"{head}<!DOCTYPE rss [\n{LAUGHS}\n]>\n" + rss("&lol9;", "&lol9;"),
        "/laughs-sitemap.xml": f"{head}<!DOCTYPE urlset [\n{LAUGHS}\n]>\n"
                               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{MAIN}/news/'
                               "nyhet-0000?x=&lol9;</loc></url></urlset>",
        "/xxe-feed.xml": f'{head}<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + rss("&xxe;", "&xxe;"),
        "/param-feed.xml": f'{head}<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{OTHER}/evil.dtd"> %ext;]>\n' + rss("x"),
    }


@pytest.mark.parametrize("padding", list(PADDING))
def test_entity_declarations_behind_a_long_prolog_are_refused(tmp_path: Path, padding: str) -> None:
    main = SitePlan(pages=1, seed=51)
    attacks = hostile(PADDING[padding])
    for path, body in attacks.items():
        assert body.index("<!DOCTYPE") > 65_536  # past what the old check read
        main.custom[path] = {"body": body, "content_type": "application/xml"}
    quoted = ("<![CDATA[" + "<p>Utförlig text.</p>" * 3_500 + "<!DOCTYPE html [<!ENTITY a 'b'>]><html></html>]]>")
    main.custom["/quoting-feed.xml"] = {"body": '<?xml version="1.0"?>\n' + rss("Nyhet 0", quoted),
                                        "content_type": "application/rss+xml"}
    plan = Plan(sites={"main": main, "other": SitePlan(bind="127.0.0.2", pages=1, seed=52)})
    with FaultServerProcess(plan, tmp_path / "srv") as server:
        base = server.url()
        sources = [{"type": "feed" if "feed" in p else "sitemap", "url": base + p} for p in [*attacks,
                                                                                               "/quoting-feed.xml"]]
        result = run_config(tmp_path, config_toml([{"id": ORG, "web": sources}], retries=0, timeout_seconds=10.0), command="crawl")
    assert result.code == 4
    lines = {s["url"].removeprefix(base): s for s in result.sources()}
    assert {p: (lines[p]["status"], lines[p]["items"]) for p in attacks} == {p: ("failed", 0) for p in attacks}
    assert "entit" in lines["/laughs-feed.xml"]["error"] and "DOCTYPE" in lines["/laughs-sitemap.xml"]["error"]
    assert "external" in lines["/xxe-feed.xml"]["error"] and "external" in lines["/param-feed.xml"]["error"]
    assert (lines["/quoting-feed.xml"]["status"], lines["/quoting-feed.xml"]["items"]) == ("ok", 2)  # item + page
    assert [e["target"] for e in server.log() if e["host"] == "other"] == []
    written = "".join(p.read_text(errors="replace") for p in result.out.rglob("*") if p.is_file())
    assert "lollollol" not in written + result.stderr and "root:x:0" not in written + result.stderr
    assert [w["url"] for w in jsonl(result.out / "web.jsonl")] == [base + page_path(0)]
