"""What Sjöbacka kommun has published on its web site: news, disruptions, notices, files.

Paths never contain dates, so the expected page of a post is the same in every run.
The text is written like a Swedish municipality writes (klarspråk, the key facts
in the preamble, a contact number at the end). Pages that the demo posts refer
to carry the posts' facts in the same spelling, except where a case is meant to
be ``partial`` and the page leaves a fact out on purpose (noted per page). The
other pages (``sjobacka_background.py``) are everyday background so a matcher
has something to choose from.
"""

from __future__ import annotations

from parity.demo.site_model import Document, Page
from parity.demo.sjobacka_background import background_pages, static_pages
from parity.demo.timeline import Moment, Timeline, Wd, dm, wd


def case_pages(tl: Timeline) -> list[Page]:
    """Pages that demo posts point at (their keys are used in ``scenario``)."""
    kf_day = tl.fullmaktige
    kallelse = Document(
        key="kallelse-kf",
        filename=f"Kallelse kommunfullmäktige {kf_day.isoformat()}.pdf",
        title="Kallelse till sammanträde med kommunfullmäktige",
        lines=(
            "Sjöbacka kommun, kommunfullmäktige",
            f"Tid: {wd(kf_day)} kl. 18.30",
            "Plats: Sessionssalen, Kommunhuset, Rådhustorget 1",
            "",
            "Ärenden",
            "1. Val av justerare",
            "2. Allmänhetens frågestund",
            "3. Årsredovisning för Sjöbacka kommun",
            "4. Taxa för vatten och avlopp",
            "5. Motion om fler sittplatser i Lindparken",
            "6. Val av ersättare i valnämnden",
            "",
            "Sammanträdet är öppet för allmänheten och sänds direkt på sjobacka.se.",
            "Karin Ek, ordförande              Jonas Berg, sekreterare",
        ),
        published=tl.at(Moment(12, "08:45")),
    )
    return [
        Page(
            key="vatten-storgatan",
            kind="disruption",
            slug="vattenavstangning-pa-storgatan",
            title="Vattenavstängning på Storgatan",
            preamble=f"{Wd(tl.storgatan)} stängs vattnet av för fastigheterna på Storgatan 10–24 kl. 8–16. "
                     "Vi byter en huvudledning.",
            body=(
                "Sjöbacka kommuns VA-avdelning byter en huvudvattenledning under Storgatan. Under arbetet stängs "
                f"vattnet av för fastigheterna på Storgatan 10–24, {wd(tl.storgatan)} kl. 8–16.",
                "Tappa upp vatten i förväg till dryck och matlagning. En vattentank ställs ut vid Storgatan 15 "
                "och står kvar under hela avstängningen.",
                "När vattnet kommer tillbaka kan det vara missfärgat en stund. Spola i kranen tills vattnet är klart.",
                "Har du frågor? Ring VA-avdelningen på 070-174 06 51.",
            ),
            facts=(
                ("Berört område", "Storgatan 10–24"),
                ("Påbörjas", f"{wd(tl.storgatan)} kl. 8"),
                ("Beräknas åtgärdat", f"{wd(tl.storgatan)} kl. 16"),
            ),
            published=tl.at(Moment(9, "06:30")),
        ),
        Page(
            key="kvarnbyskolan-stangd",
            kind="news",
            slug="kvarnbyskolan-stangd-efter-vattenskada",
            title="Kvarnbyskolan stängd efter vattenskada",
            preamble=f"Kvarnbyskolan håller stängt {wd(tl.kvarnbyskolan)} efter en vattenskada i matsalen. "
                     "Fritids tar emot barn på Lindås skola kl. 6.30–18.",
            body=(
                "I natt upptäcktes en vattenskada i Kvarnbyskolans matsal och kök. Skolan håller därför stängt "
                f"för alla elever {wd(tl.kvarnbyskolan)}.",
                "Barn som behöver omsorg tas emot på fritids i Lindås skola, Lindåsvägen 4, kl. 6.30–18. "
                "Lunch serveras där.",
                "Undervisningen sker på distans. Lärarna skickar instruktioner via lärplattformen under eftermiddagen.",
                "Frågor besvaras av rektor Maria Holm på 070-174 06 52.",
            ),
            published=tl.at(Moment(14, "11:00")),
        ),
        Page(
            key="kf-sammantrade",
            kind="notice",
            slug="kungorelse-sammantrade-med-kommunfullmaktige",
            title=f"Kungörelse: kommunfullmäktige sammanträder {dm(kf_day)}",
            preamble=f"Kommunfullmäktige sammanträder {wd(kf_day)} kl. 18.30 i Sessionssalen, "
                     "Kommunhuset, Rådhustorget 1.",
            body=(
                "Sammanträdet är öppet för allmänheten och sänds direkt på kommunens webbplats.",
                "Ärenden: val av justerare, allmänhetens frågestund, årsredovisning för Sjöbacka kommun, taxa för "
                "vatten och avlopp, motion om fler sittplatser i Lindparken och val av ersättare i valnämnden.",
                "Kallelse med ärendelista finns som pdf nedan. Handlingarna finns också att läsa i Kommunhusets reception.",
                "Karin Ek, ordförande",
            ),
            organization="Kommunfullmäktige",
            notice_from=tl.day(12),
            notice_to=kf_day,
            documents=(kallelse,),
            published=tl.at(Moment(12, "09:00")),
        ),
        Page(
            key="bibliotek-oppettider",
            kind="news",
            slug="nya-oppettider-pa-stadsbiblioteket",
            title="Nya öppettider på Stadsbiblioteket",
            preamble=f"Från {wd(tl.bibliotek_nya_tider)} får Stadsbiblioteket nya öppettider med längre öppet "
                     "på kvällarna.",
            body=(
                "Efter önskemål från besökarna utökar vi kvällsöppet på Stadsbiblioteket, Biblioteksgatan 3.",
                f"Nya öppettider från {wd(tl.bibliotek_nya_tider)}: måndag–torsdag kl. 10–19, fredag kl. 10–16, "
                "lördag kl. 11–15. Söndag stängt.",
                "Meröppet med bibliotekskort och pinkod gäller som tidigare alla dagar kl. 7–22.",
            ),
            published=tl.at(Moment(20, "10:00")),
        ),
        Page(
            key="sophamtning-norrby",
            kind="news",
            slug="andrad-sophamtning-i-norrby",
            title="Ändrad sophämtning i Norrby",
            preamble=f"Hämtningen av mat- och restavfall i Norrby flyttas från {wd(tl.sophamtning_ordinarie)} "
                     f"till {wd(tl.sophamtning_ny)} på grund av ledningsarbete.",
            body=(
                "Ledningsarbetet på Norrbyvägen gör att sopbilarna inte kommer fram som vanligt.",
                f"Hämtningen flyttas därför från {wd(tl.sophamtning_ordinarie)} till {wd(tl.sophamtning_ny)}. "
                "Ställ ut kärlet senast kl. 6 på hämtdagen.",
                "Hämtningen av förpackningar och tidningar påverkas inte.",
                "Frågor: kundtjänst avfall, 070-174 06 54.",
            ),
            published=tl.at(Moment(6, "08:00")),
        ),
        Page(
            key="vagarbete-hamnvagen",
            kind="disruption",
            slug="vagarbete-pa-hamnvagen",
            title="Vägarbete på Hamnvägen",
            preamble=f"Från {wd(tl.hamnvagen_start)} till {wd(tl.hamnvagen_slut)} bygger vi om Hamnvägen mellan "
                     "Sjögatan och Varvsgatan. Trafiken leds om via Sjögatan.",
            body=(
                f"Arbetet pågår vardagar kl. 7–17 från {wd(tl.hamnvagen_start)} till {wd(tl.hamnvagen_slut)}.",
                "Hamnvägen är avstängd för genomfartstrafik mellan Sjögatan och Varvsgatan. Trafiken leds om via "
                "Sjögatan. Gående och cyklister kan passera på södra sidan.",
                "Busshållplatsen Hamnvägen flyttas cirka 100 meter österut under arbetet.",
                "Frågor besvaras av gatuenheten på 070-174 06 53.",
            ),
            facts=(
                ("Berört område", "Hamnvägen mellan Sjögatan och Varvsgatan"),
                ("Påbörjas", wd(tl.hamnvagen_start)),
                ("Beräknas klart", wd(tl.hamnvagen_slut)),
            ),
            published=tl.at(Moment(17, "07:00")),
            modified=tl.at(Moment(15, "10:20")),
        ),
        Page(
            key="rostmottagare",
            kind="news",
            slug="valnamnden-soker-rostmottagare",
            title="Valnämnden söker röstmottagare",
            preamble="Vill du arbeta i vallokal eller med förtidsröstning? Valnämnden i Sjöbacka söker röstmottagare.",
            body=(
                "Som röstmottagare tar du emot väljarnas röster och ser till att valet går rätt till. "
                "Ersättningen är 1 800 kr per valdag.",
                f"Välkommen på informationsmöte {wd(tl.rostmottagare_mote)} kl. 18 i Kommunhuset, Rådhustorget 1. "
                "Anmäl dig senast dagen före till valkansliet på 070-174 06 55.",
                "Du behöver vara minst 18 år och gå en obligatorisk utbildning.",
            ),
            published=tl.at(Moment(24, "10:00")),
        ),
        Page(
            key="simhall-underhall",
            kind="news",
            slug="sjobacka-simhall-stanger-for-underhall",
            title="Sjöbacka simhall stänger för underhåll",
            preamble=f"Sjöbacka simhall håller stängt från {wd(tl.simhall_stangd)} till {wd(tl.simhall_stangd_till)} "
                     f"för underhåll av reningsverket. Vi öppnar igen {wd(tl.simhall_oppnar)} kl. 6.30.",
            body=(
                "Under veckan byter vi filter i bassängernas reningsverk och fogar om kaklet i den stora bassängen.",
                "Gymmet och relaxavdelningen är också stängda.",
                "Har du ett periodkort förlängs det automatiskt med en vecka.",
                "Frågor: simhallens reception, 070-174 06 56.",
            ),
            published=tl.at(Moment(4, "08:00")),
        ),
        # partial on purpose: the page gives the day but not the time (posts say kl. 9–14)
        Page(
            key="vatten-bjorkvagen",
            kind="disruption",
            slug="vattenavstangning-pa-bjorkvagen",
            title="Vattenavstängning på Björkvägen",
            preamble=f"{Wd(tl.bjorkvagen)} stängs vattnet av på Björkvägen för byte av en ventil.",
            body=(
                "Vi byter en trasig ventil i vattenledningen under Björkvägen. Vattnet stängs av för fastigheterna "
                f"på Björkvägen under dagen {wd(tl.bjorkvagen)}.",
                "Tappa upp vatten innan avstängningen.",
                "Berörda fastigheter får information via sms.",
            ),
            facts=(("Berört område", "Björkvägen"), ("Påbörjas", wd(tl.bjorkvagen))),
            published=tl.at(Moment(3, "10:00")),
        ),
        # partial on purpose: the page never says which day (posts do)
        Page(
            key="kvarnby-bibliotek",
            kind="news",
            slug="kvarnby-bibliotek-stanger-en-dag-for-utbildning",
            title="Kvarnby bibliotek stänger en dag för utbildning",
            preamble="Kvarnby bibliotek håller stängt en dag nästa vecka när personalen går en utbildning.",
            body=(
                "All personal på Kvarnby bibliotek deltar i en heldagsutbildning om det nya lånesystemet. "
                "Biblioteket håller därför stängt den dagen.",
                "Böcker kan lämnas i återlämningslådan vid entrén. Reserverade böcker kan hämtas dagen efter.",
                "Stadsbiblioteket har öppet som vanligt.",
            ),
            published=tl.at(Moment(8, "09:00")),
        ),
        # partial on purpose: the page gives the day but not the time (posts say kl. 18–20)
        Page(
            key="solbacken-infomote",
            kind="news",
            slug="informationsmote-om-detaljplanen-for-solbacken",
            title="Informationsmöte om detaljplanen för Solbacken",
            preamble=f"Välkommen på informationsmöte om förslaget till ny detaljplan för Solbacken "
                     f"{wd(tl.solbacken_mote)} i Sjöbacka sporthall.",
            body=(
                "Förslaget innebär cirka 120 nya bostäder, en förskola och en ny park norr om Solbackens gård.",
                f"På mötet {wd(tl.solbacken_mote)} i Sjöbacka sporthall, Idrottsvägen 2, berättar kommunens "
                "planarkitekter om förslaget och svarar på frågor.",
                "Synpunkter på förslaget lämnar du skriftligt till samhällsbyggnadsförvaltningen.",
            ),
            published=tl.at(Moment(10, "13:00")),
        ),
        # late on purpose: published three days after the posts about it
        Page(
            key="kvarnbyvagen-avstangd",
            kind="disruption",
            slug="kvarnbyvagen-avstangd-vid-jarnvagsbron",
            title="Kvarnbyvägen avstängd vid järnvägsbron",
            preamble=f"Kvarnbyvägen är avstängd vid järnvägsbron från {wd(tl.kvarnbyvagen_start)} kl. 9 till "
                     f"{wd(tl.kvarnbyvagen_slut)} kl. 15 på grund av broarbete.",
            body=(
                "Trafikverket reparerar järnvägsbron över Kvarnbyvägen.",
                f"Vägen är avstängd för all fordonstrafik från {wd(tl.kvarnbyvagen_start)} kl. 9 till "
                f"{wd(tl.kvarnbyvagen_slut)} kl. 15. Omledning sker via Ringvägen.",
                "Gång- och cykeltrafik leds förbi arbetsplatsen.",
            ),
            facts=(
                ("Berört område", "Kvarnbyvägen vid järnvägsbron"),
                ("Påbörjas", f"{wd(tl.kvarnbyvagen_start)} kl. 9"),
                ("Beräknas klart", f"{wd(tl.kvarnbyvagen_slut)} kl. 15"),
            ),
            published=tl.at(Moment(12, "14:00")),
        ),
        # late on purpose
        Page(
            key="farligt-avfall",
            kind="news",
            slug="insamling-av-farligt-avfall-i-lerdalen",
            title="Insamling av farligt avfall i Lerdalen",
            preamble=f"{Wd(tl.farligt_avfall)} kl. 10–14 kan du lämna farligt avfall vid "
                     "Återvinningscentralen Lerdalen.",
            body=(
                "Du kan lämna färgrester, lösningsmedel, batterier, lysrör och kemikalier. Lämna avfallet i "
                "originalförpackningen om det går.",
                "Tjänsten är gratis för hushåll i Sjöbacka.",
                "Asbest och däck tas inte emot.",
            ),
            published=tl.at(Moment(10, "15:00")),
        ),
        # late on purpose
        Page(
            key="boendeparkering",
            kind="news",
            slug="ny-avgift-for-boendeparkering",
            title="Ny avgift för boendeparkering",
            preamble=f"Från {dm(tl.boendeparkering)} kostar boendeparkering i centrum 500 kr per månad.",
            body=(
                "Kommunstyrelsen har beslutat om nya parkeringsavgifter i centrum.",
                f"Från {dm(tl.boendeparkering)} är avgiften för boendeparkering 500 kr per månad. "
                "Tidigare var avgiften 350 kr.",
                "Tillstånd söker du via e-tjänsten. Frågor: parkeringshandläggaren, 070-174 06 57.",
            ),
            published=tl.at(Moment(18, "09:00")),
        ),
    ]


def build_pages(tl: Timeline) -> list[Page]:
    """Every page of the site, items first."""
    background, kf_documents = background_pages(tl)
    pages = case_pages(tl) + background + static_pages(tl, tuple(kf_documents))
    paths = [p.path for p in pages]
    if len(set(paths)) != len(paths):
        raise ValueError("two demo pages share a path")
    return pages
