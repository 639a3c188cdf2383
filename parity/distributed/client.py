"""Redis clients that ride out a Redis restart, and the names of a crawl run's keys.

Every client retries a lost connection with backoff for about 30 seconds (redis-py
``Retry``) instead of failing the crawl: a Redis restarted or failed over mid-run
is waited for. Every script and command we send is safe to run twice (a retry
after a lost reply changes nothing the second time; parity/distributed/workqueue.py).

Keys of one run share the prefix ``parity:<run_id>``; the coordinator deletes them
when the run ends. A source's keys use a short hash of its key (source keys hold
URLs, which are long and may contain anything).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: Where a worker that was started without ``--run`` finds the run to join.
CURRENT_RUN = "parity:runs:current"


def redis_params() -> dict[str, Any]:
    """redis-py options: ~30 s of reconnect attempts, short socket timeouts."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    errors = [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    return {"retry": Retry(ExponentialBackoff(cap=0.5, base=0.02), 80), "retry_on_error": errors,
            "socket_connect_timeout": 2, "socket_timeout": 10, "health_check_interval": 15}


def sync_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, **redis_params())


#: Connections of a worker's asyncio client. Every request waiting at a host gate holds one while
#: its script runs; more concurrent callers wait for a free one (the default pool raises instead).
ASYNC_CONNECTIONS = 32


def async_client(url: str) -> Any:
    import redis.asyncio
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import ExponentialBackoff

    params = redis_params()
    params["retry"] = AsyncRetry(ExponentialBackoff(cap=0.5, base=0.02), 80)
    pool = redis.asyncio.BlockingConnectionPool.from_url(url, max_connections=ASYNC_CONNECTIONS, timeout=None,
                                                          **params)
    return redis.asyncio.Redis(connection_pool=pool)


def check_url(url: str) -> str | None:
    """A problem with a ``--redis`` value, or None (``redis://``, ``rediss://`` or ``unix://``)."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        return f"--redis: {redact(url)} is not a redis://, rediss:// or unix:// URL"
    return None


def unreachable(url: str) -> str | None:
    """Why Redis at ``url`` does not answer (one quick try, no retries), or None when it does."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        return f"cannot reach Redis at {redact(url)} ({(str(exc).splitlines() or [type(exc).__name__])[0][:200]})"
    return None


def redact(url: str) -> str:
    """The URL without its password (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{parts.username or ''}:***@{host}", parts.path, parts.query, parts.fragment))


def source_id(source_key: str) -> str:
    """A short stable name for a source in key names."""
    return hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:16]


class RunKeys:
    """The key names of one distributed crawl run."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.prefix = f"parity:{run_id}"

    @property
    def descriptor(self) -> str:
        """JSON: what a worker needs to join (config, clock, sources, settings)."""
        return f"{self.prefix}:run"

    @property
    def workers(self) -> str:
        """Hash worker → JSON (host, pid, joined): every worker that joined the run."""
        return f"{self.prefix}:workers"

    def alive(self, worker: str) -> str:
        """Set with a short expiry by the worker's heartbeat: it exists while the worker lives."""
        return f"{self.prefix}:alive:{worker}"

    @property
    def finished(self) -> str:
        """Hash worker → exit note: workers that left after finishing their part."""
        return f"{self.prefix}:left"

    @property
    def coordinator(self) -> str:
        """Set with a short expiry by the coordinator while it waits: workers stop if it disappears."""
        return f"{self.prefix}:coordinator"

    @property
    def stop(self) -> str:
        """Set by the coordinator when the run is interrupted: workers stop gracefully."""
        return f"{self.prefix}:stop"

    @property
    def progress(self) -> str:
        """Hash worker → JSON totals (pages, items, errors) and ``_done`` → sources finished: for the progress line."""
        return f"{self.prefix}:progress"

    def source(self, source_key: str) -> str:
        """Prefix of one source's keys (queue, seen set, claims, trackers, …)."""
        return f"{self.prefix}:src:{source_id(source_key)}"
