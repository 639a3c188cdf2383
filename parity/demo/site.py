"""Sjöbacka kommun's web site as a Sitevision-like server app.

Routes: ``/`` (start), ``/nyheter/`` and ``/driftinformation/`` lists with
``?page=N``, item pages under them, the notice board ``/anslagstavla`` (items only
in AppRegistry JSON) with its notices under ``/anslagstavla/``, a politics page
with PDFs under ``/download/18.…/<ms>/<file>``, the portlet RSS feed (newest items
only), ``/sitemap.xml`` and ``/robots.txt``. Pages are served with ETag and
Last-Modified so conditional GETs get 304s.

Extra routes for crawler tests (not linked from the pages): ``/sitemapindex.xml``
(an index of ``/sitemap1.xml.gz``, gzipped, and ``/sitemap-news.xml``, a Google
News sitemap) and ``/nyhetsarkiv`` (the news list rendered only as AppRegistry
JSON ``news[]``, ``?page=N``). ``board_page_size`` splits the notice board into
``?page=N`` pages (with or without pagination links), and ``remove_page`` /
``edit_page`` change the site between two crawls.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2

from parity.demo.httpmsg import Request, Response
from parity.demo.pdf import make_pdf
from parity.demo.site_feeds import (
    news_archive_state,
    news_sitemap_xml,
    notice_board_state,
    robots_txt,
    rss_xml,
    script_json,
    sitemap_index_xml,
    sitemap_xml,
)
from parity.demo.site_model import Document, Page, node_id
from parity.demo.timefmt import as_utc, http_date, iso_local, local_date, long_date

DATA_DIR = Path(__file__).with_name("data")
SITE_NAME = "Sjöbacka kommun"
_ASCII_FOLD = str.maketrans("åäöÅÄÖé", "aaoAAOe")
_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
FEED_QUERY = "state=rss&sv.contenttype=text/xml;charset=UTF-8"
LIST_KINDS = {"/nyheter/": "news", "/driftinformation/": "disruption"}
MENU = (
    ("/nyheter/", "Nyheter"),
    ("/driftinformation/", "Driftinformation"),
    ("/anslagstavla", "Anslagstavla"),
    ("/kommun-och-politik/kommunfullmaktige", "Kommunfullmäktige"),
    ("/kontakt", "Kontakta oss"),
)


@dataclass(frozen=True)
class _When:
    iso: str
    text: str


def _when(value: Any) -> _When:
    return _When(iso_local(value), long_date(local_date(value)))


def _short(key: str) -> str:
    """The hex part of a node id, for ``svid12_…`` element ids."""
    return node_id("12", key)[3:]


class SjobackaSite:
    """The site app; ``feed_size`` newest news are in RSS, ``page_size`` items per list page."""

    def __init__(
        self,
        pages: list[Page],
        *,
        feed_size: int = 15,
        page_size: int = 10,
        robots_block_feed: bool = False,
        site_name: str = SITE_NAME,
        board_page_size: int | None = None,
        board_pagination_links: bool = True,
    ) -> None:
        self.pages = list(pages)
        self._index()
        self.board_page_size = board_page_size
        self.board_pagination_links = board_pagination_links
        self.feed_size = feed_size
        self.page_size = page_size
        self.robots_block_feed = robots_block_feed
        self.site_name = site_name
        self.site_node = node_id("2", "site")
        self.archive_node = node_id("4", "page:nyheter")
        self.feed_portlet = node_id("12", "portlet:rss")
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(DATA_DIR)),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            keep_trailing_newline=True,
        )
        self._pdf_cache: dict[str, bytes] = {}

    def _index(self) -> None:
        self.by_path = {p.path: p for p in self.pages}
        self.documents: dict[str, Document] = {}
        for page in self.pages:
            for doc in page.documents:
                self.documents[doc.node] = doc

    # --- changing the site between crawls ------------------------------------------------

    def remove_page(self, path: str) -> Page:
        """Take a page down: it answers 404 and leaves every list, feed and sitemap."""
        page = self.by_path[path]
        self.pages = [p for p in self.pages if p.path != path]
        self._index()
        return page

    def edit_page(self, path: str, when: dt.datetime | None = None, **changes: Any) -> Page:
        """Edit a page in place (its ``modified`` time moves, so lastmod, ETag and Last-Modified change)."""
        page = self.by_path[path]
        modified = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        edited = dataclasses.replace(page, modified=modified, **changes)
        self.pages = [edited if p.path == path else p for p in self.pages]
        self._index()
        return edited

    # --- public helpers ------------------------------------------------------------------

    @property
    def feed_path(self) -> str:
        return f"/{self.archive_node}/{self.feed_portlet}.portlet"

    def feed_url(self, base_url: str) -> str:
        return f"{base_url}{self.feed_path}?{FEED_QUERY}"

    def items(self, kind: str | None = None) -> list[Page]:
        """Item pages (news, disruption, notice), newest first."""
        chosen = [p for p in self.pages if p.kind != "static" and (kind is None or p.kind == kind)]
        return sorted(chosen, key=lambda p: (as_utc(p.published), p.path), reverse=True)

    def feed_items(self) -> list[Page]:
        return self.items("news")[: self.feed_size]

    def pdf_bytes(self, doc: Document) -> bytes:
        if doc.node not in self._pdf_cache:
            self._pdf_cache[doc.node] = make_pdf(doc.title, doc.lines, created=doc.published, author=self.site_name)
        return self._pdf_cache[doc.node]

    # --- routing -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response.make(405, "Method Not Allowed\n", "text/plain;charset=UTF-8", {"Allow": "GET, HEAD"})
        base = request.base_url
        path = unquote(request.path)
        if path == "/robots.txt":
            return Response.make(200, robots_txt(base, block_feed=self.robots_block_feed), "text/plain;charset=UTF-8")
        if path == "/sitemap.xml":
            body = sitemap_xml(base, self.pages)
            newest = max(p.last_modified for p in self.pages)
            return self._cached(Response.make(200, body, "text/xml;charset=UTF-8"), newest)
        if path == "/sitemapindex.xml":
            newest = max(p.last_modified for p in self.pages)
            news = [p.last_modified for p in self.items("news")] or [newest]
            body = sitemap_index_xml(base, [("/sitemap1.xml.gz", newest), ("/sitemap-news.xml", max(news))])
            return self._cached(Response.make(200, body, "text/xml;charset=UTF-8"), newest)
        if path == "/sitemap1.xml.gz":
            data = gzip.compress(sitemap_xml(base, self.pages).encode("utf-8"), mtime=0)
            newest = max(p.last_modified for p in self.pages)
            return self._cached(Response.make(200, data, "application/x-gzip"), newest)
        if path == "/sitemap-news.xml":
            news = self.items("news")
            body = news_sitemap_xml(base, news, self.site_name)
            return self._cached(Response.make(200, body, "text/xml;charset=UTF-8"),
                                max([p.last_modified for p in news] or [_EPOCH]))
        if path == "/nyhetsarkiv":
            return self._news_archive(request)
        if request.path == self.feed_path:
            return self._feed(request)
        if request.path.startswith("/download/"):
            return self._download(request)
        for prefix in ("/nyheter", "/driftinformation"):
            if path == prefix:
                return self._redirect(prefix + "/")
        if path == "/anslagstavla/":
            return self._redirect("/anslagstavla")
        if path in LIST_KINDS:
            return self._list(request, path)
        page = self.by_path.get(path) or (self.by_path.get(path.rstrip("/")) if len(path) > 1 else None)
        if page is not None and page.path != path and path.endswith("/"):
            return self._redirect(page.path)
        if page is None:
            return self.error_response(request, 404)
        if page.key == "start":
            return self._html(page, self._render("sv_start.html.j2", page, base,
                                                 items=[self._list_item(p) for p in self.items("news")[:5]],
                                                 template_class="sv-template-startsida"))
        if page.key == "anslagstavla":
            if self.board_page_size:
                return self._paged_board(request, page)
            return self._html(page, self._notice_board(page, base))
        return self._html(page, self._render("sv_article.html.j2", page, base))

    def error_response(self, request: Request, status: int) -> Response:
        """Sitevision answers with an HTML page; 503 is what its front proxy sends during maintenance."""
        if status == 404:
            stub = Page("404", "static", request.path, "Sidan kunde inte hittas", "", (), _EPOCH)
            return Response.html(self._render("sv_404.html.j2", stub, request.base_url), status=404)
        text = {503: "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."}.get(status, "Ett fel har inträffat.")
        body = f"<!DOCTYPE html>\n<html lang=\"sv\"><head><title>{status}</title></head><body><h1>{text}</h1></body></html>\n"
        headers = {"Retry-After": "120"} if status == 503 else None
        return Response.html(body, status=status, headers=headers)

    # --- pieces --------------------------------------------------------------------------

    @staticmethod
    def _redirect(location: str) -> Response:
        return Response.make(301, "", "text/html;charset=UTF-8", {"Location": location})

    def _cached(self, response: Response, modified: Any) -> Response:
        response.headers["Last-Modified"] = http_date(modified)
        response.headers["ETag"] = f'W/"{hashlib.sha1(response.body).hexdigest()[:20]}"'
        response.headers["Cache-Control"] = "no-cache"
        return response

    def _html(self, page: Page, body: str) -> Response:
        response = Response.html(body, headers={"Set-Cookie": "SiteVisionLTM=!demo; path=/; HttpOnly",
                                                "Content-Language": "sv"})
        return self._cached(response, page.last_modified)

    def _feed(self, request: Request) -> Response:
        if request.arg("state") != "rss":
            return self.error_response(request, 404)
        items = self.feed_items()
        body = rss_xml(request.base_url, self.feed_url(request.base_url), f"Nyheter från {self.site_name}", items)
        response = Response.make(200, body, "text/xml;charset=UTF-8")
        return self._cached(response, max(p.last_modified for p in items))

    def _download(self, request: Request) -> Response:
        match = re.fullmatch(r"/download/(18\.[0-9a-f]+)/(\d+)/([^/]+)", request.path)
        doc = self.documents.get(match.group(1)) if match else None
        if doc is None or match is None:
            return self.error_response(request, 404)
        if match.group(2) != doc.version or unquote(match.group(3)) != doc.filename:
            return self._redirect(doc.path)
        response = Response.make(200, self.pdf_bytes(doc), "application/pdf",
                                 {"Content-Disposition": f"inline; filename*=UTF-8''{doc.path.rsplit('/', 1)[1]}"})
        return self._cached(response, doc.published)

    def _list_item(self, page: Page) -> dict[str, str]:
        when = _when(page.published)
        return {"path": page.path, "title": page.title, "preamble": page.preamble, "iso": when.iso, "text": when.text}

    def _list(self, request: Request, path: str) -> Response:
        page = self.by_path[path]
        items = self.items(LIST_KINDS[path])
        pages = max(1, -(-len(items) // self.page_size))
        raw = request.arg("page") or "1"
        number = int(raw) if raw.isdigit() and int(raw) >= 1 else 1
        if number > pages:
            return self.error_response(request, 404)

        def href(n: int) -> str:
            return path if n == 1 else f"{path}?page={n}"

        chunk = items[(number - 1) * self.page_size : number * self.page_size]
        html = self._render(
            "sv_list.html.j2", page, request.base_url,
            items=[self._list_item(p) for p in chunk],
            pages=[(n, href(n)) for n in range(1, pages + 1)],
            current=number,
            prev_href=href(number - 1) if number > 1 else None,
            next_href=href(number + 1) if number < pages else None,
            template_class="sv-template-arkivsida",
        )
        newest = max([p.last_modified for p in chunk] + [page.last_modified])
        return self._cached(Response.html(html), newest)

    def _notice_board(self, page: Page, base: str) -> str:
        notices = self.items("notice")
        board = _short("portlet:anslagstavla")
        return self._render(
            "sv_noticeboard.html.j2", page, base,
            board_id=board,
            board_bootstrap=str(uuid.uuid5(uuid.NAMESPACE_URL, "sjobacka/anslagstavla")),
            board_state=script_json(notice_board_state(notices)),
        )

    def _page_number(self, request: Request, pages: int) -> int | None:
        raw = request.arg("page") or "1"
        number = int(raw) if raw.isdigit() and int(raw) >= 1 else 1
        return number if number <= pages else None

    def _paging(self, path: str, number: int, pages: int) -> dict[str, Any]:
        def href(n: int) -> str:
            return path if n == 1 else f"{path}?page={n}"

        return {"pages": [(n, href(n)) for n in range(1, pages + 1)], "current": number,
                "prev_href": href(number - 1) if number > 1 else None,
                "next_href": href(number + 1) if number < pages else None}

    def _paged_board(self, request: Request, page: Page) -> Response:
        """The board split in pages of ``board_page_size``; the state announces the total."""
        notices = self.items("notice")
        size = self.board_page_size or 20
        pages = max(1, -(-len(notices) // size))
        number = self._page_number(request, pages)
        if number is None:
            return self.error_response(request, 404)
        chunk = notices[(number - 1) * size : number * size]
        state = notice_board_state(chunk)
        state.update({"totalHits": len(notices), "hitsPerPage": size, "currentPage": number, "totalPages": pages})
        html = self._render(
            "sv_noticeboard.html.j2", page, request.base_url,
            board_id=_short("portlet:anslagstavla"),
            board_bootstrap=str(uuid.uuid5(uuid.NAMESPACE_URL, "sjobacka/anslagstavla")),
            board_state=script_json(state), board_links=self.board_pagination_links,
            **self._paging(page.path, number, pages),
        )
        newest = max([p.last_modified for p in chunk] + [page.last_modified])
        return self._cached(Response.html(html, headers={"Content-Language": "sv"}), newest)

    def _news_archive(self, request: Request) -> Response:
        """The news list rendered in the browser only: its items exist only as AppRegistry ``news[]``."""
        items = self.items("news")
        pages = max(1, -(-len(items) // self.page_size))
        number = self._page_number(request, pages)
        if number is None:
            return self.error_response(request, 404)
        chunk = items[(number - 1) * self.page_size : number * self.page_size]
        stub = Page("nyhetsarkiv", "static", "/nyhetsarkiv", "Nyhetsarkiv", "Alla nyheter från Sjöbacka kommun.",
                    (), _EPOCH)
        html = self._render(
            "sv_applist.html.j2", stub, request.base_url, app_id=_short("portlet:nyhetsarkiv"),
            app_state=script_json(news_archive_state(chunk, len(items), number, self.page_size)),
            template_class="sv-template-arkivsida", **self._paging("/nyhetsarkiv", number, pages),
        )
        newest = max([p.last_modified for p in chunk] + [_EPOCH])
        return self._cached(Response.html(html), newest)

    def _render(self, template: str, page: Page, base: str, **extra: Any) -> str:
        ids = {name: _short(f"{page.key}:{name}") for name in (
            "header", "skip", "alert", "alert_critical", "alert_other", "sms", "logo", "menu", "main", "anchor",
            "grid", "row", "column", "footer", "heading", "preamble", "notice", "facts", "body", "files", "dates",
            "archive")}
        for shared in ("header", "skip", "alert", "alert_critical", "alert_other", "sms", "logo", "menu", "footer"):
            ids[shared] = _short(f"template:{shared}")
        published = _when(page.published)
        updated = _when(page.modified) if page.modified and page.modified > page.published else None
        documents = [
            {"path": d.path, "filename": d.filename, "size": f"{len(self.pdf_bytes(d)) / 1000:.1f} kB".replace(".", ",")}
            for d in page.documents
        ]
        context: dict[str, Any] = {
            "page": page,
            "site_name": self.site_name,
            "base_url": base,
            "canonical": base + page.path,
            "rss_url": self.feed_url(base),
            "site_node": self.site_node,
            "resource_hash": hashlib.sha256(b"sitevision-2026.09").hexdigest(),
            "nonce": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sjobacka/{page.key}")),
            "modified_date": page.last_modified.date().isoformat(),
            "template_class": "sv-template-sida",
            "menu": MENU,
            "ids": ids,
            "heading_id": re.sub(r"[^A-Za-z0-9]", "", page.title.translate(_ASCII_FOLD)),
            "published": published,
            "updated": updated,
            "documents": documents,
            "notice_from": _When(page.notice_from.isoformat(), long_date(page.notice_from)) if page.notice_from else None,
            "notice_to": _When(page.notice_to.isoformat(), long_date(page.notice_to)) if page.notice_to else None,
        }
        context.update(extra)
        return self._env.get_template(template).render(**context)
