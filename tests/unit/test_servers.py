"""The test servers themselves (tests/support/servers.py): real Redis and PostgreSQL on loopback.

Each check is something a later distributed test relies on: data through the real client
libraries (redis-py, psycopg 3), a restart and a SIGKILL that keep what was acknowledged, a
killed *client* process whose open transaction leaves nothing behind, and no process or
directory left over afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psycopg
import pytest
import redis

from tests.support.servers import (  # noqa: F401  (fixtures)
    PostgresServer,
    RedisServer,
    ServerUnavailable,
    find_postgres,
    find_redis,
    postgres_db,
    postgres_server,
    postgres_srv,
    redis_server,
    redis_srv,
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_redis_roundtrip_restart_and_kill(redis_srv: RedisServer) -> None:
    assert redis_srv.url.startswith("redis://127.0.0.1:")
    client = redis.Redis.from_url(redis_srv.url)
    client.rpush("queue", "a", "b")
    redis_srv.restart()  # graceful
    assert client.lrange("queue", 0, -1) == [b"a", b"b"]  # the client reconnects by itself
    client.rpush("queue", "c")
    port = redis_srv.port
    redis_srv.restart(kill=True)  # crash: the append-only file has every acknowledged write
    assert redis_srv.port == port
    assert client.lrange("queue", 0, -1) == [b"a", b"b", b"c"]


def test_redis_down_is_a_connection_error_not_a_hang(redis_srv: RedisServer) -> None:
    client = redis.Redis.from_url(redis_srv.url, socket_connect_timeout=1)
    redis_srv.kill()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    redis_srv.start()
    assert client.ping()


def test_context_manager_leaves_nothing_behind() -> None:
    try:
        find_redis()
        find_postgres()
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with redis_server() as rs, postgres_server() as pg:
        pids = [rs.proc.pid, pg.proc.pid]  # type: ignore[union-attr]
        dirs = [rs.workdir, pg.workdir]
        assert all(_alive(pid) for pid in pids)
    assert not any(_alive(pid) for pid in pids)
    assert not any(d.exists() for d in dirs)


def test_postgres_roundtrip_in_isolated_databases(postgres_srv: PostgresServer, postgres_db: str) -> None:
    other = postgres_srv.create_database()
    assert other != postgres_db
    with psycopg.connect(postgres_db) as conn:
        conn.execute("CREATE TABLE items (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        conn.execute("INSERT INTO items VALUES (%s, %s)", ("web:x:1", "Vattenavstängning på Storgatan"))
    with psycopg.connect(postgres_db) as conn:
        assert conn.execute("SELECT body FROM items").fetchall() == [("Vattenavstängning på Storgatan",)]
        # C collation: byte order, the same order SQLite's default BINARY collation gives.
        assert conn.execute("SELECT 'a' > 'B', 'Ö' > 'Z'").fetchone() == (True, True)
    with psycopg.connect(other) as conn:
        assert conn.execute("SELECT to_regclass('items')").fetchone() == (None,)


def test_postgres_kill_keeps_commits_and_drops_open_transactions() -> None:
    try:
        server = PostgresServer()
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        server.start()
        url = server.create_database()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x INT)")
            conn.execute("INSERT INTO t VALUES (1)")
        pending = psycopg.connect(url)
        pending.execute("INSERT INTO t VALUES (2)")  # never committed
        server.restart(kill=True)
        pending.close()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        server.close()


def test_sigkilled_client_rolls_back_and_releases_its_locks(postgres_db: str) -> None:
    """A worker SIGKILLed mid-transaction: its row lock goes with it, its write never lands."""
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE ledger (url TEXT PRIMARY KEY, state TEXT NOT NULL)")
        conn.execute("INSERT INTO ledger VALUES ('https://a.example/1', 'todo')")
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, psycopg\n"
         "conn = psycopg.connect(sys.argv[1])\n"
         "conn.execute(\"UPDATE ledger SET state='done' WHERE url='https://a.example/1'\")\n"
         "print('locked', flush=True)\n"
         "time.sleep(600)\n", postgres_db],
        stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"locked\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    with psycopg.connect(postgres_db) as conn:
        conn.execute("SET lock_timeout = '10s'")
        row = conn.execute("SELECT state FROM ledger WHERE url='https://a.example/1' FOR UPDATE").fetchone()
        assert row == ("todo",)
