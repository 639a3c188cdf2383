"""A multi-organisation audit for the report's tests: the demo world under two organisation ids, four platforms.

What a journalist comparing bodies sees: a ranking, an organisation with three platforms and
one with another platform and a thinner web side. Built from the running demo world:

* ``sjobacka-kommun`` — the demo's own sources, plus an Instagram export (``posts_jsonl``
  file) of six of its Mastodon posts re-dated by an hour;
* ``norrby-kommun`` ("Norrby kommun") — only the site's RSS feed on the web side, and a
  Facebook export of ten other Mastodon posts: some of their pages are not in the feed,
  so its parity differs from Sjöbacka's.

In both exports every fourth post is an image without alt text and "Se bilden! 👇" as its only
text: an image-only announcement (parity.report.frames).

Post ids of the exports are their own (``instagram:…`` / ``facebook:…``), so the store
never confuses them with the Mastodon posts they were copied from.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from parity.demo import DemoWorld
from parity.demo.scenario import BLUESKY_HANDLE, MASTODON_ACCOUNT

SECOND_ORG = ("norrby-kommun", "Norrby kommun")


def _export(world: DemoWorld, path: Path, platform: str, account: str, picks: slice, shift_hours: float) -> int:
    assert world.scenario is not None
    statuses = [s for s in world.scenario.mastodon_statuses
                if s.account.startswith("sjobacka") and not s.in_reply_to_id and not s.reblog_of_id]
    lines = []
    for index, status in enumerate(statuses[picks]):
        when = status.created_at + dt.timedelta(hours=shift_hours)
        lines.append(json.dumps({
            "id": f"{platform}:{account}:{index + 1}", "org": "placeholder", "platform": platform, "account": account,
            "url": f"https://{platform}.example/{account}/posts/{index + 1}",
            "published_at": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            # every fourth post has its information in an image only (frames.image_only)
            "text": "Se bilden! 👇" if index % 4 == 3 else status.text, "links": [], "lang": "sv", "kind": "post",
            "media": [{"type": "image", "alt": None}] if index % 4 == 3 else
                     [{"type": "image", "alt": "Karta"}] if index % 3 == 0 else [],
        }, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def write_config(world: DemoWorld, folder: Path) -> Path:
    """The two-organisation config (and its two export files) in ``folder``; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    _export(world, folder / "instagram.jsonl", "instagram", "sjobacka", slice(0, 6), 1.0)
    _export(world, folder / "facebook.jsonl", "facebook", "norrby", slice(6, 16), 0.5)
    web = world.web_base
    org_id, org_name = SECOND_ORG
    config = f"""[crawl]
delay_seconds = 0
concurrency_per_host = 4
grace_hours = 24
window_days = 30

[[org]]
id = "sjobacka-kommun"
name = "Sjöbacka kommun"
web = [
  {{ type = "feed", url = {json.dumps(world.feed_url)} }},
  {{ type = "sitemap", url = "{web}/sitemap.xml" }},
  {{ type = "listing", url = "{web}/nyheter/", follow = "/nyheter/" }},
  {{ type = "notice_board", url = "{web}/anslagstavla" }},
]
social = [
  {{ platform = "mastodon", account = "{MASTODON_ACCOUNT}", api = "{world.mastodon_base}" }},
  {{ platform = "bluesky", account = "{BLUESKY_HANDLE}", api = "{world.bluesky_base}" }},
  {{ platform = "file", path = "instagram.jsonl", format = "posts_jsonl" }},
]

[[org]]
id = "{org_id}"
name = "{org_name}"
web = [
  {{ type = "feed", url = {json.dumps(world.feed_url)} }},
]
social = [
  {{ platform = "file", path = "facebook.jsonl", format = "posts_jsonl" }},
]
"""
    path = folder / "multi.toml"
    path.write_text(config, encoding="utf-8")
    return path
