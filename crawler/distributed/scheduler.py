"""scrapy-redis's scheduler on the acknowledged work queue: one web source's requests shared by the workers.

scrapy-redis (0.9) gives the skeleton: the Redis connection from the settings, request
(de)serialisation through ``SCHEDULER_SERIALIZER`` (ours is JSON,
crawler/distributed/serializer.py) and its request fingerprint. Its own queue is not
used: a pop there is destructive, so a SIGKILLed worker loses what it held, and its
"seen" check and push are two calls (docs/distributed.md, "scrapy-redis on Scrapy ≥ 2.16").
Requests go through :class:`parity.distributed.workqueue.WorkQueue` instead:

* enqueue-if-unseen is one script (the duplicate filter is the queue's);
* a pop moves the request into this worker's in-flight hash; it is acknowledged once
  Scrapy is completely done with it — callback or errback run, every item it yielded
  through the pipeline, i.e. stored (:func:`acknowledge_when_scraped`) — together with
  this worker's tracker of the source (so counts and "done" never disagree);
* a retry or redirect stands in for its original: queued first, then the original acked;
* a dead worker's in-flight requests go back to the queue (the heartbeat in
  crawler/distributed/worker.py notices; any live worker re-queues them);
* "nothing pending" means the queue is empty *and* nothing is in flight in any worker,
  so a worker keeps the source open while another may still add work.

Keys are per source (``parity:<run>:src:<hash of the source key>``): spider names repeat
(two feeds of one organisation), source keys do not.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.http import Request
from scrapy_redis.scheduler import Scheduler

from crawler.tracking import tracker_to_dict
from parity.distributed.client import RunKeys
from parity.distributed.workqueue import WorkQueue

QID = "_parity_qid"
#: Callbacks a queued request may name: a JSON request can make a worker call a spider method by
#: name, so only the parse and error methods are accepted (never ``_closed``, ``finalize`` …).
_CALLBACK = re.compile(r"^(parse_[a-z_]+|on_error|[a-z_]+_failed)$")
#: Longest pause between polls of an idle shared queue (each poll is two Redis calls).
_MAX_POLL = 2.0
#: "Anything pending anywhere?" is asked by Scrapy's engine several times per loop; one answer
#: (a Lua script) serves for this long.
_PENDING_TTL = 0.05


class SharedScheduler(Scheduler):
    """One source's queue in Redis; see the module docstring."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SharedScheduler":
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.idle_polls = 0
        crawler.signals.connect(instance._spider_opened, signal=signals.spider_opened)
        return instance

    def open(self, spider: Any) -> None:
        super().open(spider)  # scrapy-redis: the queue object (for its codec) and the fingerprinter
        settings = self.crawler.settings
        keys = RunKeys(settings.get("PARITY_RUN_ID"))
        self.worker = settings.get("PARITY_WORKER")
        self.trackers_key = f"{keys.source(spider.spec.key)}:trackers"
        self.work = WorkQueue(self.server, f"{keys.source(spider.spec.key)}:queue", self.worker,
                              alive_prefix=keys.alive(""))
        self.known: set[str] = set()
        self._pending: tuple[float, bool] = (0.0, True)
        self.work.join()
        registry = getattr(self.crawler, "parity_queues", None)
        if registry is not None:  # the worker's heartbeat reaps dead workers' requests of every source
            registry.append(self)

    def _spider_opened(self, spider: Any) -> None:
        acknowledge_when_scraped(self.crawler, self)

    def close(self, reason: str) -> None:
        self.work.leave()  # anything still held goes back for the others (a graceful stop)

    # -- queue -------------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        replaced = request.meta.pop(QID, None)  # a retry or redirect stands in for its original
        fingerprint = self.df.request_fingerprint(request)
        if request.dont_filter:
            fingerprint = f"{fingerprint}:{uuid.uuid4().hex}"
        queued = self.work.enqueue(fingerprint, self.queue._encode_request(request), request.priority)
        if queued:
            self._pending = (time.monotonic(), True)
        if replaced is not None:
            self._ack(replaced)  # after the push: a crash in between repeats work, never loses it
        if not queued:
            self.df.log(request, self.spider)
        elif self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        popped = self.work.pop()
        if popped is None:
            if self.has_pending_requests():
                self._poll_later()
            return None
        self.idle_polls = 0
        ident, member = popped
        data = self.queue.serializer.loads(member)
        for name in ("callback", "errback"):
            if data.get(name) is not None and not _CALLBACK.match(str(data[name])):
                self._ack(ident)
                raise ValueError(f"refusing a queued request naming {name} {data[name]!r}")
        from scrapy.utils.request import request_from_dict

        request = request_from_dict(data, spider=self.spider)
        request.meta[QID] = ident
        self.known.add(ident)
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        checked, pending = self._pending
        now = time.monotonic()
        if now - checked > _PENDING_TTL:
            pending = not self.work.done()
            self._pending = (now, pending)
        return pending

    def __len__(self) -> int:
        return len(self.work)

    # -- acknowledgement -------------------------------------------------------------------------
    def finished(self, request: Request) -> None:
        """Scrapy is done with ``request`` (its outcome and items are stored): acknowledge it."""
        ident = request.meta.pop(QID, None)
        if ident is not None:
            self._ack(ident)

    def _ack(self, ident: str) -> None:
        tracker = getattr(self.spider, "tracker", None)
        publish = None
        if tracker is not None:
            publish = (self.trackers_key, self.worker, json.dumps(tracker_to_dict(tracker), sort_keys=True,
                                                                  default=str))
        self.work.ack(ident, publish)
        self.known.discard(ident)

    def reap(self) -> int:
        """Re-queue dead workers' requests (and lost pops of this one); called by the worker's heartbeat."""
        moved = self.work.reap(set(self.known))
        if moved:
            self._poll_later(0.0)
        return moved

    def _poll_later(self, delay: float | None = None) -> None:
        """WORKAROUND (private API, Scrapy < 3): an idle engine asks the scheduler again only every 5 s;
        wake it sooner, backing off while the other workers are busy."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is None:
            return
        if delay is None:
            self.idle_polls += 1
            delay = min(_MAX_POLL, 0.05 * 2 ** min(self.idle_polls, 5))
        slot.nextcall.schedule(delay)


def acknowledge_when_scraped(crawler: Any, scheduler: SharedScheduler) -> None:
    """Call ``scheduler.finished(request)`` when Scrapy's scraper is done with a response or failure.

    WORKAROUND (private API, Scrapy < 3): Scrapy has no signal for "this request's callback
    and all its items are through"; the scraper's slot method ``finish_response`` is that
    moment (after the item pipelines), for responses and failures alike.
    """
    slot = crawler.engine.scraper.slot
    original = slot.finish_response

    def finish_response(result: Any, request: Request) -> None:
        original(result, request)
        scheduler.finished(request)

    slot.finish_response = finish_response


class NoParentIdMiddleware:
    """Spider middleware: a request yielded by a callback never carries its parent's queue id.

    A spider that builds a child's ``meta`` from ``response.meta`` would otherwise make the
    child's enqueue acknowledge the parent before the parent's items are stored.
    """

    @staticmethod
    def _strip(response: Any, output: Any) -> Any:
        if isinstance(output, Request) and QID in output.meta and output.meta is not response.meta:
            output.meta.pop(QID, None)
        return output

    def process_spider_output(self, response: Any, result: Any, spider: Any = None) -> Any:
        for output in result:
            yield self._strip(response, output)

    async def process_spider_output_async(self, response: Any, result: Any, spider: Any = None) -> Any:
        async for output in result:
            yield self._strip(response, output)
