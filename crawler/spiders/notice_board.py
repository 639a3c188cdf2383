"""The legally required notice board (anslagstavla): every notice is a web item.

Notices keep their posting period (``from_date``/``to_date``): a meeting notice
taken down after three weeks was still published in writing while it hung.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.notice_board import parse_notice_board
from crawler.pages.types import PageError
from crawler.spiders.web import WebSourceSpider, response_headers
from parity.records import format_time


class NoticeBoardSpider(WebSourceSpider):
    name = "notice_board"
    item_source = "notice_board"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(self.spec.target, self.parse_board, primary=True)

    def parse_board(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._board(response))

    def _board(self, response: Response) -> Iterator[Any]:
        try:
            notices = parse_notice_board(response.url, response_headers(response), response.body)
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        self.ok(response)
        for notice in notices:
            url = notice.url or response.url
            extra = {
                "from_date": format_time(notice.from_date) if notice.from_date else None,
                "to_date": format_time(notice.to_date) if notice.to_date else None,
                "organization": getattr(notice, "organization", None),
            }
            key = None if notice.url else f"{response.url}#{notice.key or f'{notice.title}|{notice.published_at}'}"
            yield self.summary_item(url, notice.title, notice.text, notice.published_at, key=key, **extra)
            if notice.url:
                yield from self.follow_page(
                    notice.url, item_url=notice.url, item_title=notice.title,
                    item_published=notice.published_at, item_extra=extra,
                )
