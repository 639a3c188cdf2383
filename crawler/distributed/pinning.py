"""How each kind of source runs in a worker: web sources shared request by request, social walks pinned.

A web source's pages can be fetched by any worker (the shared scheduler and the source's
shared decisions, crawler/distributed/scheduler.py and crawler/spiders/coordination.py).
A social account cannot be split that way: its walk is one sequence (each page's answer
names the next page), and what the walk concludes at the end — the new cursor, which
stored posts were deleted — needs every page seen by one spider. So every worker opens the
source, but only the holder of the source's lease (parity.distributed.sourcestate) walks
it; the others wait in ``start()`` until the walk has finished (then they close with
nothing to do) or the holder died and its lease expired (then one of them walks it again,
from the start: upserts make the repeat harmless). Nothing is lost by pinning: a walk is
sequential anyway, and different accounts still run in parallel on different workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from parity.distributed.client import RunKeys
from parity.distributed.sourcestate import SourceState

#: A walk's lease: renewed every second by the worker's heartbeat; a dead holder's expires after this.
LEASE_SECONDS = 10.0
#: How often a waiting worker looks whether the walk finished or its holder died.
WAIT_POLL = 0.5


def shared_web_spider(cls: type, settings: dict[str, Any]) -> type:
    """``cls`` with the shared scheduler and coordination (per-crawler settings via ``custom_settings``)."""
    custom = dict(getattr(cls, "custom_settings", None) or {})
    custom.update(settings)
    return type(cls.__name__, (cls,), {"custom_settings": custom, "__module__": cls.__module__})


def pinned_spider(cls: type) -> type:
    """``cls`` whose ``start()`` first waits for the source's lease (see the module docstring)."""

    async def start(self: Any) -> AsyncIterator[Any]:
        if not await _wait_for_turn(self):
            return
        async for request in cls.start(self):
            yield request

    return type(cls.__name__, (cls,), {"start": start, "__module__": cls.__module__})


async def _wait_for_turn(spider: Any) -> bool:
    """True once this worker holds the walk; False when another worker completed it."""
    settings = spider.settings
    pins = getattr(spider.crawler, "parity_pins", None)
    worker = settings.get("PARITY_WORKER")
    from crawler.distributed.coordination import client_for

    state = SourceState(client_for(settings.get("REDIS_URL")), RunKeys(settings.get("PARITY_RUN_ID")).source(
        spider.spec.key))
    spider.parity_owner = False
    while True:
        if state.flag("walked") is not None:
            return False
        if state.lease(worker, LEASE_SECONDS):
            spider.parity_owner = True
            if pins is not None:
                pins.append(state)  # renewed by the worker's heartbeat while the walk runs
            return True
        await asyncio.sleep(WAIT_POLL)
