"""The demo's social posts and the verdict each one must get.

Every post is written next to its expected verdict so the two cannot drift apart.
Post ids are what the crawler produces (``mastodon:<acct>:<status id>``,
``bluesky:<handle>:<rkey>``); status ids and record keys are derived from the
post's place in the scenario ("9 days back, 07:30"), never from the clock, so
they are identical in every run while the dates move with ``now``.

Verdicts follow ../shared/contracts.md, "Records" (the verdict table), with the default 24 h grace period:

* ``match`` – a page carries every key fact and appeared at most 24 h after the post
  (by link, with or without utm parameters, or by text alone);
* ``partial`` – the page on the matter lacks a fact the post states (a clock time or a day);
* ``late`` – as match, but the page appeared 3–4 days after the post;
* ``social_only`` – no page at all; these posts share only general words with the site;
* ``excluded`` – replies to residents, boosts and reposts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from parity.demo.bluesky_entities import BlueskyActorSpec, BlueskyPostSpec, BlueskyRepostSpec
from parity.demo.mastodon_entities import MastodonAccountSpec, MastodonStatusSpec
from parity.demo.scenario_builder import (
    BLUESKY_HANDLE,
    MASTODON_ACCOUNT,
    MASTODON_DOMAIN,
    MASTODON_USER,
    ORG_ID,
    ORG_NAME,
    CaseBuilder,
    Expectation,
)
from parity.demo.scenario_cases import bluesky_cases, mastodon_cases
from parity.demo.site_model import Page
from parity.demo.sjobacka_pages import build_pages
from parity.demo.timefmt import as_utc, utc_now
from parity.demo.timeline import Timeline

__all__ = ["BLUESKY_HANDLE", "MASTODON_ACCOUNT", "MASTODON_DOMAIN", "MASTODON_USER", "ORG_ID", "ORG_NAME",
           "Expectation", "Scenario", "build_scenario"]


@dataclass
class Scenario:
    """The whole demo world's content for one ``now`` and one web base URL."""

    now: dt.datetime
    web_base: str
    pages: list[Page]
    mastodon_accounts: list[MastodonAccountSpec]
    mastodon_statuses: list[MastodonStatusSpec]
    bluesky_actors: list[BlueskyActorSpec]
    bluesky_posts: list[BlueskyPostSpec]
    bluesky_reposts: list[BlueskyRepostSpec]
    expectations: dict[str, Expectation] = field(default_factory=dict)

    def page(self, key: str) -> Page:
        return next(p for p in self.pages if p.key == key)

    def expected_verdicts(self) -> dict[str, str]:
        return {post_id: e.verdict for post_id, e in self.expectations.items()}

    def expectation_for(self, post_id: str) -> Expectation | None:
        """By id, or by an alias (a boost/repost keyed by the original post's id)."""
        if post_id in self.expectations:
            return self.expectations[post_id]
        return next((e for e in self.expectations.values() if post_id in e.aliases), None)

    def expectations_jsonl(self) -> str:
        return "".join(
            json.dumps(e.to_json_dict(), ensure_ascii=False, sort_keys=True) + "\n"
            for e in sorted(self.expectations.values(), key=lambda e: e.post_id)
        )


def _mastodon_accounts(web_base: str) -> list[MastodonAccountSpec]:
    return [
        MastodonAccountSpec(
            id="109348713215804416", username=MASTODON_USER, display_name=ORG_NAME,
            note="Officiellt konto för Sjöbacka kommun. Vi läser meddelanden vardagar. "
                 "Akuta ärenden: ring kontaktcenter.",
            created_at=dt.datetime(2022, 11, 14, tzinfo=dt.timezone.utc),
            fields=(("Webbplats", web_base), ("Kontaktcenter", "070-174 06 00")),
            followers_count=1843, following_count=61,
        ),
        MastodonAccountSpec(id="109512004466831227", username="lena_b", display_name="Lena Berg",
                            created_at=dt.datetime(2022, 12, 13, tzinfo=dt.timezone.utc), followers_count=88),
        MastodonAccountSpec(id="110021570139962001", username="erik_s", display_name="Erik S",
                            created_at=dt.datetime(2023, 3, 14, tzinfo=dt.timezone.utc), followers_count=12),
        MastodonAccountSpec(id="109402271845561098", username="raddningstjansten",
                            display_name="Räddningstjänsten Sjöbacka", bot=False,
                            note="Räddningstjänsten i Sjöbacka. Vid nödläge: ring 112.",
                            created_at=dt.datetime(2022, 11, 24, tzinfo=dt.timezone.utc), followers_count=2210),
    ]


def _bluesky_actors(pinned_rkey: str | None) -> list[BlueskyActorSpec]:
    return [
        BlueskyActorSpec(handle=BLUESKY_HANDLE, display_name=ORG_NAME,
                         description="Sjöbacka kommuns officiella konto 🏛️ Nyheter, driftinformation och evenemang.",
                         created_at=dt.datetime(2023, 11, 2, 9, 12, 44, 120000, tzinfo=dt.timezone.utc),
                         pinned_rkey=pinned_rkey, followers_count=964, follows_count=40),
        BlueskyActorSpec(handle="anna-lind.bsky.demo", display_name="Anna Lind"),
        BlueskyActorSpec(handle="per-o.bsky.demo", display_name="Per Olsson"),
        BlueskyActorSpec(handle="raddningstjansten.bsky.demo", display_name="Räddningstjänsten Sjöbacka"),
        BlueskyActorSpec(handle="sjobackaenergi.bsky.demo", display_name="Sjöbacka Energi"),
        BlueskyActorSpec(handle="privat-konto.bsky.demo", display_name="Privat konto", no_unauthenticated=True),
    ]


def build_scenario(now: dt.datetime | None = None, web_base: str = "http://127.0.0.1:8000") -> Scenario:
    """The demo content for ``now`` (default: the current UTC time) with links to ``web_base``."""
    now = as_utc(now) if now is not None else utc_now()
    tl = Timeline(now)
    pages = build_pages(tl)
    builder = CaseBuilder(tl, web_base, pages)
    mastodon_cases(builder)
    bluesky_cases(builder)
    pinned = next(p.rkey for p in builder.posts if "Kommunfullmäktige sammanträder" in p.text)
    return Scenario(
        now=now,
        web_base=web_base.rstrip("/"),
        pages=pages,
        mastodon_accounts=_mastodon_accounts(web_base.rstrip("/")),
        mastodon_statuses=builder.statuses,
        bluesky_actors=_bluesky_actors(pinned),
        bluesky_posts=builder.posts,
        bluesky_reposts=builder.reposts,
        expectations=builder.expectations,
    )
