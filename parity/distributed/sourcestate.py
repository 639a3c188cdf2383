"""One source's crawl decisions shared by every worker: URLs claimed, page budgets, hosts, boards, trackers.

In the single-process crawl a spider keeps these in memory (``seen_urls``, the page
counter, the notice board's counts). With several workers each holds a copy of the
spider and any of them may parse any page of the source, so the decisions have to
be made once, in Redis, atomically:

* ``admit``: claim a URL for this run and, if it counts against a budget, take one
  unit of it, in one script. A URL claimed by the same *parent* is admitted again:
  the parent's request was re-queued after its worker died, and the new worker must
  be able to plan the children again (the queue's duplicate filter keeps one
  request). Budget units are taken only by new claims, so a budget is exact.
* hosts a source may visit besides its own (an embedded notice board's host);
* a notice board's announced total and the notices read so far;
* flags that one worker alone may raise (``first``): the end-of-crawl re-check, the
  board check when the source closes;
* trackers: each worker's counts for the source (published with every
  acknowledgement, parity/distributed/workqueue.py), merged by the coordinator;
* ``lease``: a social account's walk is one sequence (each page names the next), so
  it runs in one worker; the lease names which, and expires if that worker dies.
"""

from __future__ import annotations

import json
from typing import Any

NEW, SEEN, OVER = "new", "seen", "over"

#: KEYS: claims hash, budgets hash; ARGV: url key, token, then (budget name, limit (-1 = none)) pairs.
#: Returns 0 seen, 1 new, 2 + i: the i-th budget (0-based) is spent (nothing taken, nothing claimed).
_ADMIT = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder then
  if holder == ARGV[2] then return 1 end
  return 0
end
for i = 3, #ARGV, 2 do
  local limit = tonumber(ARGV[i + 1])
  local used = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
  if limit >= 0 and used >= limit then return 2 + (i - 3) / 2 end
end
for i = 3, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

#: KEYS: totals hash; ARGV: root, total. The largest total any page of the board announced.
_BOARD_TOTAL = """
local known = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > known then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return tonumber(ARGV[2])
end
return known
"""

#: KEYS: lease; ARGV: worker, ttl ms. Take a free lease or keep our own; 1 if we hold it now.
_LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

_VERDICTS = {0: SEEN, 1: NEW, 2: OVER}


class SourceState:
    """The shared decisions of one source in one run (``prefix`` from parity.distributed.client.RunKeys)."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._admit = client.register_script(_ADMIT)
        self._board_total = client.register_script(_BOARD_TOTAL)
        self._lease = client.register_script(_LEASE)

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- URLs and budgets --------------------------------------------------------------------
    def admit(self, url_key: str, token: str, budget: str | None = None, limit: int | None = None,
              more: tuple[tuple[str, int | None], ...] = ()) -> str:
        """NEW (claimed now, or again by ``token``), SEEN (another parent has it) or OVER (a budget is spent).

        ``budget``/``limit`` and every ``more`` pair are budgets the URL counts against: a unit of
        each is taken only if none is spent, so budgets that overlap (sitemaps and pages) stay exact.
        """
        budgets = ([(budget, limit)] if budget else []) + list(more)
        args: list[Any] = [url_key, token]
        for name, cap in budgets:
            args += [name, -1 if cap is None else cap]
        reply = int(self._admit(keys=[self.key("claims"), self.key("budgets")], args=args))
        return _VERDICTS.get(reply, OVER)

    def used(self, budget: str) -> int:
        """Units of ``budget`` taken so far."""
        return int(self.client.hget(self.key("budgets"), budget) or 0)

    def claimed(self, url_key: str) -> bool:
        return bool(self.client.hexists(self.key("claims"), url_key))

    # -- hosts ---------------------------------------------------------------------------------
    def allow_host(self, host: str) -> None:
        self.client.sadd(self.key("hosts"), host)

    def hosts(self) -> set[str]:
        return {_text(h) for h in self.client.smembers(self.key("hosts"))}

    # -- notice boards -------------------------------------------------------------------------
    def board_total(self, root: str, total: int | None) -> int | None:
        """The largest total announced for ``root`` so far (``total`` included)."""
        if total is None:
            known = self.client.hget(self.key("board:totals"), root)
            return int(known) if known is not None else None
        return int(self._board_total(keys=[self.key("board:totals")], args=[root, total]))

    def board_seen(self, root: str, identities: list[str]) -> int:
        """Add notices read on ``root``; how many distinct ones have been read."""
        key = self.key(f"board:seen:{root}")
        with self.client.pipeline(transaction=True) as pipe:
            if identities:
                pipe.sadd(key, *identities)
            pipe.scard(key)
            pipe.sadd(self.key("board:roots"), root)
            return int(pipe.execute()[-2])

    def board_truncated(self, root: str) -> None:
        self.client.sadd(self.key("board:truncated"), root)

    def boards(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        """(announced totals, notices read, roots known truncated) of every board of the source."""
        totals = {_text(k): int(v) for k, v in self.client.hgetall(self.key("board:totals")).items()}
        roots = {_text(r) for r in self.client.smembers(self.key("board:roots"))} | set(totals)
        read = {root: int(self.client.scard(self.key(f"board:seen:{root}"))) for root in roots}
        truncated = {_text(r) for r in self.client.smembers(self.key("board:truncated"))}
        return totals, read, truncated

    # -- once per source ------------------------------------------------------------------------
    def first(self, flag: str, worker: str) -> bool:
        """True for exactly one caller per flag and run."""
        return bool(self.client.hsetnx(self.key("flags"), flag, worker))

    def flag(self, flag: str) -> str | None:
        value = self.client.hget(self.key("flags"), flag)
        return _text(value) if value is not None else None

    def set_flag(self, flag: str, value: str) -> None:
        self.client.hset(self.key("flags"), flag, value)

    # -- trackers ---------------------------------------------------------------------------------
    @property
    def trackers_key(self) -> str:
        return self.key("trackers")

    def publish(self, worker: str, snapshot: dict[str, Any]) -> None:
        self.client.hset(self.trackers_key, worker, json.dumps(snapshot, sort_keys=True, default=str))

    def snapshots(self) -> dict[str, dict[str, Any]]:
        """worker → its latest published snapshot."""
        return {_text(k): json.loads(v) for k, v in self.client.hgetall(self.trackers_key).items()}

    # -- a walk that runs in one worker -----------------------------------------------------------
    def lease(self, worker: str, ttl: float) -> bool:
        """Take (or keep) the source's lease for ``ttl`` seconds; False while another live worker holds it."""
        return bool(self._lease(keys=[self.key("lease")], args=[worker, int(ttl * 1000)]))

    def holder(self) -> str | None:
        value = self.client.get(self.key("lease"))
        return _text(value) if value is not None else None


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
