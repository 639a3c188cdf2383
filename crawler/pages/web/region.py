"""Where a page's own content is: its main region and its title heading.

The region is the first match of :data:`MAIN_SELECTORS` that holds text (the body when
nothing matches: older templates without landmarks). The title heading is the region's first
visible ``<h1>`` that is not part of an overlay — a cookie dialog's "Den här webbplatsen
använder kakor" is not the page's title (issue 11, class d).
"""

from __future__ import annotations

from crawler.pages.text import ASSISTIVE_CLASSES
from crawler.pages.tree import (
    Element,
    HtmlTree,
    Scope,
    classes,
    first,
    has_text,
    iter_tags,
    select_one,
)

#: Candidates for the page's main region, best first.
MAIN_SELECTORS = (
    "main",
    "[role=main]",
    "article",
    "#content",
    ".content-area",
    ".pagecontent",
    "#main",
    ".main-content",
)


def main_region(document: HtmlTree) -> Scope:
    """The element holding the page's own content (first match of :data:`MAIN_SELECTORS`);
    else the body, else the whole document."""
    for selector in MAIN_SELECTORS:
        found = select_one(document, selector)
        if found is not None and has_text(found):
            return found
    body = first(document, "body")
    return body if body is not None else document


def visible(tag: Element) -> bool:
    """Not hidden from sighted readers by the ``hidden`` attribute or a screen-reader-only class."""
    names = classes(tag)
    return not (not ASSISTIVE_CLASSES.isdisjoint(names) or "lp-user-hidden" in names or "hidden" in tag.attrib)


def in_overlay(tag: Element) -> bool:
    """Inside a dialog (``role=dialog``/``alertdialog``, ``aria-modal``, ``<dialog>``)."""
    return any(
        (a.get("role") or "").lower() in ("dialog", "alertdialog") or a.get("aria-modal") == "true" or a.tag == "dialog"
        for a in (tag, *tag.iterancestors())
    )


def in_chrome(tag: Element) -> bool:
    """Inside the site's header, footer or navigation (not the page's own content)."""
    return any(p.tag in ("header", "footer", "nav") for p in tag.iterancestors())


def title_heading(scope: Scope) -> Element | None:
    """The first visible ``<h1>`` with text below ``scope`` that is not in an overlay."""
    return next((h for h in iter_tags(scope, "h1") if visible(h) and has_text(h) and not in_overlay(h)), None)
