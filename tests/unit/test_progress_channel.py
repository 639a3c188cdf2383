"""The crawl's progress channel (crawler/progress.py) and its reader in the audit layer (parity/audit/child.py)."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from crawler import progress


class FakeStats:
    def __init__(self, pages: int) -> None:
        self.pages = pages

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.pages if key == "response_received_count" else default


class FakeCrawler:
    def __init__(self, pages: int, items: int, errors: int) -> None:
        from collections import Counter
        from types import SimpleNamespace

        self.stats = FakeStats(pages)
        self.spider = SimpleNamespace(tracker=SimpleNamespace(items=items, reasons=Counter({"timeout": errors})),
                                      spec=SimpleNamespace(key="o:web:feed:x"))


def test_totals_as_json_lines_and_a_full_pipe_never_blocks_the_crawl() -> None:
    read_end, write_end = os.pipe()
    reporter = progress.start(write_end, total=3, done=1)
    reporter.crawlers += [FakeCrawler(10, 4, 1), FakeCrawler(5, 2, 0)]
    extension = progress.ProgressReport.__new__(progress.ProgressReport)
    extension.reporter = reporter
    extension.closed(spider=reporter.crawlers[0].spider)
    first, second = os.read(read_end, 65536).decode().splitlines()
    assert json.loads(first) == {"sources_total": 3, "sources_done": 1, "pages": 0, "items": 0, "errors": 0}
    assert json.loads(second) == {"sources_total": 3, "sources_done": 2, "pages": 15, "items": 6, "errors": 1,
                                  "source": "o:web:feed:x"}
    for _ in range(20_000):  # nobody reads: the pipe fills up, lines are dropped, emit returns at once
        reporter.emit(force=True)
    os.close(read_end)
    reporter.emit(force=True)  # the reader is gone: no error either
    os.close(write_end)


def test_the_audit_layer_reads_the_pipe_until_the_child_closes_it() -> None:
    from parity.audit.child import _read_progress

    read_end, write_end = os.pipe()
    seen: list[dict[str, Any]] = []

    class Collect:
        captures_child_output = False

        def crawl(self, counts: dict[str, Any]) -> None:
            seen.append(counts)

    reader = threading.Thread(target=_read_progress, args=(read_end, Collect()))
    reader.start()
    os.write(write_end, b'{"sources_done": 1}\nnot json\n{"sources_done": 2}\n')
    os.close(write_end)
    reader.join(timeout=5)
    os.close(read_end)
    assert not reader.is_alive() and seen == [{"sources_done": 1}, {"sources_done": 2}]
