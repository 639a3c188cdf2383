"""How the demo's cases are written: the accounts' names, the expectation record, and the builder.

``CaseBuilder`` turns one line per post ("9 days back, 07:30, this text, this
verdict, because…") into the emulators' status and post specs plus the
:class:`Expectation` the audit must meet. Ids come from the post's place in
the scenario, never from the clock, so they are the same in every run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from parity.demo.bluesky_entities import (
    BlueskyExternalSpec,
    BlueskyImageSpec,
    BlueskyPostSpec,
    BlueskyRepostSpec,
    stable_tid,
)
from parity.demo.bluesky_richtext import RichText
from parity.demo.mastodon_entities import MastodonCardSpec, MastodonMediaSpec, MastodonStatusSpec
from parity.demo.site_model import Page
from parity.demo.timeline import Moment, Timeline

ORG_ID = "sjobacka-kommun"
ORG_NAME = "Sjöbacka kommun"
MASTODON_DOMAIN = "social.demo"
MASTODON_USER = "sjobacka"
MASTODON_ACCOUNT = f"{MASTODON_USER}@{MASTODON_DOMAIN}"
BLUESKY_HANDLE = "sjobacka.bsky.demo"
#: Fixed origin of the id scale: ids say where a post sits in the scenario, not when it was made.
_ID_ORIGIN_MS = int(dt.datetime(2025, 6, 2, tzinfo=dt.timezone.utc).timestamp() * 1000)

Verdict = Literal["match", "partial", "late", "social_only", "excluded"]
Platform = Literal["mastodon", "bluesky"]


@dataclass(frozen=True)
class Expectation:
    """What the audit must say about one post."""

    post_id: str
    platform: Platform
    verdict: Verdict
    page_key: str | None = None
    path: str | None = None
    also_paths: tuple[str, ...] = ()
    missing_facts: tuple[str, ...] = ()
    link: str | None = None
    aliases: tuple[str, ...] = ()
    reason: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["also_paths"] = list(self.also_paths)
        data["missing_facts"] = list(self.missing_facts)
        data["aliases"] = list(self.aliases)
        return data


def mastodon_status_id(moment: Moment, sequence: int = 0) -> str:
    """A snowflake-shaped id from the post's scenario position (stable across runs)."""
    millis = _ID_ORIGIN_MS + moment.offset_minutes() * 60_000
    return str((millis << 16) + sequence)


def bluesky_rkey(moment: Moment, seed: str) -> str:
    """A TID from the post's scenario position (stable across runs)."""
    return stable_tid(moment.offset_minutes() * 60_000_000 + 50_000_000_000_000, seed)


def short_url(url: str) -> str:
    """How the Bluesky app displays a link: host plus 13 characters of the path and ``...``."""
    parts = urlsplit(url)
    path = ("" if parts.path == "/" else parts.path) + (f"?{parts.query}" if parts.query else "")
    return parts.netloc + (path[:13] + "..." if len(path) > 15 else path)


class CaseBuilder:
    """Collects specs and expectations while the cases below are written."""

    def __init__(self, tl: Timeline, web_base: str, pages: list[Page]) -> None:
        self.tl = tl
        self.web_base = web_base.rstrip("/")
        self.pages = {p.key: p for p in pages}
        self.statuses: list[MastodonStatusSpec] = []
        self.posts: list[BlueskyPostSpec] = []
        self.reposts: list[BlueskyRepostSpec] = []
        self.expectations: dict[str, Expectation] = {}

    def document_paths(self, key: str) -> tuple[str, ...]:
        """The PDFs a page links: a crawler that reads documents may match the post to those instead."""
        return tuple(d.path for d in self.pages[key].documents)

    def url(self, key: str, **utm: str) -> str:
        base = self.web_base + self.pages[key].path
        return f"{base}?{urlencode(utm)}" if utm else base

    def expect(self, post_id: str, platform: Platform, verdict: Verdict, page: str | None, reason: str, *,
               missing: tuple[str, ...] = (), link: str | None = None, aliases: tuple[str, ...] = (),
               also: tuple[str, ...] = ()) -> None:
        if post_id in self.expectations:
            raise ValueError(f"duplicate post id {post_id}")
        path = self.pages[page].path if page else None
        self.expectations[post_id] = Expectation(post_id, platform, verdict, page, path, also, missing, link,
                                                 aliases, reason)

    # --- Mastodon ------------------------------------------------------------------------

    def toot(self, moment: Moment, text: str, verdict: Verdict, page: str | None, reason: str, *,
             link: str | None = None, media: tuple[MastodonMediaSpec, ...] = (), missing: tuple[str, ...] = (),
             also: tuple[str, ...] = (), reply_to: str | None = None, pinned: bool = False,
             edited_after: dt.timedelta | None = None, counts: tuple[int, int, int] = (0, 0, 0)) -> str:
        status_id = mastodon_status_id(moment)
        card = None
        if link and page:
            target = self.pages[page]
            card = MastodonCardSpec(url=link, title=target.title, description=target.preamble,
                                    provider_name=ORG_NAME)
        created = self.tl.at(moment)
        self.statuses.append(MastodonStatusSpec(
            id=status_id, account=MASTODON_USER, created_at=created, text=text, media=media, card=card,
            in_reply_to_id=reply_to, pinned=pinned,
            edited_at=created + edited_after if edited_after else None,
            replies_count=counts[0], reblogs_count=counts[1], favourites_count=counts[2],
        ))
        self.expect(f"mastodon:{MASTODON_ACCOUNT}:{status_id}", "mastodon", verdict, page, reason,
                    missing=missing, link=link, also=also)
        return status_id

    def other_toot(self, account: str, moment: Moment, text: str, sequence: int = 7) -> str:
        status_id = mastodon_status_id(moment, sequence)
        self.statuses.append(MastodonStatusSpec(id=status_id, account=account, created_at=self.tl.at(moment),
                                                text=text, replies_count=1))
        return status_id

    def boost(self, moment: Moment, original: str, reason: str) -> None:
        status_id = mastodon_status_id(moment)
        self.statuses.append(MastodonStatusSpec(id=status_id, account=MASTODON_USER,
                                                created_at=self.tl.at(moment), reblog_of_id=original,
                                                application=None))
        self.expect(f"mastodon:{MASTODON_ACCOUNT}:{status_id}", "mastodon", "excluded", None, reason,
                    aliases=(f"mastodon:{MASTODON_ACCOUNT}:{original}",))

    # --- Bluesky -------------------------------------------------------------------------

    def skeet(self, moment: Moment, text: str | RichText, verdict: Verdict, page: str | None, reason: str, *,
              link: str | None = None, images: tuple[BlueskyImageSpec, ...] = (), card: bool = False,
              missing: tuple[str, ...] = (), also: tuple[str, ...] = (), reply_to: str | None = None,
              langs: tuple[str, ...] | None = ("sv",), counts: tuple[int, int, int] = (0, 0, 0),
              collected: bool = True) -> str:
        """``collected=False``: a reply in someone else's thread, which the crawler's feed
        filter (``posts_and_author_threads``) never receives, so it gets no verdict."""
        rkey = bluesky_rkey(moment, f"{BLUESKY_HANDLE}/{moment}")
        if isinstance(text, RichText):
            body, facets = text.build()
        else:
            body, facets = text, ()
        external = None
        if card and link and page:
            target = self.pages[page]
            external = BlueskyExternalSpec(uri=link, title=f"{target.title} | {ORG_NAME}", description=target.preamble)
        self.posts.append(BlueskyPostSpec(
            author=BLUESKY_HANDLE, rkey=rkey, text=body, created_at=self.tl.at(moment), facets=facets,
            images=images, external=external, reply_to=reply_to, langs=langs,
            reply_count=counts[0], repost_count=counts[1], like_count=counts[2],
        ))
        if collected:
            self.expect(f"bluesky:{BLUESKY_HANDLE}:{rkey}", "bluesky", verdict, page, reason,
                        missing=missing, link=link, also=also)
        return rkey

    def other_skeet(self, handle: str, moment: Moment, text: str, *, deleted: bool = False) -> str:
        rkey = bluesky_rkey(moment, f"{handle}/{moment}")
        self.posts.append(BlueskyPostSpec(author=handle, rkey=rkey, text=text, created_at=self.tl.at(moment),
                                          facets=None, reply_count=1, like_count=3, deleted=deleted))
        return f"{handle}/{rkey}"

    def repost(self, moment: Moment, subject: str, reason: str, *, expected: bool = True) -> None:
        rkey = bluesky_rkey(moment, f"{BLUESKY_HANDLE}/repost/{moment}")
        self.reposts.append(BlueskyRepostSpec(by=BLUESKY_HANDLE, rkey=rkey, subject=subject,
                                              created_at=self.tl.at(moment)))
        if expected:
            original_rkey = subject.split("/", 1)[1]
            self.expect(f"bluesky:{BLUESKY_HANDLE}:{rkey}", "bluesky", "excluded", None, reason,
                        aliases=(f"bluesky:{BLUESKY_HANDLE}:{original_rkey}",))
