"""What Sjöbacka kommun has published on its web site: news, disruptions, notices, files.

Paths never contain dates, so the expected page of a post is the same in every run.
The text is written like a Swedish municipality writes (klarspråk, the key facts
in the preamble, a contact number at the end). Pages that the demo posts refer
to carry the posts' facts in the same spelling, except where a case is meant to
be ``partial`` and the page leaves a fact out on purpose (noted per page). The
other pages are everyday background so a matcher has something to choose from.
"""

from __future__ import annotations

import datetime as dt

from parity.demo.site_model import Document, Page
from parity.demo.timeline import Moment, Timeline, Wd, dm, wd
from parity.demo.timefmt import long_date

#: Kommunallagen 13 kap.: three weeks to appeal, so notices stay up that long.
APPEAL_PERIOD = dt.timedelta(days=21)


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


def background_pages(tl: Timeline) -> list[Page]:
    """Everyday pages no demo post is about (distractors, and the older archive)."""
    protokoll_day = tl.protokoll_kf
    protokoll = Document(
        key="protokoll-kf",
        filename=f"Protokoll kommunfullmäktige {protokoll_day.isoformat()}.pdf",
        title="Protokoll från kommunfullmäktiges sammanträde",
        lines=(
            f"Sammanträdesdatum: {long_date(protokoll_day)}",
            "Plats: Sessionssalen, Kommunhuset",
            "",
            "§ 12 Budget och verksamhetsplan – fullmäktige fastställer kommunstyrelsens förslag.",
            "§ 13 Ny renhållningsordning – antas att gälla från nästa kalenderår.",
            "§ 14 Interpellation om belysning vid Kvarnbyån – besvarad.",
            "",
            "Protokollet justerades av Eva Lund och Ahmed Nasser.",
        ),
        published=tl.at(Moment(40, "11:00")),
    )
    return [
        Page("kulturskolan", "news", "kulturskolan-oppnar-anmalan",
             "Kulturskolan öppnar anmälan till nya kurser",
             "Nu kan du anmäla dig till Kulturskolans kurser i dans, teater, bild och musik.",
             ("Kurserna vänder sig till barn och unga mellan 6 och 19 år.",
              "Anmälan görs i e-tjänsten. Platserna fördelas efter anmälningsdatum.",
              "Terminsavgiften är 450 kr per kurs och syskonrabatt ges från andra kursen."),
             tl.at(Moment(1, "09:30"))),
        Page("laddstolpar", "news", "nya-laddstolpar-vid-kommunhuset",
             "Nya laddstolpar vid Kommunhuset",
             "Sex nya laddplatser för elbilar finns nu på besöksparkeringen vid Kommunhuset.",
             ("Laddplatserna är öppna för alla och betalas med app eller kort.",
              "Under det första halvåret följer vi upp hur platserna används.",
              "Satsningen är en del av kommunens plan för fossilfria transporter."),
             tl.at(Moment(2, "14:00"))),
        Page("kvarnbyan-dialog", "news", "medborgardialog-om-parken-vid-kvarnbyan",
             "Medborgardialog om parken vid Kvarnbyån",
             "Hur vill du att parken vid Kvarnbyån ska se ut? Lämna dina idéer i vår enkät.",
             ("Parken ska rustas upp med ny lekplats, belysning och fler sittplatser.",
              "Enkäten är öppen i tre veckor. Alla svar sammanställs och publiceras på webbplatsen.",
              "Du kan också lämna synpunkter på papper i Kommunhusets reception."),
             tl.at(Moment(5, "10:00"))),
        Page("trygghetsvandring", "news", "trygghetsvandring-i-lindas",
             "Trygghetsvandring i Lindås",
             "Tillsammans med polisen och bostadsbolaget bjuder kommunen in till trygghetsvandring i Lindås.",
             ("Under vandringen letar vi efter platser som upplevs otrygga, till exempel mörka gångvägar.",
              "Det du berättar hjälper oss att prioritera belysning och röjning av buskage.",
              "Ingen föranmälan behövs."),
             tl.at(Moment(7, "13:00"))),
        Page("budget", "news", "kommunstyrelsen-foreslar-budget",
             "Kommunstyrelsen föreslår budget för nästa år",
             "Kommunstyrelsen föreslår en budget med oförändrad skattesats och satsningar på skola och äldreomsorg.",
             ("Förslaget innebär att skolan får 14 miljoner kronor mer än i år.",
              "Äldreomsorgen förstärks med fler undersköterskor i hemtjänsten.",
              "Kommunfullmäktige fattar beslut om budgeten senare i år."),
             tl.at(Moment(11, "10:30"))),
        Page("solhem-atervinning", "news", "ny-atervinningsstation-i-solhem",
             "Ny återvinningsstation i Solhem",
             "En ny återvinningsstation för förpackningar och tidningar har öppnat vid Solhems centrum.",
             ("Stationen har kärl för papper, plast, metall, glas och tidningar.",
              "Den gamla stationen vid idrottsplatsen tas bort.",
              "Grovavfall lämnar du som vanligt på återvinningscentralen."),
             tl.at(Moment(15, "11:00"))),
        Page("lovaktiviteter", "news", "lovaktiviteter-for-barn-och-unga",
             "Lovaktiviteter för barn och unga",
             "Under lovet erbjuder kommunen gratis aktiviteter för barn och unga.",
             ("Det blir bland annat prova-på-klättring, filmvisning och pyssel på biblioteken.",
              "Aktiviteterna är gratis. Vissa kräver anmälan via e-tjänsten.",
              "Hela programmet finns på fritidsgårdarnas sidor."),
             tl.at(Moment(16, "12:00"))),
        Page("foreningsbidrag", "news", "dags-att-soka-foreningsbidrag",
             "Dags att söka föreningsbidrag",
             f"Föreningar i Sjöbacka kan nu söka bidrag. Sista ansökningsdag är {dm(tl.foreningsbidrag_sista_dag)}.",
             ("Bidrag kan sökas för verksamhet för barn och unga, lokaler och arrangemang.",
              "Ansökan görs i föreningsportalen. Bifoga verksamhetsberättelse och ekonomisk redovisning.",
              "Beslut meddelas inom sex veckor."),
             tl.at(Moment(21, "09:00"))),
        Page("kommundirektor", "news", "sjobacka-kommun-far-ny-kommundirektor",
             "Sjöbacka kommun får ny kommundirektör",
             "Kommunstyrelsen har utsett Helena Sandberg till ny kommundirektör.",
             ("Helena Sandberg kommer närmast från en tjänst som ekonomichef i en grannkommun.",
              "Hon tillträder i början av nästa kvartal.",
              "Nuvarande kommundirektör går i pension efter tolv år i kommunen."),
             tl.at(Moment(26, "15:00"))),
        Page("snorojning", "news", "snorojningsplanen-for-vintern",
             "Snöröjningsplanen för vintern är klar",
             "Så prioriterar kommunen snöröjning och halkbekämpning på gator och gång- och cykelvägar.",
             ("Först röjs huvudgator, bussgator och gång- och cykelvägar till skolor.",
              "Därefter röjs bostadsgator. Det kan ta upp till två dygn efter ett snöfall.",
              "Fastighetsägare ansvarar för att skotta trottoaren utanför sin tomt."),
             tl.at(Moment(34, "10:00"))),
        Page("medborgarenkat", "news", "resultatet-av-medborgarenkaten",
             "Resultatet av medborgarenkäten",
             "Sjöbackaborna är mest nöjda med biblioteken och minst nöjda med kollektivtrafiken.",
             ("Enkäten besvarades av 1 240 invånare.",
              "Resultatet används i arbetet med kommunens nya översiktsplan.",
              "Hela rapporten finns att läsa på webbplatsen."),
             tl.at(Moment(41, "09:00"))),
        Page("badplatser", "news", "badplatsernas-vattenkvalitet",
             "Badplatsernas vattenkvalitet provas varje vecka",
             "Under badsäsongen tar kommunen vattenprover vid alla sju kommunala badplatser.",
             ("Proverna analyseras av ett ackrediterat laboratorium.",
              "Resultaten publiceras på Havs- och vattenmyndighetens webbplats Badplatsen.",
              "Vid otjänligt vatten sätts skyltar upp vid badplatsen."),
             tl.at(Moment(52, "11:00"))),
        Page("lindas-forskola", "news", "ny-forskola-i-lindas-invigd",
             "Ny förskola i Lindås invigd",
             "Förskolan Lärkan i Lindås har invigts och har plats för 120 barn.",
             ("Förskolan har sex avdelningar, tillagningskök och en stor gård med odlingslådor.",
              "Byggnaden är byggd i trä och har solceller på taket.",
              "Ansökan om plats görs i e-tjänsten för förskola."),
             tl.at(Moment(60, "10:00"))),
        Page("lingonvagen", "disruption", "vattenavstangning-pa-lingonvagen",
             "Vattenavstängning på Lingonvägen (avslutad)",
             "Arbetet på Lingonvägen är avslutat och vattnet är påslaget igen.",
             ("Vi har bytt en ventilbrunn på Lingonvägen. Arbetet blev klart enligt plan.",
              "Tack för ert tålamod."),
             tl.at(Moment(55, "08:15")), facts=(("Berört område", "Lingonvägen"), ("Status", "Åtgärdat"))),
        Page("belysning-industrivagen", "disruption", "gatubelysningen-slackt-pa-industrivagen",
             "Gatubelysningen släckt på Industrivägen",
             "Gatubelysningen på Industrivägen är släckt på grund av en kabelskada.",
             ("En kabel har skadats vid grävning. Elnätsbolaget lagar skadan så snart som möjligt.",
              "Var extra försiktig när du går eller cyklar på sträckan."),
             tl.at(Moment(30, "16:40")), facts=(("Berört område", "Industrivägen"),)),
        Page("fjarrvarme", "disruption", "storning-i-fjarrvarmen-i-centrum",
             "Störning i fjärrvärmen i centrum",
             "Fjärrvärmen i delar av centrum har haft låg temperatur efter ett pumphaveri. Felet är åtgärdat.",
             ("Pumpen i värmecentralen har bytts ut.",
              "Det kan ta några timmar innan elementen blir varma igen."),
             tl.at(Moment(44, "07:10")), facts=(("Berört område", "Centrum"), ("Status", "Åtgärdat"))),
        Page("protokoll-kf", "notice", "justerat-protokoll-kommunfullmaktige",
             f"Justerat protokoll: kommunfullmäktige {long_date(protokoll_day)}",
             "Protokollet från kommunfullmäktiges sammanträde är justerat.",
             ("Den som vill överklaga ett beslut kan göra det inom tre veckor från den dag då tillkännagivandet "
              "publicerades på anslagstavlan.",
              "Protokollet förvaras i Kommunhuset och finns som pdf nedan."),
             tl.at(Moment(40, "11:30")), organization="Kommunfullmäktige",
             notice_from=tl.day(40), notice_to=tl.day(40) + APPEAL_PERIOD, documents=(protokoll,)),
        Page("bygglov-kvarnby", "notice", "kungorelse-beviljat-bygglov-kvarnby-4-12",
             "Kungörelse: beviljat bygglov, Kvarnby 4:12",
             "Bygg- och miljönämnden har beviljat bygglov för nybyggnad av enbostadshus på fastigheten Kvarnby 4:12.",
             ("Beslutet har kungjorts i Post- och Inrikes Tidningar.",
              "Den som vill överklaga beslutet ska göra det skriftligt inom tre veckor från kungörelsen."),
             tl.at(Moment(6, "13:00")), organization="Bygg- och miljönämnden",
             notice_from=tl.day(6), notice_to=tl.day(6) + APPEAL_PERIOD),
        Page("protokoll-bmn", "notice", "justerat-protokoll-bygg-och-miljonamnden",
             "Justerat protokoll: bygg- och miljönämnden",
             "Protokollet från bygg- och miljönämndens senaste sammanträde är justerat.",
             ("Överklagandetiden är tre veckor från anslagsdagen.",
              "Protokollet finns tillgängligt i Kommunhusets reception."),
             tl.at(Moment(15, "15:30")), organization="Bygg- och miljönämnden",
             notice_from=tl.day(15), notice_to=tl.day(15) + APPEAL_PERIOD),
        Page("trafikforeskrift-skolgatan", "notice", "kungorelse-lokal-trafikforeskrift-skolgatan",
             "Kungörelse: lokal trafikföreskrift för Skolgatan",
             "Högsta tillåtna hastighet på Skolgatan sänks till 30 km/tim.",
             ("Föreskriften är beslutad av samhällsbyggnadsnämnden och gäller tills vidare.",
              "Föreskriften finns i Svensk trafikföreskriftssamling (STFS)."),
             tl.at(Moment(27, "10:00")), organization="Samhällsbyggnadsnämnden",
             notice_from=tl.day(27), notice_to=tl.day(27) + APPEAL_PERIOD),
    ], [protokoll]


def static_pages(tl: Timeline, kf_documents: tuple[Document, ...]) -> list[Page]:
    """Pages that are not items: the start page, the three lists, politics and contact."""
    modified = tl.at(Moment(1, "07:00"))
    return [
        Page("start", "static", "/", "Sjöbacka kommun",
             "Välkommen till Sjöbacka kommun – här hittar du nyheter, driftinformation och kommunens service.",
             (), modified),
        # list pages repeat their items' teasers: noindex and not in the sitemap, as many sites set them
        Page("nyheter", "static", "/nyheter/", "Nyheter",
             "Nyheter från Sjöbacka kommun.", (), modified, noindex=True),
        Page("driftinformation", "static", "/driftinformation/", "Driftinformation",
             "Störningar och planerade arbeten som påverkar vatten, avlopp, gator och avfall.", (), modified,
             noindex=True),
        Page("anslagstavla", "static", "/anslagstavla", "Anslagstavla",
             "Kommunens officiella anslagstavla med kungörelser och tillkännagivanden om justerade protokoll.",
             ("Anslagen visas i datumordning. Överklagandetiden räknas från den dag anslaget publicerades.",),
             modified, noindex=True),
        Page("kommunfullmaktige", "static", "/kommun-och-politik/kommunfullmaktige", "Kommunfullmäktige",
             "Kommunfullmäktige är kommunens högsta beslutande organ och har 49 ledamöter.",
             ("Fullmäktiges sammanträden är öppna för allmänheten och sänds på webben.",
              "Kallelser och tillkännagivanden om sammanträden publiceras på anslagstavlan.",
              "Protokoll från tidigare sammanträden finns nedan."),
             tl.at(Moment(40, "11:30")), documents=kf_documents),
        Page("kontakt", "static", "/kontakt", "Kontakta oss",
             "Kontaktcenter hjälper dig med frågor om kommunens service.",
             ("Besöksadress: Kommunhuset, Rådhustorget 1.",
              "E-post: kontaktcenter@sjobacka.demo"),
             tl.at(Moment(90, "09:00"))),
    ]


def build_pages(tl: Timeline) -> list[Page]:
    """Every page of the site, items first."""
    background, kf_documents = background_pages(tl)
    pages = case_pages(tl) + background + static_pages(tl, tuple(kf_documents))
    paths = [p.path for p in pages]
    if len(set(paths)) != len(paths):
        raise ValueError("two demo pages share a path")
    return pages
