"""Article extraction off the reactor thread, in a small process pool, once a crawl is big.

``extract_article`` (trafilatura plus dates, links, documents, language) costs
~15 ms of CPU per page, far more than fetching it on a municipal server's
loopback-fast answers. Done in the reactor thread, it caps a crawl at one core
and stalls the downloader while it runs. Here the first
``PARITY_EXTRACT_INLINE`` pages of a crawl process (default 150: the nightly
incremental run, tests, the demo) are extracted inline; after that a pool of
``PARITY_EXTRACT_WORKERS`` spawned processes (default: one per core, at most 3;
the environment variable of the same name overrides the setting)
takes over, and the spider awaits the result. Results are the same either way
(same pure function); a worker that dies turns into an error row for that page,
and the pool is rebuilt.

Workers ignore SIGINT and die with the crawl process (crawler/spiders/worker_life.py).
Documents (PDF, .docx) have their own workers with a time and page budget each
(crawler/spiders/documents.py).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crawler.pages.page_input import PageInput
from crawler.pages.types import Article, PageError
from crawler.pages.web.article import extract_article
from crawler.spiders.worker_life import init_worker as _init_worker

log = logging.getLogger(__name__)

DEFAULT_INLINE = 150


def _extract(page: PageInput) -> tuple[str, Any, Any]:
    """Runs in a worker: never raises (exceptions with custom ``__init__`` do not survive pickling)."""
    try:
        return "ok", extract_article(page), None
    except PageError as exc:
        return "page_error", exc.where, exc.reason
    except Exception as exc:  # noqa: BLE001 - reported as the page's error row
        return "error", page.url, f"{type(exc).__name__}: {str(exc)[:200]}"


def default_workers() -> int:
    """One per core, at most 3: the reactor process itself mostly waits on sockets and SQLite."""
    return max(1, min(3, os.cpu_count() or 2))


class Extractor:
    """One per crawl process (shared by its spiders)."""

    def __init__(self, workers: int, inline: int) -> None:
        self.workers = workers
        self.inline = inline
        self.count = 0
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # never fork a process with a running reactor
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                             initargs=(os.getpid(),))
            atexit.register(self.shutdown)
            log.info("extraction: %d worker processes from page %d on", self.workers, self.count)
        return self._pool

    async def article(self, page: PageInput) -> Article:
        """``extract_article`` inline or in the pool (the input travels as its bytes); raises
        :class:`PageError` as it would."""
        self.count += 1
        if self.workers <= 0 or self.count <= self.inline:
            return extract_article(page)
        try:
            future = self._get_pool().submit(_extract, page)
            status, first, second = await asyncio.wrap_future(future)
        except (BrokenProcessPool, RuntimeError) as exc:
            self.shutdown()
            raise PageError(page.url, f"extraction worker failed ({type(exc).__name__})") from exc
        if status == "ok":
            return first  # type: ignore[no-any-return]
        raise PageError(first, second)

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


_EXTRACTOR: Extractor | None = None


def extractor(settings: Any) -> Extractor:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        raw = os.environ.get("PARITY_EXTRACT_WORKERS") or (
            settings.get("PARITY_EXTRACT_WORKERS", "auto") if settings is not None else "auto")
        workers = default_workers() if raw in (None, "auto") else int(raw)
        inline = int(settings.get("PARITY_EXTRACT_INLINE", DEFAULT_INLINE)) if settings is not None else DEFAULT_INLINE
        _EXTRACTOR = Extractor(workers, inline)
    return _EXTRACTOR


def shutdown() -> None:
    global _EXTRACTOR
    if _EXTRACTOR is not None:
        _EXTRACTOR.shutdown()
        _EXTRACTOR = None
