"""One worker's part of a distributed crawl run: ``python -m crawler.worker --redis URL [--run ID] [--store S]``.

Reads the run the coordinator published (parity.distributed.client.RunKeys.descriptor:
the config, the audit clock, the sources to crawl), opens every source as its own Scrapy
crawler as the single-process crawl does — web sources on the shared scheduler, social
walks pinned to one worker (crawler/distributed/pinning.py) — and works until no source
has anything left. A heartbeat (every second) keeps the worker's ``alive`` key, renews
its walks' leases, re-queues the requests of workers whose key expired (SIGKILLed,
powered off) and stops gracefully when the coordinator asks or has gone.

Exit status: 0 its part is done, 2 bad arguments or no such run, 130 stopped
(what it stored is kept; the run resumes from the store), 1 anything unexpected.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from crawler.distributed.pinning import pinned_spider, shared_web_spider
from crawler.tracking import tracker_to_dict
from parity.config import LoadedConfig, load_config
from parity.core.exitcodes import ExitCode
from parity.core.timeutil import parse_time
from parity.distributed.client import CURRENT_RUN, RunKeys, sync_client
from parity.distributed.sourcestate import SourceState

log = logging.getLogger("crawler.worker")

HEARTBEAT_SECONDS = 1.0
#: A worker is taken for dead (its requests re-queued) once its key is this old. The key is kept by
#: a thread, so a busy reactor (a slow page, a loaded machine) does not make a live worker look dead.
ALIVE_MS = 10_000
#: A worker whose coordinator has been silent this long stops (the run was abandoned).
COORDINATOR_GONE_SECONDS = 30.0


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def find_run(client: Any, run_id: str | None, wait: float, name: str | None = None
             ) -> tuple[str, dict[str, Any]] | None:
    """The run to join: ``run_id``, else the current one (waiting up to ``wait`` seconds for one).

    A current run this worker (``name``) already finished is not joined again: its next run is.
    """
    deadline = time.monotonic() + wait
    while True:
        current = run_id or _text(client.get(CURRENT_RUN))
        if current:
            keys = RunKeys(current)
            raw = client.get(keys.descriptor)
            if raw is not None and (run_id or not name or not client.hexists(keys.finished, name)):
                return current, json.loads(raw)
            if run_id:
                return None
        if time.monotonic() >= deadline:
            return None
        time.sleep(1.0)


def load_run_config(descriptor: dict[str, Any], folder: Path) -> LoadedConfig:
    """The coordinator's config, as it validated it (written to a scratch folder: only read once)."""
    path = folder / descriptor["config_name"]
    path.write_text(descriptor["config_text"], encoding="utf-8")
    return load_config(path)


def worker_settings(loaded: LoadedConfig, descriptor: dict[str, Any], store: str, name: str,
                    redis_url: str, warc: str | None) -> dict[str, Any]:
    """The single-process crawl's settings (egress guard, document workers and all), with the shared
    host gate in place of the per-process one."""
    from crawler.process import crawl_settings
    from parity.distributed.client import redis_params

    crawl = loaded.config.crawl
    settings = crawl_settings(loaded, store, descriptor["run_id"], warc)
    middlewares = dict(settings["DOWNLOADER_MIDDLEWARES"])
    middlewares["crawler.middlewares.hostlimit.HostGateMiddleware"] = None
    middlewares["crawler.distributed.gate.SharedHostGate"] = 950
    settings.update({
        "REDIS_URL": redis_url, "REDIS_PARAMS": redis_params(), "PARITY_WORKER": name,
        "PARITY_HOST_DELAY": crawl.delay_seconds, "PARITY_HOST_CONCURRENCY": crawl.concurrency_per_host,
        # The shared gate is the only limit: Scrapy's per-worker delay would come on top of it.
        "DOWNLOAD_DELAY": 0.0, "DOWNLOAD_DELAY_JITTER": 0.0, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(8, crawl.concurrency_per_host),
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SPIDER_MIDDLEWARES": {"crawler.distributed.scheduler.NoParentIdMiddleware": 10},
    })
    settings.pop("RANDOMIZE_DOWNLOAD_DELAY", None)
    return settings


#: Per-crawler settings of a web source: its requests and decisions are shared.
SHARED_WEB = {
    "SCHEDULER": "crawler.distributed.scheduler.SharedScheduler",
    "SCHEDULER_SERIALIZER": "crawler.distributed.serializer",
    "SCHEDULER_PERSIST": True,  # scrapy-redis's default flushes the shared keys when one worker closes
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",  # its fingerprint; the queue dedups
    "PARITY_COORDINATION": "crawler.distributed.coordination.shared_coordination",
    # Requests a worker holds wait at the host gate; few per worker leave work for the others.
    "CONCURRENT_REQUESTS": 4,
}


def run_worker(redis_url: str, run_id: str, descriptor: dict[str, Any], store: str, name: str,
               verbose: bool = False, warc: str | None = None) -> int:
    from crawler.process import scrapy_process, spider_classes
    from crawler.secrets import config_secrets, process_redactor
    from crawler.sources import source_specs
    from crawler.store_access import close_all

    client = sync_client(redis_url)
    keys = RunKeys(run_id)
    with tempfile.TemporaryDirectory(prefix="parity-worker-") as scratch:
        loaded = load_run_config(descriptor, Path(scratch))
    # this machine's token variables: the config names them, each worker's environment holds the values
    process_redactor().add(config_secrets(loaded))
    wanted = set(descriptor["sources"])
    orgs = set(descriptor["orgs"]) if descriptor.get("orgs") else None
    specs = [s for s in source_specs(loaded, orgs) if s.key in wanted]
    now = parse_time(descriptor["now"])
    process = scrapy_process(worker_settings(loaded, descriptor, store, name, redis_url, warc), verbose)
    heart = Heartbeat(client, keys, name, redis_url)
    classes = spider_classes()
    crawlers = []
    for spec in specs:
        cls = classes[spec.kind]
        cls = shared_web_spider(cls, SHARED_WEB) if spec.group == "web" else pinned_spider(cls)
        crawler = process.create_crawler(cls)
        crawler.parity_queues = heart.queues
        crawler.parity_pins = heart.pins
        crawler.signals.connect(_on_opened(crawler, client, keys, name), signal=_signal("spider_opened"),
                                weak=False)
        crawlers.append(crawler)
        process.crawl(crawler, spec=spec, now=now)
    heart.crawlers = crawlers
    heart.join(len(crawlers))
    from twisted.internet import reactor, task

    beat = task.LoopingCall(heart.beat, process)
    reactor.callWhenRunning(beat.start, HEARTBEAT_SECONDS)  # type: ignore[attr-defined]
    try:
        process.start()
    finally:
        heart.alive.stop()
        close_all()
    reasons = [getattr(c.spider, "finish_reason", None) for c in crawlers]
    heart.leave("stopped" if "shutdown" in reasons else "done")
    return ExitCode.INTERRUPTED if "shutdown" in reasons else ExitCode.OK


def _signal(name: str) -> Any:
    from scrapy import signals

    return getattr(signals, name)


def _on_opened(crawler: Any, client: Any, keys: RunKeys, name: str) -> Any:
    """Once the spider exists: publish its outcome when it closes (after its own end-of-crawl checks)."""

    def opened(spider: Any) -> None:
        def closed(spider: Any, reason: str) -> None:
            publish_outcome(client, keys, name, crawler, spider, reason)

        crawler.signals.connect(closed, signal=_signal("spider_closed"), weak=False)

    return opened


def publish_outcome(client: Any, keys: RunKeys, name: str, crawler: Any, spider: Any, reason: str) -> None:
    """The worker's tracker and stats of the source, and whether it closed it finished."""
    state = SourceState(client, keys.source(spider.spec.key))
    pinned = spider.spec.group != "web"
    if pinned and not getattr(spider, "parity_owner", False):
        state.set_flag(f"closed:{name}", "skipped")  # another worker walked it
        return
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float))}
    stats["finish_reason"] = reason
    client.hset(state.key("stats"), name, json.dumps(stats, sort_keys=True))
    state.publish(name, tracker_to_dict(spider.tracker))
    if pinned and reason == "finished":
        state.set_flag("walked", name)
    if reason == "finished" and state.first("counted", name):  # the progress line's sources done
        client.hincrby(keys.progress, "_done", 1)
        client.hset(keys.progress, "_last", spider.spec.key)
    state.set_flag(f"closed:{name}", reason)


class AliveKey(threading.Thread):
    """Keeps the worker's ``alive`` key fresh from its own thread (and Redis connection)."""

    def __init__(self, url: str, key: str) -> None:
        super().__init__(name="parity-alive", daemon=True)
        self.client = sync_client(url)
        self.key = key
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.client.set(self.key, 1, px=ALIVE_MS)
            except Exception as exc:  # noqa: BLE001 - Redis away for longer than the client retries
                log.warning("heartbeat: %s", exc)
            self._stop_event.wait(HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=5)


class Heartbeat:
    """The worker's liveness, its walks' leases, re-queueing for dead workers, the stop signal."""

    def __init__(self, client: Any, keys: RunKeys, name: str, url: str) -> None:
        self.alive = AliveKey(url, keys.alive(name))
        self.client = client
        self.keys = keys
        self.name = name
        self.queues: list[Any] = []  # SharedScheduler of every web source (they add themselves)
        self.pins: list[SourceState] = []  # walks this worker holds
        self.crawlers: list[Any] = []  # for the progress totals
        self.reaped: set[str] = set()
        self.beats = 0
        self.coordinator_seen = time.monotonic()
        self.stopping = False

    def join(self, sources: int) -> None:
        self.client.set(self.keys.alive(self.name), 1, px=ALIVE_MS)
        self.alive.start()
        self.client.hset(self.keys.workers, self.name, json.dumps(
            {"host": socket.gethostname(), "pid": os.getpid(), "sources": sources, "joined": time.time()}))

    def leave(self, note: str) -> None:
        self.publish_progress()
        self.alive.stop()
        self.client.hset(self.keys.finished, self.name, note)
        self.client.delete(self.keys.alive(self.name))

    def beat(self, process: Any) -> None:
        try:
            self._beat(process)
        except Exception as exc:  # noqa: BLE001 - a missed beat is retried in a second; never stop beating
            log.warning("heartbeat: %s", exc)

    def _beat(self, process: Any) -> None:
        self.beats += 1
        from crawler.distributed.pinning import LEASE_SECONDS

        for state in list(self.pins):
            if state.flag("walked") is not None or not state.lease(self.name, LEASE_SECONDS):
                self.pins.remove(state)
        if self.beats % 2 == 0:
            self._reap_dead()
            self._check_stop(process)
            self.publish_progress()

    def publish_progress(self) -> None:
        """This worker's totals for the coordinator's progress line (crawler/progress.py's counts)."""
        pages = items = errors = 0
        for crawler in self.crawlers:
            pages += int(crawler.stats.get_value("response_received_count", 0) or 0)
            tracker = getattr(getattr(crawler, "spider", None), "tracker", None)
            owner = getattr(crawler.spider, "parity_owner", True) if crawler.spider is not None else False
            if tracker is not None and owner:
                items += tracker.items
                errors += sum(tracker.reasons.values())
        self.client.hset(self.keys.progress, self.name,
                         json.dumps({"pages": pages, "items": items, "errors": errors}))

    def _reap_dead(self) -> None:
        left = {_text(w) for w in self.client.hkeys(self.keys.finished)}
        for raw in self.client.hkeys(self.keys.workers):
            worker = _text(raw)
            if worker == self.name or worker in self.reaped or worker in left:
                continue
            if not self.client.exists(self.keys.alive(worker)):
                moved = sum(queue.reap() for queue in list(self.queues))
                self.reaped.add(worker)
                log.warning("worker %s stopped answering; %d of its requests went back to the queue", worker, moved)

    def _check_stop(self, process: Any) -> None:
        if self.stopping:
            return
        if self.client.exists(self.keys.coordinator):
            self.coordinator_seen = time.monotonic()
        gone = time.monotonic() - self.coordinator_seen > COORDINATOR_GONE_SECONDS
        if self.client.exists(self.keys.stop) or gone:
            self.stopping = True
            log.warning("stopping: %s", "the coordinator asked" if not gone else "the coordinator is gone")
            process.stop()


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")
