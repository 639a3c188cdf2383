"""crawler.spiders.coordination.Coordination over Redis: a web source's decisions shared by the workers.

Selected by the ``PARITY_COORDINATION`` setting (the worker sets it to
:func:`shared_coordination`); the Redis side is parity.distributed.sourcestate.SourceState.
"""

from __future__ import annotations

from typing import Any

from crawler.spiders.coordination import Quota
from crawler.tracking import SourceTracker, merge_trackers, tracker_to_dict
from parity.distributed.client import RunKeys, sync_client
from parity.distributed.sourcestate import SourceState

_CLIENTS: dict[str, Any] = {}


def client_for(url: str) -> Any:
    """One synchronous client per Redis per process (the reactor thread is the only user)."""
    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = sync_client(url)
    return client


class RedisCoordination:
    """One web source's shared decisions, as seen by one worker."""

    shared = True

    def __init__(self, client: Any, keys: RunKeys, source_key: str, worker: str) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self.state = SourceState(client, keys.source(source_key))

    def admit(self, key: str, token: str, *quotas: Quota | None) -> str:
        return self.state.admit(key, token, more=tuple((q.name, q.limit) for q in quotas if q is not None))

    def claimed(self, key: str) -> bool:
        return self.state.claimed(key)

    def spent(self, quota: Quota) -> bool:
        return quota.limit is not None and self.state.used(quota.name) >= quota.limit

    def allow_host(self, host: str) -> None:
        self.state.allow_host(host)

    def hosts(self) -> set[str]:
        return self.state.hosts()

    def board_total(self, root: str, total: int | None) -> int | None:
        return self.state.board_total(root, total)

    def board_seen(self, root: str, identities: list[str]) -> int:
        return self.state.board_seen(root, identities)

    def board_truncated(self, root: str) -> None:
        self.state.board_truncated(root)

    def boards(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        return self.state.boards()

    def first(self, flag: str) -> bool:
        return self.state.first(flag, self.worker)

    def done_first(self, flag: str) -> None:
        self.state.set_flag(f"{flag}:done", self.worker)

    def first_done(self, flag: str) -> bool:
        if self.state.flag(f"{flag}:done") is not None:
            return True
        holder = self.state.flag(flag)  # died before it finished: nobody will, do not wait for it
        return holder is not None and not self.client.exists(self.keys.alive(holder))

    def resumable(self, url: str) -> bool:
        return bool(self.client.sismember(self.state.key("resume"), url))

    def tracker_view(self, own: SourceTracker) -> SourceTracker:
        snapshots = self.state.snapshots()
        snapshots[self.worker] = tracker_to_dict(own)
        return merge_trackers([snapshots[w] for w in sorted(snapshots)], own.org, own.kind, own.url)


def shared_coordination(crawler: Any, spider: Any) -> RedisCoordination:
    settings = crawler.settings
    return RedisCoordination(client_for(settings.get("REDIS_URL")), RunKeys(settings.get("PARITY_RUN_ID")),
                             spider.spec.key, settings.get("PARITY_WORKER"))
