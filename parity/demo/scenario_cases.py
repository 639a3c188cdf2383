"""The demo's posts, one call per post, each next to the verdict it must get (see ``scenario.py``)."""

from __future__ import annotations

import datetime as dt

from parity.demo.bluesky_entities import BlueskyImageSpec, did_for
from parity.demo.bluesky_richtext import RichText
from parity.demo.mastodon_entities import MastodonMediaSpec
from parity.demo.scenario_builder import BLUESKY_HANDLE, CaseBuilder, short_url
from parity.demo.timeline import Moment, Wd, dm, wd


def mastodon_cases(b: CaseBuilder) -> None:
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


def bluesky_cases(b: CaseBuilder) -> None:
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
