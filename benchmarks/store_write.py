"""The store's write throughput, SQLite vs PostgreSQL, one writer and several at once.

    .venv/bin/python benchmarks/store_write.py [--pages 3000] [--writers 1,3]

What a crawl writes per page, through the store interface, in each writer process: the
page planned (``todo``, in batches of 20 as a sitemap plans them), marked ``doing``
(batched), then the item and its ledger row in one transaction (``save_fetched``), and a
second sighting of a fifth of the items (a feed summary merged into the page's record).
``--writers N`` runs N processes on disjoint pages of one store at once, as N crawl workers
would. PostgreSQL is the tests' server (tests/support/servers.py: fsync off, synchronous
commit on; Debian's PostgreSQL 15), SQLite a WAL file on the local disk.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parity.core.records import WebItem
from parity.store import open_store
from parity.store.types import Outcome, Planned

TEXT = ("Kommunen informerar om vattenavstängning på Storgatan måndag 9 mars kl. 8–16. " * 40).strip()


def write(target: str, worker: int, pages: int, start: multiprocessing.synchronize.Event) -> None:
    key = f"org-{worker}:web:sitemap:http://x{worker}/sitemap.xml"
    with open_store(target) as store:
        start.wait()
        for first in range(0, pages, 20):
            urls = [f"http://x{worker}/nyheter/{n}" for n in range(first, min(pages, first + 20))]
            store.plan(key, "r1", [Planned(url, "page", f"http://x{worker}/sitemap.xml") for url in urls])
            for n, url in enumerate(urls, first):
                store.mark_doing(key, url, "r1")
                item = WebItem(id=f"web:org-{worker}:{n}", org=f"org-{worker}", source="sitemap", url=url,
                               title=f"Nyhet {n}", text=f"{n} {TEXT}", text_origin="page")
                store.save_fetched(item, key, url, "r1", Outcome(200, etag=f'"{n}"', body_sha256=str(n)))
                if n % 5 == 0:  # the feed's summary of the same page arrives too
                    store.upsert_web_item(item.model_copy(update={"source": "feed", "text": "Kort.",
                                                                  "text_origin": "summary"}), source_key=key)
        store.flush_marks()


def measure(target: str, writers: int, pages: int) -> float:
    """Pages stored per second (all writers together)."""
    open_store(target).close()  # create the tables first: not part of the measure
    start = multiprocessing.Event()
    procs = [multiprocessing.Process(target=write, args=(target, w, pages // writers, start)) for w in range(writers)]
    for proc in procs:
        proc.start()
    time.sleep(1.0)  # every writer connected
    began = time.monotonic()
    start.set()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a writer failed ({proc.exitcode})")
    seconds = time.monotonic() - began
    with open_store(target) as store:
        stored = len(store.web_items())
    assert stored == pages // writers * writers, stored
    return stored / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--writers", default="1,3")
    args = parser.parse_args()
    from tests.support.servers import postgres_server

    rows = []
    with postgres_server() as pg, tempfile.TemporaryDirectory(prefix="store-write-") as tmp:
        for writers in (int(w) for w in args.writers.split(",")):
            for back_end in ("sqlite", "postgresql"):
                target = str(Path(tmp) / f"w{writers}.sqlite") if back_end == "sqlite" else pg.create_database()
                rate = measure(target, writers, args.pages)
                rows.append({"back_end": back_end, "writers": writers, "pages": args.pages,
                             "pages_per_s": round(rate)})
                print(json.dumps(rows[-1]), flush=True)
    # Ratios against the baseline measured in this same run (SQLite, one writer): the machine's load cancels out.
    base = next((r["pages_per_s"] for r in rows if r["back_end"] == "sqlite" and r["writers"] == 1), None)
    for row in rows:
        row["vs_sqlite_1_writer"] = round(row["pages_per_s"] / base, 2) if base else None
    print(json.dumps({"cpus": os.cpu_count(), "load_average_end": [round(x, 1) for x in os.getloadavg()],
                      "rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
