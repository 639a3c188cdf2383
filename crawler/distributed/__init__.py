"""The distributed crawl's Scrapy side (issue 14; design and failure modes: docs/distributed.md).

``coordinator`` (``python -m crawler.run --redis URL --workers N``: publishes the run, starts
local workers, waits, writes the source statuses), ``worker`` (one process's part of a run:
``python -m crawler.worker``), ``scheduler`` (scrapy-redis's scheduler on the acknowledged work
queue), ``gate`` (per-host politeness shared through Redis), ``coordination`` (a source's shared
decisions), ``serializer`` (requests as JSON, never pickle), ``pinning`` (social walks in one
worker). The Redis structures themselves are parity/distributed/.
"""
