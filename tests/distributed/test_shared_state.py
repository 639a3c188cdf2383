"""What workers share in Redis, without Scrapy: the acknowledged queue and a source's decisions.

parity.distributed.workqueue (enqueue-if-unseen, pop into in-flight, ack with the tracker,
dead workers' requests put back) and parity.distributed.sourcestate (URL claims with budgets,
boards, once-only flags, walk leases) against a real Redis (tests/support/servers.py).
"""

from __future__ import annotations

import json
import time

import pytest

from parity.distributed.client import RunKeys, sync_client
from parity.distributed.sourcestate import NEW, OVER, SEEN, SourceState
from parity.distributed.workqueue import WorkQueue
from tests.support.servers import RedisServer, redis_srv  # noqa: F401  (fixture)


@pytest.fixture
def client(redis_srv: RedisServer):  # type: ignore[no-untyped-def]
    return sync_client(redis_srv.url)


def queue(client, worker: str) -> WorkQueue:  # type: ignore[no-untyped-def]
    keys = RunKeys("r1")
    return WorkQueue(client, f"{keys.source('s')}:queue", worker, alive_prefix=keys.alive(""))


def test_a_request_is_queued_once_and_done_only_when_acknowledged_everywhere(client) -> None:  # type: ignore[no-untyped-def]
    a, b = queue(client, "a"), queue(client, "b")
    for q in (a, b):
        client.set(RunKeys("r1").alive(q.worker), 1, px=5000)
        q.join()
    assert a.enqueue("fp1", b"one") and not b.enqueue("fp1", b"one again")  # one seen set for all
    assert b.enqueue("fp2", b"two", priority=5)
    first = b.pop()
    assert first is not None and first[1] == b"two"  # higher priority first
    second = a.pop()
    assert second is not None and a.pop() is None
    assert not a.done()  # nothing queued, but b and a hold requests
    a.ack(second[0], publish=("trackers", "a", json.dumps({"items": 1})))
    assert json.loads(client.hget("trackers", "a")) == {"items": 1}  # written with the ack
    assert not b.done()
    b.ack(first[0])
    assert a.done() and b.done()


def test_a_dead_workers_requests_go_back_first_in_line(client) -> None:  # type: ignore[no-untyped-def]
    keys = RunKeys("r1")
    live, dead = queue(client, "live"), queue(client, "dead")
    client.set(keys.alive("live"), 1, px=5000)
    client.set(keys.alive("dead"), 1, px=50)  # its heartbeat stops now
    live.join()
    dead.join()
    for n in range(3):
        live.enqueue(f"fp{n}", f"r{n}".encode())
    held = dead.pop()
    assert held is not None
    time.sleep(0.1)
    assert not live.done()
    assert live.reap(set()) == 1 and live.reap(set()) == 0  # idempotent
    again = live.pop()
    assert again is not None and again[1] == held[1]
    assert client.sismember(live.workers_key, "dead") == 0


def test_a_lost_pop_of_a_live_worker_is_put_back(client) -> None:  # type: ignore[no-untyped-def]
    q = queue(client, "w")
    client.set(RunKeys("r1").alive("w"), 1, px=5000)
    q.join()
    q.enqueue("fp", b"req")
    popped = q.pop()  # e.g. the reply was lost with the connection: the worker never saw it
    assert popped is not None
    assert q.reap({"some-other-id"}) == 1
    assert q.pop() is not None


def test_admit_claims_once_per_parent_and_spends_a_budget_exactly(client) -> None:  # type: ignore[no-untyped-def]
    state = SourceState(client, RunKeys("r1").source("s"))
    assert state.admit("u1", "list-1", "pages", 2) == NEW
    assert state.admit("u1", "list-2", "pages", 2) == SEEN  # listed again by another page
    assert state.admit("u1", "list-1", "pages", 2) == NEW  # the same parent parsed again (re-queued)
    assert state.admit("u2", "list-1", "pages", 2) == NEW
    assert state.admit("u3", "list-1", "pages", 2) == OVER
    assert not state.claimed("u3")  # over budget: not claimed, a later look says OVER again
    assert client.hget(state.key("budgets"), "pages") == b"2"
    assert state.admit("entry", "entry") == NEW and state.admit("entry", "x") == SEEN


def test_boards_flags_and_walk_leases(client) -> None:  # type: ignore[no-untyped-def]
    state = SourceState(client, RunKeys("r1").source("s"))
    assert state.board_total("b", None) is None
    assert state.board_total("b", 30) == 30 and state.board_total("b", 12) == 30
    assert state.board_seen("b", ["n1", "n2"]) == 2
    assert state.board_seen("b", ["n2", "n3"]) == 3  # another worker's page of the same board
    state.board_truncated("old")
    assert state.boards() == ({"b": 30}, {"b": 3}, {"old"})
    assert state.first("recheck", "w1") and not state.first("recheck", "w2")
    assert state.flag("recheck") == "w1"
    assert state.lease("w1", 0.2) and not state.lease("w2", 0.2) and state.lease("w1", 0.2)
    time.sleep(0.3)
    assert state.lease("w2", 5) and state.holder() == "w2"  # w1 died: its lease expired


def test_hundreds_of_requests_at_the_gates_of_one_worker_wait_for_a_connection(redis_srv: RedisServer) -> None:
    """One worker with many sources has hundreds of requests at its host gates at once: none may fail
    for want of a Redis connection (redis-py's default asyncio pool raises past 100)."""
    import asyncio

    from parity.distributed.client import async_client
    from parity.distributed.hostlease import AsyncHostLeases, HostPolicy

    async def crowd() -> list[bool]:
        leases = AsyncHostLeases(async_client(redis_srv.url), HostPolicy(delay=0, concurrency=1000, lease_seconds=5))
        return [g.ok for g in await asyncio.gather(*[leases.acquire(f"host{i % 40}") for i in range(400)])]

    assert asyncio.run(crowd()) == [True] * 400
