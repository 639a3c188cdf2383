"""Collapsed sections are content: open them before the page's text is read (issue 11, class e).

Swedish public pages put key facts (fees, opening hours, appeal deadlines, meeting dates)
in "Läs mer om …" sections that a reader opens with a click. The HTML holds them,
collapsed by one of a few patterns, none of them a site's own:

* the WAI-ARIA disclosure: a trigger (``button``, ``a[role=button]``, a heading) with
  ``aria-controls``/``aria-expanded``, its panel ``hidden``, ``aria-hidden="true"`` or
  ``style="display:none"`` until opened (EPiServer/Optimizely templates, Municipio's
  accordion, Envision's ``env-collapse``);
* a link ``href="#panel"`` / ``data-target``/``data-bs-target`` with ``data-toggle`` or an
  ``onclick`` (Bootstrap's ``.collapse``, SharePoint rich-text FAQs);
* a section a script collapses later, marked only by its class (Limepark's
  ``lp-expandable-content``): visible in the HTML, but its class words (``expand``,
  ``collapse``, ``accordion``) make generic extractors discard it as widget chrome.

:func:`open_disclosures` works on a copy of the page (never on the input's tree): panels
lose what hides them, triggers become plain text (a ``<button>`` that labels a section is
the section's heading), and disclosure class words are dropped so the text extractor
keeps the sections. ``<details>`` needs nothing: its content is in the tree and read.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.pages.tree import Element, classes, drop

#: Class words of disclosure widgets (never of a site's chrome on their own).
_DISCLOSURE_CLASS = re.compile(r"expand|collaps|accordion|disclosure|toggle|faq", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TOGGLE_ATTRS = ("data-toggle", "data-bs-toggle", "data-env-collapse", "onclick", "js-expand-button")


_WITH_ID = etree.XPath("descendant-or-self::*[@id]")
_STYLED = etree.XPath("descendant::*[@style]")
#: Elements whose class may hold a disclosure word (contains() ignores the first letter's case).
_WITH_CLASS = etree.XPath(
    "descendant-or-self::*[contains(@class, 'xpand') or contains(@class, 'ollaps') or contains(@class, 'ccordion')"
    " or contains(@class, 'isclosure') or contains(@class, 'oggle') or contains(@class, 'faq')"
    " or contains(@class, 'FAQ')]"
)
_TRIGGERS = etree.XPath(
    "descendant-or-self::*[@aria-controls or @aria-expanded or @data-target or @data-bs-target"
    " or (self::a and starts-with(normalize-space(@href), '#'))]"
)


def is_collapsed(el: Element) -> bool:
    """Hidden by markup: ``hidden``, ``aria-hidden="true"``, an inline ``display:none``, or
    Bootstrap's ``collapse`` class without ``show``/``in``."""
    if "hidden" in el.attrib or el.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    names = classes(el)
    return "collapse" in names and not ({"show", "in"} & set(names))


def _references(trigger: Element) -> list[str]:
    refs = (trigger.get("aria-controls") or "").split()
    for attr in ("data-target", "data-bs-target"):
        value = trigger.get(attr) or ""
        if value.startswith("#") and len(value) > 1:
            refs.append(value[1:])
    if trigger.tag == "a":
        href = (trigger.get("href") or "").strip()
        if href.startswith("#") and len(href) > 1:
            refs.append(href[1:])
    return refs


def _is_trigger(el: Element) -> bool:
    """Declares itself a toggle (``aria-expanded``, ``role=button``, a toggle data attribute or script)."""
    return (
        el.get("aria-expanded") is not None
        or el.get("role") == "button"
        or el.tag == "button"
        or any(attr in el.attrib for attr in _TOGGLE_ATTRS)
    )


def open_disclosures(region: Element) -> int:
    """Open every collapsed section below ``region`` (in place); returns how many panels were opened."""
    panels: list[Element] = []
    triggers: list[Element] = []
    candidates = _TRIGGERS(region)
    ids = {el.get("id"): el for el in _WITH_ID(region)} if candidates else {}
    for el in candidates:
        refs = _references(el)
        if not refs:
            if el.get("aria-expanded") is not None:
                triggers.append(el)
            continue
        toggles = _is_trigger(el)
        for ref in refs:
            panel = ids.get(ref)
            if panel is None or panel is el or any(a is panel for a in el.iterancestors()):
                continue
            # a skip link ("#content") points at a visible container; a panel is collapsed or declared
            if toggles or is_collapsed(panel):
                panels.append(panel)
                triggers.append(el)
    for panel in panels:
        _unhide(panel)
    for trigger in triggers:
        _as_text(trigger)
    for el in _WITH_CLASS(region):
        if _DISCLOSURE_CLASS.search(el.get("class") or "") and not is_collapsed(el):
            del el.attrib["class"]
    return len(panels)


def drop_hidden(region: Element) -> None:
    """Remove what stays hidden by an inline style once the disclosures are open (a thank-you note
    of a feedback form, a template): not shown, not text — the text walker only knows ``hidden``
    and ``aria-hidden``, trafilatura drops these too."""
    for el in _STYLED(region):
        if _HIDDEN_STYLE.search(el.get("style") or "") and el.getparent() is not None:
            drop(el)


def _unhide(panel: Element) -> None:
    for attr in ("hidden", "aria-hidden", "style", "class"):
        panel.attrib.pop(attr, None)


def _as_text(trigger: Element) -> None:
    """A trigger's label is the section's heading: plain text, no widget classes, no icons."""
    for icon in [d for d in trigger.iterdescendants() if isinstance(d.tag, str) and d.get("aria-hidden") == "true"]:
        drop(icon)
    for el in [trigger, *trigger.iterdescendants()]:
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("button", "a"):  # a toggle leads nowhere: its label is text
            el.tag = "span"
            el.attrib.pop("href", None)
        for attr in ("class", "role", "type", "onclick"):
            el.attrib.pop(attr, None)

