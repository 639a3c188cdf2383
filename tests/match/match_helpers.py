from __future__ import annotations

from parity.core.records import Post, WebItem


def post(pid: str, text: str = "", *, org: str = "uppsala-kommun", links=(), kind: str = "post",
         published_at: str | None = "2026-03-10T08:00:00Z", lang: str | None = "sv", **extra) -> Post:
    return Post(id=pid, org=org, platform="mastodon", text=text, links=list(links), kind=kind,
                published_at=published_at, lang=lang, **extra)


def web(wid: str, title: str, text: str, *, org: str = "uppsala-kommun", url: str | None = None,
        published_at: str | None = "2026-03-10T07:00:00Z", lang: str | None = "sv", **extra) -> WebItem:
    return WebItem(id=wid, org=org, source="feed", url=url or f"https://www.uppsala.se/nyheter/{wid}",
                   title=title, text=text, published_at=published_at, lang=lang, **extra)


#: A small Swedish municipality world: a few pages on different matters.
PAGES = [
    web("w-water", "Vattenavstängning på Storgatan",
        "Den 12 mars mellan klockan 08.00 och 16.00 stängs vattnet av på Storgatan 12 på grund av "
        "ledningsarbete. Fyll gärna på vatten i förväg. Frågor: ring kundservice 018-727 00 00."),
    web("w-library", "Stadsbiblioteket får nya öppettider",
        "Från och med 1 april har Stadsbiblioteket öppet vardagar klockan 10–19 och lördagar 11–15. "
        "Välkommen!"),
    web("w-snow", "Snöröjning i centrum under natten",
        "Under natten till onsdag plogar vi gator och cykelvägar i centrala Uppsala. Flytta bilen från "
        "gatan så att plogbilarna kommer fram."),
    web("w-budget", "Kommunfullmäktige beslutade om budget",
        "Kommunfullmäktige har fattat beslut om budget för nästa år. Skattesatsen är oförändrad och "
        "satsningar görs på skola och äldreomsorg."),
    web("w-vote", "Förtidsröstning öppnar",
        "Förtidsröstningen i valet öppnar den 20 augusti. Du kan rösta i Stadshuset, Station Linné och "
        "på biblioteken. Ta med id-handling och röstkort."),
]
