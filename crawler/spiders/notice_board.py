"""The legally required notice board (anslagstavla): every notice is a web item.

Notices keep their posting period (``from_date``/``to_date``): a meeting notice
taken down after three weeks was still published in writing while it hung.
Readers (crawler.pages.web.notice_board): Sitevision AppRegistry boards,
Netpublicator (the embedded board is followed), MeetingsPlus rows and Ciceron
JSON-RPC answers. A board that announces more notices than it rendered
(``announced_total``) has its pages followed; if they cannot be found the
source is ``partial``, so a missing notice is never concluded from a board read
in part.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.ledger import Planned, jsonable
from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.pages.web.notice_board import announced_total, embedded_board_url, parse_notice_board
from crawler.pages.web.pagination import next_pages
from crawler.spiders.article import ArticleParsing
from parity.core.timeutil import format_time
from parity.store.types import Outcome


class NoticeBoardParsing(ArticleParsing):
    """``parse_board``: shared by the notice-board spider and the site spider."""

    def parse_board(self, response: Response) -> Iterator[Any]:
        root = str(response.meta.get("board") or response.meta.get("ledger_url") or response.url)
        if response.status == 304:
            row = self.ledger.known.get(response.meta.get("ledger_url", ""))
            if row is not None and row.context.get("truncated"):
                self.coord.board_truncated(root)
        yield from self.container(response, lambda: self._board(response, root))

    def _board(self, response: Response, root: str) -> Iterator[Any]:
        page = PageInput.from_response(response)  # decoded and parsed once for the four readers below
        try:
            notices = parse_notice_board(page)
        except PageError as exc:
            embed = embedded_board_url(page)
            if embed and embed != response.url:
                self.ok(response)
                host = urlsplit(embed).hostname
                if host:
                    self.allow_host(host)
                yield from self.emit([self.follow(embed, "list", response.meta.get("ledger_url"), budget=False,
                                                  cb="board", board=root, src=response.meta.get("src"))])
                return
            self.parse_error(response, exc.reason)
            return
        self.ok(response)
        source = str(response.meta.get("src") or "notice_board")
        parent = response.meta.get("ledger_url") or response.url
        # The board's counts are the source's (crawler/spiders/coordination.py): its pages may be
        # read by different workers of a distributed crawl.
        expected = self.coord.board_total(root, announced_total(page))
        identities: list[str] = []
        requests = []
        records = []
        for notice in notices:
            identity = notice.key or notice.url or f"{notice.title}|{notice.published_at}"
            identities.append(str(identity))
            extra = {
                "from_date": format_time(notice.from_date) if notice.from_date else None,
                "to_date": format_time(notice.to_date) if notice.to_date else None,
                "organization": notice.organization,
            }
            if notice.url:
                yield self.summary_item(notice.url, notice.title, notice.text, notice.published_at,
                                        source=source, **extra)
                requests.append(self.follow(notice.url, "page", parent, item_url=notice.url,
                                            item_title=notice.title, item_published=notice.published_at,
                                            item_extra=extra, src=source))
            else:
                # A notice without a page of its own: the board's entry is the only record of it.
                key = f"{root}#{identity}"
                record = self.summary_item(root, notice.title, notice.text, notice.published_at, key=key,
                                           source=source, **extra)
                self.ledger.plan(Planned(key, "notice", parent, jsonable({"title": notice.title})))
                records.append(self.ledger.fetched(record, key, Outcome(http_status=response.status)))
        read = self.coord.board_seen(root, identities)
        if expected is not None and read < expected:
            for next_url in next_pages(page):
                requests.append(self.follow(next_url, "list", parent, budget=False, cb="board", board=root,
                                            src=response.meta.get("src")))
        self.flush_plan()
        yield from records
        yield from self.emit(requests)

    def finalize(self) -> None:
        super().finalize()
        totals, seen, truncated = self.coord.boards()
        for root, total in totals.items():
            read = seen.get(root, 0)
            if read < total:
                truncated.add(root)
                self.tracker.notes.setdefault("board_counts", {})[root] = {"read": read, "announced": total}  # type: ignore[index]
            self.ledger.annotate(root, {"truncated": read < total})
        for root in sorted(truncated):
            self.tracker.failure(root, "board_truncated (the board announces more notices than could be read)",
                                 primary=True)


class NoticeBoardSpider(NoticeBoardParsing):
    name = "notice_board"
    item_source = "notice_board"

    def entries(self) -> list[scrapy.Request]:
        return [self.entry(self.spec.target, "board")]
