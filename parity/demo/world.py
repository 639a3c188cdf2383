"""The demo world: Sjöbacka's web site plus Mastodon and Bluesky emulators on 127.0.0.1.

``DemoWorld`` binds three ephemeral ports, builds the scenario with links to the
web server's real address, and serves everything from daemon threads until
``stop()``. It is what ``parity demo`` audits and what integration tests crawl;
the shared access log records every request so a test can assert what the
crawler actually fetched. Tests that need failures use
``tests/support/fault_world.py``, this world on fault-injecting servers.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from parity.config.write import config_text
from parity.demo.accesslog import AccessLog
from parity.demo.bluesky_emulator import BlueskyEmulator
from parity.demo.httpmsg import Request, Response
from parity.demo.httpserver import DemoServer
from parity.demo.mastodon_emulator import MastodonEmulator
from parity.demo.scenario import (
    BLUESKY_HANDLE,
    MASTODON_ACCOUNT,
    MASTODON_DOMAIN,
    ORG_ID,
    ORG_NAME,
    Expectation,
    Scenario,
    build_scenario,
)
from parity.demo.site import SjobackaSite

ServerName = Literal["web", "mastodon", "bluesky"]
SERVER_NAMES: tuple[ServerName, ...] = ("web", "mastodon", "bluesky")


class _Unready:
    """Placeholder app while the ports are bound but the scenario is not built yet."""

    def handle(self, request: Request) -> Response:
        return Response.make(503, "starting\n", "text/plain; charset=utf-8")


class DemoWorld:
    """Context manager: ``with DemoWorld() as world: ...``; all URLs exist only after ``start()``."""

    #: What each of the three apps is served by (tests put a fault-injecting subclass here).
    server_class: type[DemoServer] = DemoServer

    def __init__(
        self,
        now: dt.datetime | None = None,
        *,
        host: str = "127.0.0.1",
        web_port: int = 0,
        mastodon_port: int = 0,
        bluesky_port: int = 0,
        robots_block_feed: bool = False,
        mastodon_locked: bool = False,
        mastodon_rate_limit: int = 300,
        mastodon_rate_period: int = 300,
        bluesky_rate_limit: int = 3000,
        bluesky_rate_period: int = 300,
        bluesky_fill_fetches: int = 1,
        feed_size: int = 15,
        gzip: bool = True,
        board_page_size: int | None = None,
        board_pagination_links: bool = True,
    ) -> None:
        self.now = now
        self.host = host
        self._ports = {"web": web_port, "mastodon": mastodon_port, "bluesky": bluesky_port}
        self.robots_block_feed = robots_block_feed
        self.mastodon_locked = mastodon_locked
        self.mastodon_rate = (mastodon_rate_limit, mastodon_rate_period)
        self.bluesky_rate = (bluesky_rate_limit, bluesky_rate_period)
        self.bluesky_fill_fetches = bluesky_fill_fetches
        self.feed_size = feed_size
        self.gzip = gzip
        self.board_page_size = board_page_size
        self.board_pagination_links = board_pagination_links
        self.access_log = AccessLog()
        self.servers: dict[str, DemoServer] = {}
        self.scenario: Scenario | None = None
        self.site: SjobackaSite | None = None
        self.mastodon: MastodonEmulator | None = None
        self.bluesky: BlueskyEmulator | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> DemoWorld:
        if self.servers:
            return self
        try:
            for name in SERVER_NAMES:
                self.servers[name] = self.server_class(name, _Unready(), host=self.host, port=self._ports[name],
                                                       access_log=self.access_log, gzip_enabled=self.gzip)
            scenario = build_scenario(self.now, self.servers["web"].base_url)
            self.scenario = scenario
            self.site = SjobackaSite(scenario.pages, robots_block_feed=self.robots_block_feed,
                                     feed_size=self.feed_size, board_page_size=self.board_page_size,
                                     board_pagination_links=self.board_pagination_links)
            self.mastodon = MastodonEmulator(
                scenario.mastodon_accounts, scenario.mastodon_statuses, local_domain=MASTODON_DOMAIN,
                require_auth=self.mastodon_locked, rate_limit=self.mastodon_rate[0], rate_period=self.mastodon_rate[1],
            )
            self.bluesky = BlueskyEmulator(
                scenario.bluesky_actors, scenario.bluesky_posts, scenario.bluesky_reposts,
                rate_limit=self.bluesky_rate[0], rate_period=self.bluesky_rate[1],
                fill_fetches=self.bluesky_fill_fetches,
            )
            self.servers["web"].app = self.site
            self.servers["mastodon"].app = self.mastodon
            self.servers["bluesky"].app = self.bluesky
            for server in self.servers.values():
                server.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers = {}

    def __enter__(self) -> DemoWorld:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses -----------------------------------------------------------------------

    def server(self, name: str) -> DemoServer:
        """One of the running servers (``"web"``, ``"mastodon"``, ``"bluesky"``)."""
        if name not in self.servers:
            raise RuntimeError("the demo world is not running; call start() first")
        return self.servers[name]

    @property
    def web_base(self) -> str:
        return self.server("web").base_url

    @property
    def mastodon_base(self) -> str:
        return self.server("mastodon").base_url

    @property
    def bluesky_base(self) -> str:
        return self.server("bluesky").base_url

    @property
    def feed_url(self) -> str:
        assert self.site is not None
        return self.site.feed_url(self.web_base)

    def urls(self) -> dict[str, str]:
        return {"web": self.web_base, "mastodon": self.mastodon_base, "bluesky": self.bluesky_base}

    # --- expectations and config -----------------------------------------------------------

    @property
    def expectations(self) -> dict[str, Expectation]:
        if self.scenario is None:
            raise RuntimeError("the demo world is not running; call start() first")
        return self.scenario.expectations

    def expected_verdicts(self) -> dict[str, str]:
        return {post_id: e.verdict for post_id, e in self.expectations.items()}

    def config_toml(
        self,
        *,
        delay_seconds: float = 0,
        concurrency_per_host: int = 4,
        obey_robots: bool = True,
        user_agent: str = "reach-parity/1.0 (+https://example.org/contact)",
        grace_hours: float = 24,
        window_days: int = 30,
    ) -> str:
        """A config in the contract format (../shared/contracts.md, "Config") pointing at this world."""
        web = self.web_base
        crawl = {
            "delay_seconds": delay_seconds,
            "concurrency_per_host": concurrency_per_host,
            "obey_robots": obey_robots,
            "user_agent": user_agent,
            "grace_hours": grace_hours,
            "window_days": window_days,
        }
        org = {
            "id": ORG_ID,
            "name": ORG_NAME,
            "web": [
                {"type": "feed", "url": self.feed_url},
                {"type": "sitemap", "url": web + "/sitemap.xml"},
                {"type": "listing", "url": web + "/nyheter/", "follow": "/nyheter/"},
                {"type": "notice_board", "url": web + "/anslagstavla"},
            ],
            "social": [
                {"platform": "mastodon", "account": MASTODON_ACCOUNT, "api": self.mastodon_base},
                {"platform": "bluesky", "account": BLUESKY_HANDLE, "api": self.bluesky_base},
            ],
        }
        return "# The bundled demo world (parity.demo); generated, ports change per run.\n" + config_text(crawl, [org])
