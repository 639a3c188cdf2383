"""The demo world on fault-injecting servers: ``FaultWorld(feed_down=True)``, ``world.inject("web", Fault(...))``.

``parity demo`` needs no failures, so ``parity.demo.world.DemoWorld`` has
none; tests that do get the same world with every server a
:class:`~tests.support.fault_http.FaultyServer`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from parity.demo.world import SERVER_NAMES, DemoWorld, ServerName
from tests.support.fault_http import FaultyServer
from tests.support.faults import Fault


class FaultWorld(DemoWorld):
    """``DemoWorld`` plus faults: ``feed_down`` (the RSS feed answers 503), ``faults={"web": [Fault(...)]}``."""

    server_class = FaultyServer

    def __init__(self, now: dt.datetime | None = None, *, feed_down: bool = False,
                 faults: dict[str, list[Fault]] | None = None, **options: Any) -> None:
        super().__init__(now, **options)
        self.feed_down = feed_down
        self._initial_faults = {name: list(items) for name, items in (faults or {}).items()}
        unknown = set(self._initial_faults) - set(SERVER_NAMES)
        if unknown:
            raise ValueError(f"unknown servers for faults: {sorted(unknown)}")

    def start(self) -> FaultWorld:
        if self.servers:
            return self
        super().start()  # the ports are fresh: nobody can ask before the faults below are armed
        try:
            if self.feed_down:
                assert self.site is not None
                self.inject("web", Fault(status=503, path=self.site.feed_path))
            for name, items in self._initial_faults.items():
                for fault in items:
                    self.inject(name, fault)
        except BaseException:
            self.stop()
            raise
        return self

    def __enter__(self) -> FaultWorld:
        return self.start()

    def faulty(self, name: ServerName | str) -> FaultyServer:
        server = self.server(name)
        assert isinstance(server, FaultyServer)
        return server

    def inject(self, server: ServerName | str, fault: Fault) -> Fault:
        """Add a fault rule to one server (``"web"``, ``"mastodon"``, ``"bluesky"``)."""
        return self.faulty(server).faults.add(fault)

    def clear_faults(self, server: ServerName | str | None = None) -> None:
        for name in ([server] if server else list(self.servers)):
            self.faulty(name).faults.clear()
