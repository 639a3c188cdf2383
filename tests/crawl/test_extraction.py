"""The extraction pool gives exactly what inline extraction gives, errors included."""

from __future__ import annotations

import asyncio

import pytest

from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.pages.web.article import extract_article
from crawler.spiders.extraction import Extractor
from parity.demo.httpserver import Request
from parity.demo.scenario import build_scenario
from parity.demo.site import SjobackaSite

BASE = "http://kommun.example"


def test_pool_and_inline_agree_and_page_errors_survive_the_process_boundary() -> None:
    site = SjobackaSite(build_scenario().pages)
    response = site.handle(Request.get("/driftinformation/vattenavstangning-pa-storgatan", base_url=BASE))
    headers, body = dict(response.headers.items()), response.body
    url = BASE + "/driftinformation/vattenavstangning-pa-storgatan"
    pooled = Extractor(workers=1, inline=0)

    async def run() -> tuple[object, str]:
        article = await pooled.article(PageInput(url, headers, body))
        with pytest.raises(PageError) as caught:
            await pooled.article(PageInput(BASE + "/x.pdf", {"content-type": "application/pdf"}, b"%PDF-1.4 not html"))
        return article, str(caught.value)

    try:
        article, error = asyncio.run(run())
    finally:
        pooled.shutdown()
    assert article == extract_article(PageInput(url, headers, body))
    assert error == f"{BASE}/x.pdf: a PDF, not an HTML page"
