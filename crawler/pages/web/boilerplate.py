"""What on a page is not its content, recognised by structure (issue 11, class d).

Rules over a copy of the page's tree (never the input's own tree), each one about the
*shape* of a block and never about one site's class names:

* **overlays** — ``role="dialog"``/``alertdialog``, ``aria-modal``, ``<dialog>``, and consent
  banners: a short block that speaks of cookies ("kakor", "cookies", "samtycke") and holds an
  accept/decline control. Their ``<h1>`` is never the page's title ("Den här webbplatsen
  använder kakor");
* **site chrome** — ``<header>``/``<footer>`` that belong to the page, not to a section
  (HTML's landmark rule: not inside ``article``/``aside``/``main``/``nav``/``section``),
  ``<nav>`` and the ``banner``/``contentinfo``/``navigation``/``search`` roles;
* **what the site itself excludes** — blocks excluded from both print (``no-print``,
  ``hide-in-print``, ``d-print-none`` …) and speech (ReadSpeaker's ``rs_skip``, the reader
  most Swedish public sites run): the site's own statement that this is not the content;
* **page tools** — short blocks made only of actions (buttons, ``#``/``javascript:`` links,
  share intents, "Lyssna", "Skriv ut", "Dela sidan", "Kopiera länk");
* **lists of other items** (:mod:`crawler.pages.web.otheritems`) — two or more teasers of other
  pages that carry dates, or that point at their own archive ("Fler nyheter" → ``/nyheter``);
  attachment lists are content and stay;
* **side columns and forms** — ``<aside>``/``complementary`` blocks made mostly of links ("Se
  även", a side menu; a side box of facts — "Plats", a contact card — stays), forms that do not
  hold the content (feedback: "Hade du nytta av innehållet?"), leftover buttons, and in-page
  jump links ("Hoppa över sidomeny").

Nothing that holds the main region or the page's ``<h1>`` is ever removed. Blocks that no
rule on one page can see (a footer "Aktuellt" widget without dates, a standard text box)
repeat across a site's pages: :mod:`crawler.sitewide` strips those after a crawl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from lxml import etree

from crawler.pages.text import normalize_space
from crawler.pages.tree import Element, classes, drop, get_text, short_text
from crawler.pages.web.otheritems import ItemList, run_date

_CONSENT = re.compile(r"\b(kakor(na)?|cookies?|cookie-?\w*|samtycke|consent)\b", re.IGNORECASE)
_ACCEPT = re.compile(
    r"^(godkänn|acceptera|jag förstår|ok(ej)?|tillåt|neka|avvisa|(bara|endast) nödvändiga|spara|stäng|hantera|"
    r"inställningar|accept|agree|allow|deny|reject|close|got it|i understand)\b",
    re.IGNORECASE,
)
#: Actions a page offers about itself, not content ("Lyssna", "Skriv ut", "Dela sidan").
_ACTION_WORDS = re.compile(
    r"^(lyssna( på sidan)?|läs upp|skriv ut|dela( sidan| på \w+)?|kopiera( länk(en)?)?|översätt( sidan)?|"
    r"listen|print|share|copy link|translate)$",
    re.IGNORECASE,
)
_ACTION_MAX = 20  # "Lyssna på sidan", "Kopiera länken"
_SHARE_URL = re.compile(r"share|sharer|intent/tweet|sendto|/send\?|addtoany", re.IGNORECASE)
_PRINT_EXCLUDED = frozenset({"no-print", "noprint", "hide-in-print", "hidden-print", "d-print-none",
                             "print-hidden", "hide-print", "not-printable", "noprint-area"})
_SPEECH_EXCLUDED = frozenset({"rs_skip"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_CHROME_ROLES = frozenset({"banner", "contentinfo", "navigation", "search"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: A consent banner, a page-tools bar or a list heading is short; longer is content.
CONSENT_MAX, TOOLS_MAX, FURNITURE_MAX = 1000, 100, 60


_OVERLAY_CANDIDATES = etree.XPath(
    "descendant::*[@role or @aria-modal or self::dialog or self::nav or self::header or self::footer"
    " or self::button or self::input or (self::a and (not(@href) or @onclick or @role"
    " or normalize-space(@href) = '#' or starts-with(normalize-space(@href), 'javascript:')))]"
)
_PRINT_CANDIDATES = etree.XPath("descendant::*[contains(@class, 'print')]")
_SPEECH_CANDIDATES = etree.XPath("descendant::*[contains(@class, 'rs_skip')]")
_LEFTOVER_CANDIDATES = etree.XPath(
    "descendant::*[self::aside or @role or self::form or self::button or self::input"
    " or (self::a and starts-with(normalize-space(@href), '#'))]"
)


def _text(el: Element) -> str:
    return normalize_space(get_text(el, " "))


def protected_set(*keep: Element | None) -> set[Element]:
    """The elements that must stay: each of ``keep`` and its ancestors."""
    found: set[Element] = set()
    for el in keep:
        if el is None:
            continue
        found.add(el)
        found.update(el.iterancestors())
    return found


def _removable(el: Element, protected: set[Element]) -> bool:
    return el not in protected and el.getparent() is not None


def remove_overlays(root: Element, protected: set[Element], region: Element | None = None) -> None:
    """Dialogs, consent banners and the site's header, footer and navigation. A consent banner is
    never looked for inside a landmark ``region``: a page about cookies has its settings button there."""
    landmark = region if region is not None and region.tag not in ("body", "html") else None
    doomed: list[Element] = []
    for el in _OVERLAY_CANDIDATES(root):
        if not _removable(el, protected):
            continue
        role = (el.get("role") or "").lower()
        overlay = role in ("dialog", "alertdialog") or el.get("aria-modal") == "true" or el.tag == "dialog"
        chrome = role in _CHROME_ROLES or el.tag == "nav" or (
            el.tag in ("header", "footer") and not any(a.tag in _SECTIONING for a in el.iterancestors()))
        if overlay or chrome:
            doomed.append(el)
        elif _is_control(el) and _ACCEPT.match(_text(el)) and not _inside(el, landmark):
            banner = _consent_block(el, protected)
            if banner is not None:
                doomed.append(banner)
    _drop_all(doomed)


def _consent_block(control: Element, protected: set[Element]) -> Element | None:
    """The largest short block around an accept/decline control that speaks of cookies."""
    found = None
    for parent in control.iterancestors():
        if not _removable(parent, protected):
            break
        text = short_text(parent, CONSENT_MAX)
        if text is None or sum(1 for _ in zip(range(4), parent.iter("p", "li"))) > 3:
            break  # long, or paragraphs of content: a banner has a sentence or two and its buttons
        if found is not None or _CONSENT.search(text):
            found = parent
    return found


def _inside(el: Element, scope: Element | None) -> bool:
    return scope is not None and any(a is scope for a in el.iterancestors())


def _is_control(el: Element) -> bool:
    if el.tag == "button" or (el.tag == "input" and (el.get("type") or "").lower() in ("button", "submit", "reset")):
        return True
    if el.tag != "a":
        return False
    href = (el.get("href") or "").strip()
    return (not href or href == "#" or href.lower().startswith("javascript:") or "onclick" in el.attrib
            or el.get("role") == "button")


def _is_action(el: Element) -> bool:
    """A control that acts on the page (read aloud, print, share, copy) rather than leading to content."""
    if _is_control(el):
        return True
    if el.tag != "a":
        return False
    href = (el.get("href") or "").strip()
    if href.lower().startswith("mailto:?"):
        return True
    if _SHARE_URL.search(href) and urlsplit(href).netloc:
        return True
    return _action_words(el)


def _action_words(el: Element) -> bool:
    text = short_text(el, _ACTION_MAX)
    return bool(text and _ACTION_WORDS.match(text))


def remove_boilerplate(root: Element, protected: set[Element], lists: Iterable[ItemList],
                       resolve: Callable[[str], str | None]) -> None:
    """Everything of class (d) a single page shows by its structure (see the module docstring)."""
    doomed = _excluded_by_site(root, protected)
    _drop_all(doomed)
    tools = _page_tools(root, protected)
    wrappers = [parent for el in tools if (parent := el.getparent()) is not None]
    _drop_all(tools)
    emptied: list[Element] = []
    for item_list in lists:
        targets = _teaser_targets(item_list, root, protected, resolve)
        emptied.extend(parent for el in targets if (parent := el.getparent()) is not None)
        _drop_all(targets)
    _drop_emptied(emptied, protected)
    doomed = []
    for el in _LEFTOVER_CANDIDATES(root):
        if not _removable(el, protected):
            continue
        if _side_column(el) and _mostly_links(el):
            doomed.append(el)
        elif el.tag in ("form", "button") or (el.tag == "input" and el.get("type") != "hidden"):
            doomed.append(el)
        elif el.tag == "a" and _jump_link(el):
            doomed.append(el)
    wrappers += [parent for el in doomed if el.tag == "form" and (parent := el.getparent()) is not None]
    _drop_all(doomed)
    _drop_headed_only(wrappers, protected)


def _side_column(el: Element) -> bool:
    return el.tag == "aside" or (el.get("role") or "").lower() == "complementary"


def _mostly_links(el: Element) -> bool:
    """Navigation, not facts: at least half of the text is link text ("Se även", a side menu).
    A side box of facts ("Plats: Stibyborgsgatan 10", a contact card) stays."""
    text = len(_text(el))
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return text == 0 or linked * 2 >= text


def _excluded_by_site(root: Element, protected: set[Element]) -> list[Element]:
    """The outermost blocks excluded from print and from speech (by themselves or an ancestor)."""
    printed = [el for el in _PRINT_CANDIDATES(root) if set(classes(el)) & _PRINT_EXCLUDED]
    spoken = [el for el in _SPEECH_CANDIDATES(root) if set(classes(el)) & _SPEECH_EXCLUDED]
    if not printed or not spoken:
        return []
    printed_set, spoken_set = set(printed), set(spoken)
    found: set[Element] = set()
    for marked, other in ((printed, spoken_set), (spoken, printed_set)):
        for el in marked:
            if el in other or any(a in other for a in el.iterancestors()):
                found.add(el)
    # the outermost ones; one that holds the content: the markers cannot mean what they say
    return [el for el in found if _removable(el, protected) and not any(a in found for a in el.iterancestors())]


def _page_tools(root: Element, protected: set[Element]) -> list[Element]:
    """The largest short blocks around actions that hold nothing but actions and a label ("Dela sidan")."""
    tops: dict[Element, None] = {}
    for el in root.iter("a", "button"):
        if not _is_action(el) or not _removable(el, protected):
            continue
        best = el if _action_words(el) else None
        for parent in el.iterancestors():
            if not _removable(parent, protected) or not _only_actions(parent):
                break
            best = parent
        if best is not None:
            tops[best] = None
    return [el for el in tops if not any(a in tops for a in el.iterancestors())]


def _only_actions(block: Element) -> bool:
    text = short_text(block, TOOLS_MAX)
    if text is None:
        return False
    controls = [el for el in block.iter("a", "button") if el.tag == "button" or el.get("href") is not None]
    if not controls or not all(_is_action(el) for el in controls):
        return False
    rest = text
    for el in controls:
        rest = rest.replace(_text(el), " ", 1)
    rest = normalize_space(rest)
    return len(rest) <= 25 and (len(controls) > 1 or not rest or bool(_ACTION_WORDS.match(rest)))


def _jump_link(el: Element) -> bool:
    """A link to a place on the same page that stands alone ("Hoppa över sidomeny", "Till toppen")."""
    href = (el.get("href") or "").strip()
    if not href.startswith("#") or el.get("aria-controls") or el.get("aria-expanded") is not None:
        return False
    parent = el.getparent()
    return parent is not None and _text(parent) == _text(el)


def _teaser_targets(item_list: ItemList, root: Element, protected: set[Element],
                    resolve: Callable[[str], str | None]) -> list[Element]:
    """What to remove for a list of two or more teasers of other pages (nothing for other lists)."""
    container = item_list.container
    if container.getroottree().getroot() is not root or not _removable(container, protected):
        return []
    runs = item_list.pages
    if len(runs) < 2:
        return []
    dated = sum(1 for run in runs if run_date(run) is not None)
    if not ((dated >= 2 and dated * 2 >= len(runs)) or _points_at_archive(item_list, protected, resolve)):
        return []
    shown = {el for run in item_list.runs for el in run.elements}
    content = sum(len(_text(c)) for c in container if isinstance(c.tag, str) and c not in shown and not _furniture(c))
    if content > 0.2 * len(_text(container)):  # teasers inside a block of content: only the teasers go
        return [el for run in runs for el in run.elements if _removable(el, protected)]
    target = container
    while True:
        parent = target.getparent()
        if parent is None or not _removable(parent, protected):
            break
        others = [c for c in parent if c is not target and isinstance(c.tag, str)]
        if not all(_furniture(c) for c in others):
            break
        target = parent
    doomed = [target]
    previous = target.getprevious()
    if previous is not None and previous.tag in _HEADINGS and len(_text(previous)) <= FURNITURE_MAX:
        doomed.append(previous)
    return doomed


def _drop_emptied(parents: list[Element], protected: set[Element]) -> None:
    """Wrappers left empty once their teaser lists went, with the heading just before them (a list
    split over two ``col-md-6`` columns: then its wrapper and "Senaste uppdateringar")."""
    for parent in parents:
        while parent is not None and parent.getparent() is not None and _removable(parent, protected):
            if short_text(parent, 1) is None:  # still shows something
                break
            above = parent.getparent()
            previous = parent.getprevious()
            drop(parent)
            if previous is not None and previous.tag in _HEADINGS and short_text(previous, FURNITURE_MAX):
                drop(previous)
            parent = above


def _drop_headed_only(wrappers: list[Element], protected: set[Element]) -> None:
    """Wrappers of removed page tools and forms left with nothing but a short heading ("Var
    informationen till hjälp?" above a feedback form's buttons, "Dela sidan" above share links)."""
    for wrapper in wrappers:
        if wrapper.getparent() is None or not _removable(wrapper, protected) or (wrapper.text or "").strip():
            continue
        children = list(wrapper)
        if children and all(isinstance(c.tag, str) and c.tag in _HEADINGS and not (c.tail or "").strip()
                            and short_text(c, FURNITURE_MAX) for c in children):
            drop(wrapper)


def _furniture(el: Element) -> bool:
    """A list's heading or "more" link: short, no paragraph of its own."""
    text = short_text(el, FURNITURE_MAX)
    return text is not None and (not text or next(el.iterdescendants("p", "li"), None) is None)


def _points_at_archive(item_list: ItemList, protected: set[Element], resolve: Callable[[str], str | None]) -> bool:
    """The teasers share a section (``/nyheter/``) and the block links to that section's index."""
    parents = set()
    for run in item_list.pages:
        path = urlsplit(run.url).path.rstrip("/")
        parents.add((urlsplit(run.url).netloc, path.rsplit("/", 1)[0]))
    if len(parents) != 1:
        return False
    netloc, section = parents.pop()
    if not section:
        return False
    block: Element | None = item_list.container
    for _ in range(3):
        if block is None:
            break
        for anchor in block.iter("a"):
            url = resolve(anchor.get("href") or "")
            if url and urlsplit(url).netloc == netloc and urlsplit(url).path.rstrip("/") == section:
                return True
        block = block.getparent()
        if block is not None and block in protected:
            break
    return False


def _drop_all(elements: Iterable[Element]) -> None:
    for el in elements:
        if el.getparent() is not None:
            drop(el)
