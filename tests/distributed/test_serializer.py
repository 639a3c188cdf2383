"""Requests in the shared queue are JSON, never pickle (crawler/distributed/serializer.py)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
import scrapy
from scrapy.utils.request import request_from_dict

from crawler.distributed import serializer


class _Spider(scrapy.Spider):
    name = "s"

    def parse_article(self, response: object) -> None: ...

    def on_error(self, failure: object) -> None: ...


def test_a_request_round_trips_with_the_values_spiders_put_in_meta() -> None:
    spider = _Spider()
    published = dt.datetime(2026, 3, 1, 8, tzinfo=dt.timezone.utc)
    request = scrapy.Request("http://x.se/a?b=1", callback=spider.parse_article, errback=spider.on_error,
                             headers={"If-None-Match": '"e"'}, body=b"\xff\x00", priority=3,
                             meta={"ledger_validators": ('"e"', None), "item_published": published,
                                   "item_extra": {"from_date": None}, "handle_httpstatus_list": [304]})
    data = serializer.dumps(request.to_dict(spider=spider))
    assert data.startswith(b"{") and b"pickle" not in data
    back = request_from_dict(serializer.loads(data), spider=spider)
    assert (back.url, back.body, back.priority, back.callback, back.errback) == (
        request.url, request.body, 3, spider.parse_article, spider.on_error)
    assert back.headers.get("If-None-Match") == b'"e"'
    assert back.meta == request.meta  # tuples stay tuples, datetimes stay datetimes
    assert serializer.dumps(back.to_dict(spider=spider)) == data  # one request, one text


def test_what_json_cannot_carry_is_refused_and_pickle_is_not_read() -> None:
    spider = _Spider()
    request = scrapy.Request("http://x.se/", callback=spider.parse_article, meta={"obj": object()})
    with pytest.raises(TypeError, match="cannot queue"):
        serializer.dumps(request.to_dict(spider=spider))
    with pytest.raises(ValueError):
        serializer.loads(pickle.dumps({"url": "http://x.se/"}))
    with pytest.raises(ValueError, match="JSON object"):
        serializer.loads(b"[1, 2]")
