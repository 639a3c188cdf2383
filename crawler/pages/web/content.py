"""A page's own content: one copy of its tree with everything that is not the page removed.

The input's tree (:attr:`crawler.pages.page_input.PageInput.tree`) is shared and never
changed; the article reader works on one deep copy (about 2 ms for a 150 kB page), in
three steps whose order matters:

1. **overlays and chrome** go (:func:`crawler.pages.web.boilerplate.remove_overlays`): what
   remains is what the title and the dates are read from — a cookie dialog's ``<h1>`` is no
   title, and a date in the site's footer is not the page's;
2. **lists of other items** are found in what remains
   (:func:`crawler.pages.web.otheritems.item_lists`): their dates are not the page's either;
3. **collapsed sections** are opened, links to attached files become text, and the **rest of
   the boilerplate** goes (page tools, teaser lists, side columns, forms): what remains is what
   the main text is read from.

Scripts and styles are dropped from the copy too: the text extractor then parses less.
"""

from __future__ import annotations

import copy
import dataclasses

from crawler.pages.links import Resolver, document_type
from crawler.pages.tree import Element, HtmlTree, drop, first
from crawler.pages.web.boilerplate import (
    protected_set,
    remove_boilerplate,
    remove_overlays,
)
from crawler.pages.web.disclosure import drop_hidden, open_disclosures
from crawler.pages.web.otheritems import ItemList, item_lists
from crawler.pages.web.region import main_region, title_heading

_NOT_CONTENT = ("script", "style", "noscript", "template")


@dataclasses.dataclass
class Content:
    """The copy after steps 1 and 2 (:attr:`root`, :attr:`region`, :attr:`others`) — read for title
    and dates — and, once :meth:`clean` has run, after step 3."""

    root: Element
    region: Element
    others: list[ItemList]
    resolve: Resolver
    cleaned: bool = False

    @property
    def other_items(self) -> set[Element]:
        """Every element that shows another item (a run of an item list)."""
        return {el for item_list in self.others for run in item_list.runs for el in run.elements}

    def clean(self) -> Element:
        """Step 3 (once): open collapsed sections, remove the rest of the boilerplate; the region."""
        if not self.cleaned:
            self.cleaned = True
            open_disclosures(self.region)
            drop_hidden(self.region)
            _attachments_as_text(self.region, self.resolve)
            keep = protected_set(self.region, title_heading(self.region))
            remove_boilerplate(self.root, keep, self.others, self.resolve)
        return self.region


def page_content(document: HtmlTree, url: str, resolve: Resolver) -> Content:
    """Steps 1 and 2 on a copy of ``document`` (see the module docstring)."""
    root = copy.deepcopy(document.getroot())
    for el in [el for el in root.iter(*_NOT_CONTENT)]:
        drop(el)
    region = _region(root)
    remove_overlays(root, protected_set(region, title_heading(region)), region)
    body = first(root.getroottree(), "body")
    others = item_lists(body if body is not None else root, url, resolve)
    return Content(root=root, region=region, others=others, resolve=resolve)


def _attachments_as_text(region: Element, resolve: Resolver) -> None:
    """Links to files in the content become plain text: a list of a meeting's kallelse, handlingar
    and protokoll is what the page says (Kungsbacka's meeting pages), but a list made only of links
    looks like navigation to a text extractor, which drops it and then the headings above it."""
    for anchor in list(region.iter("a")):
        url = resolve(anchor.get("href") or "")
        if url and document_type(url, anchor.get("type")):
            anchor.tag = "span"
            anchor.attrib.clear()


def _region(root: Element) -> Element:
    region = main_region(root.getroottree())
    return region if isinstance(region, Element) else root
