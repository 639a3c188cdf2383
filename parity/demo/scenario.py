"""The demo's social posts and the verdict each one must get.

Every post is written next to its expected verdict so the two cannot drift apart.
Post ids are what the crawler produces (``mastodon:<acct>:<status id>``,
``bluesky:<handle>:<rkey>``); status ids and record keys are derived from the
post's place in the scenario ("9 days back, 07:30"), never from the clock, so
they are identical in every run while the dates move with ``now``.

Verdicts follow contracts.md §3 with the default 24 h grace period:

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
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from parity.demo.bluesky_entities import (
    BlueskyActorSpec,
    BlueskyExternalSpec,
    BlueskyImageSpec,
    BlueskyPostSpec,
    BlueskyRepostSpec,
    RichText,
    did_for,
    stable_tid,
)
from parity.demo.mastodon_entities import (
    MastodonAccountSpec,
    MastodonCardSpec,
    MastodonMediaSpec,
    MastodonStatusSpec,
)
from parity.demo.site_model import Page
from parity.demo.sjobacka_pages import build_pages
from parity.demo.timefmt import as_utc, utc_now
from parity.demo.timeline import Moment, Timeline, Wd, dm, wd

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


class _Builder:
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


def _mastodon_cases(b: _Builder) -> None:
    tl = b.tl
    # --- match, by link ---
    b.toot(Moment(9, "07:30"),
           f"💧 Vattenavstängning på Storgatan 10–24 {wd(tl.storgatan)} kl. 8–16. En vattentank står vid "
           f"Storgatan 15. Läs mer: {b.url('vatten-storgatan', utm_source='mastodon', utm_medium='social')} #Sjöbacka",
           "match", "vatten-storgatan", "link with utm parameters; page has day, time and places",
           link=b.url("vatten-storgatan", utm_source="mastodon", utm_medium="social"),
           media=(MastodonMediaSpec(description="Karta över Storgatan där sträckan 10–24 är markerad"),),
           counts=(1, 4, 6))
    b.toot(Moment(14, "11:20"),
           f"Kvarnbyskolan är stängd {wd(tl.kvarnbyskolan)} efter en vattenskada. Fritids tar emot barn på "
           f"Lindås skola, Lindåsvägen 4, kl. 6.30–18. Mer information: {b.url('kvarnbyskolan-stangd')}",
           "match", "kvarnbyskolan-stangd", "plain link; page published 20 minutes earlier",
           link=b.url("kvarnbyskolan-stangd"))
    b.toot(Moment(11, "16:05"),
           f"Välkommen till kommunfullmäktiges sammanträde {wd(tl.fullmaktige)} kl. 18.30 i Sessionssalen, "
           f"Rådhustorget 1. Sammanträdet sänds också direkt. Kallelse: "
           f"{b.url('kf-sammantrade', utm_campaign='kf', utm_source='mastodon')}",
           "match", "kf-sammantrade", "link to the notice-board notice (found via the board's JSON or the sitemap)",
           link=b.url("kf-sammantrade", utm_campaign="kf", utm_source="mastodon"), pinned=True,
           also=b.document_paths("kf-sammantrade"))
    b.toot(Moment(17, "08:05"),
           f"Hamnvägen byggs om mellan Sjögatan och Varvsgatan från {wd(tl.hamnvagen_start)} till "
           f"{wd(tl.hamnvagen_slut)}, vardagar kl. 7–17. Omledning via Sjögatan. "
           f"{b.url('vagarbete-hamnvagen', utm_source='mastodon', utm_medium='social', utm_campaign='hamnvagen')}",
           "match", "vagarbete-hamnvagen", "link with utm parameters to a disruption page (only in the sitemap)",
           link=b.url("vagarbete-hamnvagen", utm_source="mastodon", utm_medium="social", utm_campaign="hamnvagen"),
           edited_after=dt.timedelta(minutes=12))
    # --- match, text only ---
    b.toot(Moment(19, "09:00"),
           f"Från {wd(tl.bibliotek_nya_tider)} har Stadsbiblioteket längre öppet: måndag–torsdag kl. 10–19, "
           "fredag kl. 10–16 och lördag kl. 11–15. Välkommen! 📚",
           "match", "bibliotek-oppettider", "no link; page published the day before carries all three time ranges")
    b.toot(Moment(6, "09:00"),
           f"🗑️ Sophämtningen i Norrby flyttas från {wd(tl.sophamtning_ordinarie)} till {wd(tl.sophamtning_ny)}. "
           "Ställ ut kärlet senast kl. 6 på hämtdagen.",
           "match", "sophamtning-norrby", "no link; both days and the time are on the page")
    b.toot(Moment(24, "13:00"),
           f"🗳️ Valnämnden söker röstmottagare! Ersättning 1 800 kr per valdag. Informationsmöte "
           f"{wd(tl.rostmottagare_mote)} kl. 18 i Kommunhuset, Rådhustorget 1.",
           "match", "rostmottagare", "no link; page is older than the RSS feed's 15 items (listing/sitemap needed)")
    b.toot(Moment(5, "20:00"),
           f"Påminnelse: Sjöbacka simhall stänger för underhåll från {wd(tl.simhall_stangd)} till "
           f"{wd(tl.simhall_stangd_till)}. Öppet igen {wd(tl.simhall_oppnar)} kl. 6.30. Periodkort förlängs "
           "automatiskt med en vecka.",
           "match", "simhall-underhall", "no link; page appeared 12 h after the post, inside the 24 h grace period")
    # --- partial ---
    b.toot(Moment(3, "11:00"),
           f"Vattnet stängs av på Björkvägen {wd(tl.bjorkvagen)} kl. 9–14 för byte av en ventil. Tappa upp vatten "
           f"innan! {b.url('vatten-bjorkvagen')}",
           "partial", "vatten-bjorkvagen", "linked page has the day but not the time",
           link=b.url("vatten-bjorkvagen"), missing=("kl. 9–14",))
    b.toot(Moment(8, "10:05"),
           f"Kvarnby bibliotek håller stängt {wd(tl.kvarnby_bibliotek)} när personalen utbildas. "
           f"Återlämningslådan vid entrén är öppen. {b.url('kvarnby-bibliotek')}",
           "partial", "kvarnby-bibliotek", "linked page never names the day",
           link=b.url("kvarnby-bibliotek"), missing=(wd(tl.kvarnby_bibliotek),))
    b.toot(Moment(10, "14:00"),
           f"Informationsmöte om detaljplanen för Solbacken {wd(tl.solbacken_mote)} kl. 18–20 i Sjöbacka "
           "sporthall, Idrottsvägen 2. Välkommen!",
           "partial", "solbacken-infomote", "no link; page has day and place but not the time",
           missing=("kl. 18–20",))
    # --- late ---
    b.toot(Moment(15, "07:00"),
           f"⚠️ Kvarnbyvägen stängs vid järnvägsbron från {wd(tl.kvarnbyvagen_start)} kl. 9 till "
           f"{wd(tl.kvarnbyvagen_slut)} kl. 15. Omledning via Ringvägen.",
           "late", "kvarnbyvagen-avstangd", "page published 3 days 7 hours after the post")
    b.toot(Moment(13, "08:00"),
           f"♻️ {Wd(tl.farligt_avfall)} kl. 10–14 tar vi emot farligt avfall vid Återvinningscentralen Lerdalen. "
           "Gratis för hushåll i Sjöbacka.",
           "late", "farligt-avfall", "page published 3 days 7 hours after the post")
    # --- social only ---
    b.toot(Moment(2, "13:20"),
           "🚱 Akut vattenläcka på Ekbacksvägen. Vattnet är avstängt för Ekbacksvägen 2–18 och vi räknar med att "
           "läckan är lagad kl. 15. Dricksvatten finns att hämta vid Ekbackens förskola.",
           "social_only", None, "emergency leak announced only on social media",
           media=(MastodonMediaSpec(description=None),), counts=(3, 12, 9))
    b.toot(Moment(7, "11:00"),
           f"☎️ Kommunens växel är stängd {wd(tl.vaxel_stangd)} kl. 12–13 på grund av systembyte. Vid akuta "
           "ärenden, ring jourtelefonen 070-174 06 60.",
           "social_only", None, "switchboard outage never published on the web")
    b.toot(Moment(16, "09:00"),
           f"🚌 Buss 4 kör inte via Kyrkbacken {wd(tl.sjobackaloppet)} på grund av Sjöbackaloppet. Närmaste "
           "hållplats är Torggatan. Omledningen gäller kl. 9–15.",
           "social_only", None, "bus diversion only on social media")
    b.toot(Moment(21, "15:00"),
           f"Öppet hus på fritidsgården Kompassen {wd(tl.kompassen_oppet_hus)} kl. 19–23 🎮 Gratis entré för alla "
           "i årskurs 7–9.",
           "social_only", None, "youth-centre event only on social media")
    # --- excluded: replies and boosts ---
    question = b.other_toot("lena_b", Moment(8, "09:50"),
                            "@sjobacka Gäller avstängningen på Storgatan även nummer 26?")
    b.toot(Moment(8, "10:15"),
           "@lena_b Nej, bara Storgatan 10–24 berörs. Vattentanken står vid Storgatan 15.",
           "excluded", None, "reply to a resident", reply_to=question)
    question = b.other_toot("erik_s", Moment(19, "10:20"), "@sjobacka Har biblioteket öppet på lördagar nu?")
    b.toot(Moment(19, "11:00"),
           f"@erik_s Ja! Från {wd(tl.bibliotek_nya_tider)} har Stadsbiblioteket öppet lördagar kl. 11–15.",
           "excluded", None, "reply to a resident (repeats facts of a page, still excluded)", reply_to=question)
    original = b.other_toot("raddningstjansten", Moment(6, "14:30"),
                            "Brandövning vid Sjöbacka hamn i eftermiddag kl. 15–17. Det kan bli mycket rök men "
                            "det är ingen fara. #Räddningstjänsten")
    b.boost(Moment(6, "15:00"), original, "boost of the rescue service's post")
    original = b.other_toot("raddningstjansten", Moment(18, "12:00"),
                            "Har du testat din brandvarnare? Tryck på testknappen en gång i månaden. 🔥")
    b.boost(Moment(18, "12:10"), original, "boost of the rescue service's post")


def _bluesky_cases(b: _Builder) -> None:
    tl = b.tl
    # --- match, by link (facet with UTF-8 byte offsets after å/ä/ö and emoji) ---
    b.skeet(Moment(9, "07:40"),
            RichText().text(f"💧 Vattnet stängs av på Storgatan 10–24 {wd(tl.storgatan)} kl. 8–16. "
                            "Vattentank finns vid Storgatan 15. ")
            .link(short_url(b.url("vatten-storgatan")), b.url("vatten-storgatan")),
            "match", "vatten-storgatan", "link facet after emoji and å/ä/ö; image without alt text",
            link=b.url("vatten-storgatan"), images=(BlueskyImageSpec(alt=""),), counts=(1, 3, 11))
    b.skeet(Moment(11, "16:00"),
            RichText().text(f"Kommunfullmäktige sammanträder {wd(tl.fullmaktige)} kl. 18.30 i Sessionssalen, "
                            "Rådhustorget 1. Mötet är öppet för allmänheten 🏛️ Kallelse och ärendelista: ")
            .link(short_url(b.url("kf-sammantrade")), b.url("kf-sammantrade")).text(" ").tag("Sjöbacka"),
            "match", "kf-sammantrade", "link facet to the notice; tag facet with ö", link=b.url("kf-sammantrade"),
            card=True, also=b.document_paths("kf-sammantrade"))
    b.skeet(Moment(20, "12:00"),
            RichText().text(f"📚 Nya öppettider på Stadsbiblioteket från {wd(tl.bibliotek_nya_tider)}: "
                            "måndag–torsdag kl. 10–19, fredag kl. 10–16, lördag kl. 11–15. ")
            .link(short_url(b.url("bibliotek-oppettider", utm_source="bluesky")),
                  b.url("bibliotek-oppettider", utm_source="bluesky")),
            "match", "bibliotek-oppettider", "link with utm_source; page is older than the feed window",
            link=b.url("bibliotek-oppettider", utm_source="bluesky"), card=True)
    b.skeet(Moment(23, "10:00"),
            f"Vill du jobba i valet? 🗳️ Valnämnden söker röstmottagare – informationsmöte {wd(tl.rostmottagare_mote)} "
            "kl. 18 i Kommunhuset, Rådhustorget 1. Ersättning 1 800 kr per valdag.",
            "match", "rostmottagare", "the link is only in the link card (embed.external), not in the text",
            link=b.url("rostmottagare"), card=True)
    b.skeet(Moment(4, "08:30"),
            RichText().text(f"🏊 Sjöbacka simhall är stängd från {wd(tl.simhall_stangd)} till "
                            f"{wd(tl.simhall_stangd_till)} för underhåll. Vi öppnar igen {wd(tl.simhall_oppnar)} "
                            "kl. 6.30. ")
            .link(short_url(b.url("simhall-underhall")), b.url("simhall-underhall")),
            "match", "simhall-underhall", "plain link; page published 30 minutes earlier",
            link=b.url("simhall-underhall"), card=True)
    # --- match, text only ---
    b.skeet(Moment(14, "12:00"),
            f"🏫 Kvarnbyskolan håller stängt {wd(tl.kvarnbyskolan)} på grund av vattenskada. Barn som behöver "
            "omsorg tas emot på Lindås skola kl. 6.30–18. Frågor: rektor, 070-174 06 52.",
            "match", "kvarnbyskolan-stangd", "no link; day, time, place and phone are on the page")
    b.skeet(Moment(6, "09:10"),
            f"Ändrad sophämtning i Norrby: mat- och restavfall hämtas {wd(tl.sophamtning_ny)} i stället för "
            f"{wd(tl.sophamtning_ordinarie)}. Ställ ut kärlet senast kl. 6 🗑️",
            "match", "sophamtning-norrby", "no link; same facts in a different order")
    b.skeet(Moment(17, "08:00"),
            f"🚧 Vägarbete på Hamnvägen mellan Sjögatan och Varvsgatan från {wd(tl.hamnvagen_start)} till "
            f"{wd(tl.hamnvagen_slut)}, vardagar kl. 7–17. Trafiken leds om via Sjögatan.",
            "match", "vagarbete-hamnvagen", "no link; disruption page found only through the sitemap",
            images=(BlueskyImageSpec(alt="Skylt om vägarbete vid Hamnvägen"),))
    # --- partial ---
    b.skeet(Moment(3, "11:05"),
            f"🚰 Björkvägen: vattnet stängs av {wd(tl.bjorkvagen)} kl. 9–14 när vi byter en ventil. Tappa upp "
            "vatten i förväg.",
            "partial", "vatten-bjorkvagen", "page has the day but not the time", missing=("kl. 9–14",))
    b.skeet(Moment(8, "10:00"),
            f"Kvarnby bibliotek är stängt {wd(tl.kvarnby_bibliotek)} på grund av personalutbildning. "
            "Stadsbiblioteket har öppet som vanligt 📖",
            "partial", "kvarnby-bibliotek", "page never names the day", missing=(wd(tl.kvarnby_bibliotek),))
    b.skeet(Moment(10, "14:10"),
            RichText().text(f"🏘️ Hur ska Solbacken byggas? Kom på informationsmöte om detaljplanen "
                            f"{wd(tl.solbacken_mote)} kl. 18–20 i Sjöbacka sporthall. ")
            .link(short_url(b.url("solbacken-infomote")), b.url("solbacken-infomote")),
            "partial", "solbacken-infomote", "linked page lacks the time", link=b.url("solbacken-infomote"),
            missing=("kl. 18–20",), card=True)
    # --- late ---
    b.skeet(Moment(15, "07:10"),
            f"Kvarnbyvägen är avstängd vid järnvägsbron från {wd(tl.kvarnbyvagen_start)} kl. 9 till "
            f"{wd(tl.kvarnbyvagen_slut)} kl. 15 på grund av broarbete. Kör via Ringvägen 🚗",
            "late", "kvarnbyvagen-avstangd", "page published 3 days 7 hours after the post")
    b.skeet(Moment(22, "10:00"),
            f"Boendeparkering i centrum kostar 500 kr per månad från {dm(tl.boendeparkering)} 🅿️ Ansök om tillstånd "
            "via e-tjänsten.",
            "late", "boendeparkering", "page published 3 days 23 hours after the post")
    # --- social only ---
    b.skeet(Moment(2, "13:30"),
            "Akut vattenläcka på Ekbacksvägen 🚱 Ekbacksvägen 2–18 är utan vatten. Beräknat klart kl. 15. Hämta "
            "dricksvatten vid Ekbackens förskola.",
            "social_only", None, "emergency leak announced only on social media",
            images=(BlueskyImageSpec(alt="Vattenläcka i gatan vid Ekbacksvägen"),), counts=(2, 9, 14))
    b.skeet(Moment(7, "11:05"),
            f"Växeln är stängd {wd(tl.vaxel_stangd)} kl. 12–13 när vi byter telefonisystem. Akuta ärenden: "
            "070-174 06 60 ☎️",
            "social_only", None, "switchboard outage never published on the web")
    power_cut = b.skeet(Moment(5, "18:40"),
            "⚡ Strömavbrott i Ängsby. Sjöbacka Energi felsöker och räknar med att strömmen är tillbaka kl. 21. "
            "Felanmälan: 070-174 06 61.",
            "social_only", None, "power cut only on social media (post has no langs)", langs=None)
    b.skeet(Moment(5, "20:55"),
            "Uppdatering: strömmen är tillbaka i hela Ängsby sedan kl. 20.45. Frågor om ersättning: 070-174 06 61.",
            "social_only", None, "self-thread update of the power cut (collected: the author's own thread)",
            reply_to=f"{BLUESKY_HANDLE}/{power_cut}")
    b.skeet(Moment(21, "15:05"),
            f"🎮 Fritidsgården Kompassen har öppet hus {wd(tl.kompassen_oppet_hus)} kl. 19–23. Alla i årskurs 7–9 "
            "är välkomna, gratis entré!",
            "social_only", None, "youth-centre event only on social media")
    # --- excluded: replies and reposts ---
    question = b.other_skeet("anna-lind.bsky.demo", Moment(8, "10:30"),
                             "Vet någon om vattentanken på Storgatan står kvar hela dagen?")
    b.skeet(Moment(8, "11:00"),
            RichText().mention("anna-lind.bsky.demo", did_for("anna-lind.bsky.demo"))
            .text(" Ja, vattentanken vid Storgatan 15 står kvar tills vattnet är tillbaka."),
            "excluded", None, "reply to a resident (mention facet)", reply_to=question, collected=False)
    question = b.other_skeet("per-o.bsky.demo", Moment(16, "08:40"), "Hur länge håller vägarbetet på Hamnvägen på?",
                             deleted=True)  # the resident deleted the question: the reply shows a notFoundPost
    b.skeet(Moment(16, "09:00"),
            f"Hej! Arbetet pågår från {wd(tl.hamnvagen_start)} till {wd(tl.hamnvagen_slut)}.",
            "excluded", None, "reply to a resident", reply_to=question, collected=False)
    original = b.other_skeet("raddningstjansten.bsky.demo", Moment(6, "14:35"),
                             "Brandövning vid Sjöbacka hamn kl. 15–17 i dag. Det kan bli rök men det är ingen fara.")
    b.repost(Moment(6, "15:05"), original, "repost of the rescue service")
    original = b.other_skeet("sjobackaenergi.bsky.demo", Moment(24, "15:30"),
                             "Vi bygger ut fibernätet i Lindås. Läs mer på vår webbplats.")
    b.repost(Moment(24, "16:00"), original, "repost of the energy company")
    # Reposts of an account hidden from logged-out viewers: the AppView drops them while hydrating,
    # which is what makes pages short while a cursor is still returned. The crawler never sees them.
    for moment in (Moment(11, "20:00"), Moment(16, "19:00"), Moment(25, "18:00")):
        hidden = b.other_skeet("privat-konto.bsky.demo", Moment(moment.days_ago, "17:00"),
                               "Ett inlägg som bara inloggade ser.")
        b.repost(moment, hidden, "", expected=False)


def build_scenario(now: dt.datetime | None = None, web_base: str = "http://127.0.0.1:8000") -> Scenario:
    """The demo content for ``now`` (default: the current UTC time) with links to ``web_base``."""
    now = as_utc(now) if now is not None else utc_now()
    tl = Timeline(now)
    pages = build_pages(tl)
    builder = _Builder(tl, web_base, pages)
    _mastodon_cases(builder)
    _bluesky_cases(builder)
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

