"""Documents (PDF, .docx) are read in worker processes, each within a time and page budget.

A PDF of 1,000 pages sharing one costly content stream took ~4.5 s a page; read on the
reactor thread it stalled every spider of the crawl (an unrelated source's requests timed
out and it was reported ``partial``). Here every document goes to a small set of worker
processes (``PARITY_DOCUMENT_WORKERS``, default 2; ``PARITY_EXTRACT_WORKERS=0`` reads them
inline, budget checked between pages only) and the spider awaits the result:

* the budget (``[crawl] max_document_pages``, ``max_document_seconds``) is checked by the
  worker between pages (crawler/pages/web/document.py); a page that never ends is stopped
  from here: a worker silent for ``max_document_seconds`` + :data:`GRACE_SECONDS` is
  killed and replaced. Either way the document is an error row ``document_too_costly``;
* a document body seen before in this crawl process (several spiders found its link,
  crawler/middlewares/documents.py fetched it once) is read once: the others await the
  same result, so a costly document costs its budget once.

The worker protocol is one ``multiprocessing`` pipe per worker: ``(page, budget)`` in,
``(status, a, b)`` out; the parent waits on the pipe's descriptor in the event loop, so the
reactor never blocks. Workers are spawned (never forked from a process running a reactor),
ignore SIGINT and die with the crawl process (crawler/spiders/worker_life.py).
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import multiprocessing
import os
from collections import OrderedDict
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from crawler.pages.page_input import PageInput
from crawler.pages.types import DocumentFile, PageError
from crawler.pages.web.document import (
    DocumentBudget,
    DocumentTooCostly,
    extract_document,
)
from crawler.spiders.worker_life import init_worker

log = logging.getLogger(__name__)

#: How long past its budget a worker may stay silent before it is killed (one page in progress).
GRACE_SECONDS = 5.0
#: How long a new worker may take to start (imports) before the document fails.
START_SECONDS = 60.0
#: Results kept for documents seen again (by body hash), and their text size in all.
MEMO_ENTRIES = 64
MEMO_CHARS = 20_000_000


def _read(page: PageInput, budget: DocumentBudget) -> tuple[str, Any, Any]:
    """One document, never raising (exceptions with custom ``__init__`` do not survive pickling)."""
    try:
        return "ok", extract_document(page, budget), None
    except DocumentTooCostly as exc:
        return "too_costly", exc.where, exc.reason
    except PageError as exc:
        return "page_error", exc.where, exc.reason
    except Exception as exc:  # noqa: BLE001 - reported as the document's error row
        return "error", page.url, f"{type(exc).__name__}: {str(exc)[:200]}"


def _serve(conn: Connection, parent: int) -> None:
    """A worker's life: say ready, then read documents until the pipe closes."""
    init_worker(parent)
    conn.send("ready")
    while True:
        try:
            page, budget = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_read(page, budget))


class _Worker:
    """One spawned process and its pipe."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_serve, args=(child, os.getpid()), name="parity-document", daemon=True)
        self.proc.start()
        child.close()

    async def _wait(self, timeout: float) -> bool:
        """Whether the worker answered (or died) within ``timeout`` seconds, without blocking the loop."""
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
        try:
            await asyncio.wait_for(ready, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)

    async def start(self) -> None:
        if not await self._wait(START_SECONDS) or self.conn.recv() != "ready":
            raise OSError("document worker did not start")

    async def read(self, page: PageInput, budget: DocumentBudget) -> tuple[str, Any, Any] | None:
        """The worker's answer, or None when it stayed silent past the budget and its grace."""
        self.conn.send((page, budget))
        if not await self._wait(budget.max_seconds + GRACE_SECONDS):
            return None
        return self.conn.recv()  # type: ignore[no-any-return]

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class DocumentReader:
    """One per crawl process (shared by its spiders): workers, and results by body hash."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.idle: list[_Worker] = []
        self._slots: asyncio.Semaphore | None = None
        self._memo: OrderedDict[str, asyncio.Future[tuple[str, Any, Any]]] = OrderedDict()
        self._memo_chars = 0
        atexit.register(self.shutdown)

    async def read(self, page: PageInput, budget: DocumentBudget) -> DocumentFile:
        """The document within ``budget``; raises :class:`PageError` (:class:`DocumentTooCostly` past the budget)."""
        key = hashlib.sha256(page.body).hexdigest()
        known = self._memo.get(key)
        if known is not None:
            self._memo.move_to_end(key)
            return self._as(page.url, await asyncio.shield(known))
        future: asyncio.Future[tuple[str, Any, Any]] = asyncio.get_running_loop().create_future()
        self._memo[key] = future
        try:
            result = await self._read(page, budget)
        except BaseException as exc:
            self._memo.pop(key, None)
            future.set_exception(PageError(page.url, f"document worker failed ({type(exc).__name__})"))
            future.exception()  # retrieved: nobody may be waiting
            raise
        future.set_result(result)
        self._remember(result)
        return self._as(page.url, result)

    async def _read(self, page: PageInput, budget: DocumentBudget) -> tuple[str, Any, Any]:
        if self.workers <= 0:
            return _read(page, budget)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:
            worker = self.idle.pop() if self.idle else None
            if worker is None:
                worker = _Worker()
                try:
                    await worker.start()
                except BaseException:
                    worker.kill()
                    raise
            try:
                result = await worker.read(page, budget)
            except BaseException:
                worker.kill()
                raise
            if result is None:
                worker.kill()
                log.warning("%s: no result within %g s; its worker was stopped", page.url,
                            budget.max_seconds + GRACE_SECONDS)
                return ("too_costly", page.url, DocumentTooCostly.because(
                    page.url, f"still reading after {budget.max_seconds + GRACE_SECONDS:g} s").reason)
            self.idle.append(worker)
            return result

    def _remember(self, result: tuple[str, Any, Any]) -> None:
        """Keep recent results (bounded by count and text size) for documents met again."""
        if result[0] == "ok":
            self._memo_chars += len(result[1].text)
        while len(self._memo) > MEMO_ENTRIES or self._memo_chars > MEMO_CHARS:
            _, old = self._memo.popitem(last=False)
            if old.done() and not old.exception() and old.result()[0] == "ok":
                self._memo_chars -= len(old.result()[1].text)

    @staticmethod
    def _as(url: str, result: tuple[str, Any, Any]) -> DocumentFile:
        """The result for the URL this spider asked for (another spider may have found it under another)."""
        status, first, second = result
        if status == "ok":
            document: DocumentFile = first
            return document if document.url == url else _with_url(document, url)
        if status == "too_costly":
            raise DocumentTooCostly(url, second)
        raise PageError(url, second)

    def shutdown(self) -> None:
        workers, self.idle = self.idle, []
        for worker in workers:
            worker.kill()


def _with_url(document: DocumentFile, url: str) -> DocumentFile:
    return replace(document, url=url)


_READER: DocumentReader | None = None


def document_reader(settings: Any) -> DocumentReader:
    """The crawl process's reader (``PARITY_EXTRACT_WORKERS=0`` in the environment or settings: inline)."""
    global _READER
    if _READER is None:
        inline = os.environ.get("PARITY_EXTRACT_WORKERS") or (settings.get("PARITY_EXTRACT_WORKERS", "auto")
                                                                if settings is not None else "auto")
        workers = 0 if str(inline) == "0" else int(settings.get("PARITY_DOCUMENT_WORKERS", 2) if settings else 2)
        _READER = DocumentReader(workers)
    return _READER


def budget_of(settings: Any) -> DocumentBudget:
    return DocumentBudget(max_pages=settings.getint("PARITY_DOCUMENT_MAX_PAGES", 1000),
                          max_seconds=settings.getfloat("PARITY_DOCUMENT_MAX_SECONDS", 30.0))
