"""Small emulator worlds for the social-collection tests, their config, and a crawl of them (a subprocess).

Every world is built relative to ``now`` so the 30-day window always covers it;
ids never depend on the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from parity.demo.accesslog import AccessLog
from tests.support.config import config_toml
from tests.support.fault_http import FaultyServer
from tests.support.graph_emulator import (
    GraphEmulator,
    GraphPageSpec,
    GraphPostSpec,
    InstagramMediaSpec,
    InstagramUserSpec,
)
from tests.support.rssbridge_emulator import BridgeFeed, BridgeItem, RssBridgeEmulator
from tests.support.run import run_crawl
from tests.support.x_emulator import TweetSpec, XApiEmulator, XUserSpec
from tests.support.youtube_emulator import YoutubeChannelSpec, YoutubeFeedEmulator, YoutubeVideoSpec

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
ORG = "sjobacka-kommun"
PAGE_ID = "104729384756102"
IG_USER = "17841405822304914"
X_USER = "1460283925"
CHANNEL = "UCx7Sjobacka0kommun00001"
GRAPH_TOKEN = "EAAGm0PX4ZCpsBAPageTokenForTests"
X_TOKEN = "AAAAAAAAAAAAAAAAAAAAAXBearerForTests"


def ago(days: float, hours: float = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


def graph_world(hidden_every: int = 0) -> GraphEmulator:
    posts = [
        GraphPostSpec("900001", ago(1, 2), "Vattnet stängs av på Storgatan 12 mars kl. 8–16. Läs mer:",
                      link="https://www.sjobacka.se/nyheter/vatten?utm_source=facebook&fbclid=abc", link_title="Vatten"),
        GraphPostSpec("900002", ago(2), "Bilder från invigningen av Åparken 📸", photos=("https://cdn.example/a.jpg",)),
        GraphPostSpec("900003", ago(3), "Album: nya förskolan", photos=("https://cdn.example/b1.jpg",
                                                                         "https://cdn.example/b2.jpg")),
        GraphPostSpec("900004", ago(4), "Se filmen om återvinning", video=True),
        GraphPostSpec("900005", ago(5), "Räddningstjänsten varnar för brandrisk", parent_id="55500_777"),
        GraphPostSpec("900006", ago(6), "Öppettider i påsk: se https://www.sjobacka.se/pask"),
        GraphPostSpec("900007", ago(40), "Gammalt inlägg utanför fönstret"),
    ]
    for i in range(8, 8 + 12):
        posts.append(GraphPostSpec(f"9000{i:02d}", ago(6 + i * 0.9), f"Kort notis nummer {i}",
                                   hidden=bool(hidden_every and i % hidden_every == 0)))
    media = [
        InstagramMediaSpec("17900000000000001", ago(1), "Snöröjningen är igång ❄️ Info: sjobacka.se/sno",
                           alt_texts=("Plogbil på Storgatan i snöfall",)),
        InstagramMediaSpec("17900000000000002", ago(2), "Kommunfullmäktige ikväll kl. 18", alt_texts=(None,)),
        InstagramMediaSpec("17900000000000003", ago(3), "Karusell från skolstarten", media_type="CAROUSEL_ALBUM",
                           alt_texts=("Barn vid skolans entré", None), child_types=("IMAGE", "IMAGE")),
        InstagramMediaSpec("17900000000000004", ago(4), "Reel om biblioteket", media_type="VIDEO", product_type="REELS"),
    ]
    return GraphEmulator([GraphPageSpec(PAGE_ID, "Sjöbacka kommun", posts)],
                         [InstagramUserSpec(IG_USER, "sjobackakommun", media)], tokens=(GRAPH_TOKEN,))


def x_world(**kwargs: Any) -> XApiEmulator:
    base = 1_760_000_000_000_000_000
    other = XUserSpec("999", "raddningstjansten", "Räddningstjänsten",
                      [TweetSpec(str(base - 5), ago(3), "Brandrisken är hög i hela länet – eldningsförbud gäller")])
    tweets = [
        TweetSpec(str(base + 20), ago(0, 5), "Vattnet stängs av på Storgatan 12 mars kl. 8–16",
                  links=("https://www.sjobacka.se/nyheter/vatten?utm_medium=social",)),
        TweetSpec(str(base + 19), ago(1), "Så här ser den nya cykelbanan ut", images=("Cykelbana längs ån", None)),
        TweetSpec(str(base + 18), ago(2), "", retweet_of=str(base - 5)),
        TweetSpec(str(base + 17), ago(2, 1), "@lena Tack för tipset!", reply_to_user="4711"),
        TweetSpec(str(base + 16), ago(2, 2), "Fortsättning: fler detaljer i tråden", reply_to_user=X_USER),
        TweetSpec(str(base + 15), ago(50), "Utanför fönstret"),
    ]
    for i in range(14):
        tweets.append(TweetSpec(str(base + i), ago(3 + i), f"Notis {i} från kommunen"))
    return XApiEmulator([XUserSpec(X_USER, "sjobackakommun", "Sjöbacka kommun", tweets)], [other],
                        bearer_tokens=(X_TOKEN,), **kwargs)


def youtube_world(count: int = 17, flaky: tuple[int, ...] = ()) -> YoutubeFeedEmulator:
    videos = [YoutubeVideoSpec(f"vid{i:08d}", f"Kommunfullmäktige {i}", ago(i * 1.5 + 0.5),
                               description=f"Sändning nummer {i}.\nHandlingar: https://www.sjobacka.se/kf/{i}.",
                               views=100 + i)
              for i in range(count)]
    return YoutubeFeedEmulator([YoutubeChannelSpec(CHANNEL, "Sjöbacka kommun", videos, user="sjobacka")],
                               flaky=flaky)


def bridge_world() -> RssBridgeEmulator:
    items = [
        BridgeItem("https://www.facebook.com/sjobacka/posts/pfbid01", '<p>Simhallen stänger 3 april.</p>'
                   '<p><a href="https://www.sjobacka.se/simhall?utm_source=fb">Läs mer</a></p>'
                   '<img src="https://scontent.example/x.jpg">', title="Simhallen stänger 3 april.",
                   timestamp=ago(1), author="Sjöbacka kommun"),
        BridgeItem("https://www.facebook.com/sjobacka/posts/pfbid02", "<p>Ny busslinje från måndag</p>",
                   title=None, timestamp=ago(2)),
        BridgeItem("https://www.facebook.com/sjobacka/posts/pfbid03", "<p>Inlägg utan datum</p>"),
        BridgeItem("https://www.facebook.com/sjobacka/posts/pfbid04", "", title="Bara en rubrik", timestamp=ago(3)),
    ]
    return RssBridgeEmulator([BridgeFeed("FacebookBridge", {"u": "sjobacka"}, "Sjöbacka kommun – Facebook",
                                         "https://www.facebook.com/sjobacka", items)])


@contextmanager
def serving(**apps: Any) -> Iterator[tuple[dict[str, FaultyServer], AccessLog]]:
    """Each app on its own 127.0.0.1 port (faults can be added per server), one shared access log."""
    log = AccessLog()
    servers = {name: FaultyServer(name, app, access_log=log) for name, app in apps.items()}
    for server in servers.values():
        server.start()
    try:
        yield servers, log
    finally:
        for server in servers.values():
            server.stop()


#: The ids and token variables of this world's accounts, per platform.
_SOURCE_DEFAULTS: dict[str, dict[str, str]] = {
    "facebook": {"page_id": PAGE_ID, "token_env": "FB_TOKEN"},
    "instagram": {"user_id": IG_USER, "token_env": "FB_TOKEN"},
    "x": {"user_id": X_USER, "token_env": "X_TOKEN"},
    "youtube": {"channel_id": CHANNEL},
    "mastodon": {"account": "kommun@social.demo"},
}


def source(platform: str, api: str | None = None, **fields: str) -> dict[str, str]:
    """A social source of this world (its ids and token variable by default; ``fields`` override) at ``api``."""
    out = {"platform": platform, **_SOURCE_DEFAULTS.get(platform, {}), **fields}
    if api is not None:
        out["api"] = api
    return out


#: Crawl settings for the emulators: no delay, a generous timeout, two retries, short Retry-After waits.
SOCIAL_CRAWL: dict[str, Any] = {"delay_seconds": 0, "concurrency_per_host": 4, "timeout_seconds": 10, "retries": 2,
                                "max_retry_after_seconds": 3, "autothrottle": False}


def config(social: list[dict[str, Any]], **crawl: Any) -> str:
    """Sjöbacka with these social sources; ``crawl`` overrides :data:`SOCIAL_CRAWL`."""
    return config_toml([{"id": ORG, "name": "Sjöbacka kommun", "social": social}], base=SOCIAL_CRAWL, **crawl)


@dataclass
class CrawlResult:
    code: int
    stderr: str
    store: Path
    run_id: str

    def sources(self) -> dict[str, dict[str, Any]]:
        db = sqlite3.connect(self.store)
        try:
            rows = db.execute("SELECT source_key, kind, status, items, error, detail FROM sources WHERE run_id=?",
                              (self.run_id,)).fetchall()
        finally:
            db.close()
        return {key: {"kind": kind, "status": status, "items": items, "error": error,
                      "detail": json.loads(detail) if detail else {}} for key, kind, status, items, error, detail in rows}

    def by_kind(self) -> dict[str, dict[str, Any]]:
        return {s["kind"]: s for s in self.sources().values()}

    def posts(self, include_deleted: bool = True) -> dict[str, dict[str, Any]]:
        db = sqlite3.connect(self.store)
        try:
            rows = db.execute("SELECT id, record, deleted_at, edited_at FROM posts").fetchall()
        finally:
            db.close()
        out = {}
        for pid, record, deleted, edited in rows:
            data = json.loads(record)
            data["deleted_at"], data["edited_at"] = deleted, edited
            if include_deleted or not deleted:
                out[pid] = data
        return out

    def state(self, key_part: str) -> dict[str, Any]:
        db = sqlite3.connect(self.store)
        try:
            rows = db.execute("SELECT source_key, state FROM source_state").fetchall()
        finally:
            db.close()
        return next(json.loads(state) for key, state in rows if key_part in key)


def crawl(tmp: Path, config_text: str, *, run_id: str = "r1", store: Path | None = None,
          env: dict[str, str] | None = None, now: dt.datetime = NOW, verbose: bool = False,
          timeout: float = 120) -> CrawlResult:
    """``python -m crawler.run`` on ``config_text`` (written to ``tmp/social.toml``) into ``store``."""
    path = tmp / "social.toml"
    path.write_text(config_text, encoding="utf-8")
    store = store or tmp / "store.sqlite"
    args = ["--config", path, "--store", store, "--run-id", run_id, "--now", now.isoformat().replace("+00:00", "Z")]
    result = run_crawl(*args, *(["--verbose"] if verbose else []), env=env, timeout=timeout)
    return CrawlResult(result.code, result.stderr, store, run_id)
