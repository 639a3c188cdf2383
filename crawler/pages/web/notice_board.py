"""The legally required notice board (anslagstavla) → list of :class:`Notice`.

Kommunallagen 8 kap. 9–12 §§ puts meeting notices and approved minutes on a
web notice board; whether a social post's meeting or decision is also posted
there is exactly what the audit asks. Boards run on several platforms:
Sitevision (AppRegistry JSON: ``pages[]``, ``announcements[]``,
``initialNotices[]``, ``articles[]``), Netpublicator (``li[data-npid]``),
MeetingsPlus (``[role=row]`` rows linking ``/announcements/``), and Ciceron
(a JSON-RPC API whose ``ReadItems`` response is read here). A page with none
of these raises :class:`PageError`: an unreadable board must not look empty.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from crawler.pages.appregistry import app_registry_states, find_lists, first
from crawler.pages.dates import find_date_in_text, parse_datetime
from crawler.pages.links import absolute, base_url
from crawler.pages.page_input import PageInput
from crawler.pages.text import element_text, html_to_text, label_text, normalize_space
from crawler.pages.tree import HtmlTree, get_text, iter_tags, select, select_one
from crawler.pages.types import Notice, PageError
from crawler.pages.web.jsonfeed import load_json

__all__ = ["announced_total", "app_registry_states", "parse_notice_board"]

NOTICE_LISTS = ("pages", "announcements", "initialNotices", "articles", "notices", "bulletins")
_FROM_LABEL = re.compile(
    r"\b(anslagsdatum|anslaget\s+(?:den|från)|anslaget(?!\s+(?:till|t\.o\.m))|uppsatt|uppsättningsdatum|datum\s+för\s+anslag|anslås|"
    r"publiceringsdatum|publicerad|fr\.\s?o\.\s?m\.?|från\s+och\s+med|giltig\s+från)\s*:?\s*",
    re.IGNORECASE,
)
_TO_LABEL = re.compile(
    r"\b(datum\s+för\s+nedtagande|nedtagningsdatum|nedtagande|tas\s+ned|tas\s+bort|nedtagning|anslaget\s+till|till\s+och\s+med|t\.\s?o\.\s?m\.?|"
    r"sista\s+dag(?:en)?|giltig\s+till)\s*:?\s*",
    re.IGNORECASE,
)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = html_to_text(value) if "<" in value else normalize_space(value)
    return text or None


def _labelled(text: str, label: re.Pattern[str]) -> dt.datetime | None:
    for match in label.finditer(text):
        value = find_date_in_text(text[match.end() : match.end() + 40])
        if value:
            return value
    return None


def labelled_dates(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(from, to) out of "Anslagsdatum: 2026-03-02 … Tas ned: 2026-03-23" style text."""
    return _labelled(text, _FROM_LABEL), _labelled(text, _TO_LABEL)


# --- Sitevision AppRegistry ------------------------------------------------------


def _date(item: dict[str, Any], *keys: str) -> dt.datetime | None:
    for key in keys:
        if item.get(key) not in (None, ""):
            value = parse_datetime(item[key])
            if value:
                return value
    return None


def notice_from_item(item: dict[str, Any], base: str) -> Notice | None:
    """One AppRegistry (or similar JSON) notice; None when it has neither title nor text."""
    title = _clean(first(item, "title", "header", "heading", "name", "subject"))
    text = (
        _clean(
            first(item, "preamble", "freeText", "htmlContent", "text", "description", "ingress", "summary", "content")
        )
        or ""
    )
    if not title and not text:
        return None
    url = absolute(base, first(item, "uri", "url", "link", "href"))
    key = first(item, "id", "uri", "url")
    published = _date(
        item, "publishedLong", "published", "publishDate", "publishedDate", "publicationDate", "created", "date"
    )
    from_date = _date(item, "fromDate", "startDate", "validFrom", "postedDate", "anslagsdatum", "dateFrom")
    to_date = _date(item, "toDate", "endDate", "validTo", "removeDate", "takeDownDate", "nedtagningsdatum", "dateTo")
    if from_date is None or to_date is None:
        label_from, label_to = labelled_dates(text)
        from_date, to_date = from_date or label_from, to_date or label_to
    organization = _clean(
        first(item, "organization", "organisation", "organ", "authority", "board", "committee", "department")
    )
    return Notice(
        url=url,
        key=str(key) if key not in (None, "") else None,
        title=title,
        text=text,
        published_at=published or from_date,
        from_date=from_date,
        to_date=to_date,
        organization=organization,
    )


def _app_registry(html: str, base: str) -> list[Notice] | None:
    found = False
    notices: list[Notice] = []
    for state in app_registry_states(html).values():
        for _name, items in _lists_even_empty(state):
            found = True
            notices.extend(n for item in items if (n := notice_from_item(item, base)))
    return notices if found else None


def _lists_even_empty(state: Any) -> list[tuple[str, list[Any]]]:
    """The state's notice lists; an empty board is a board, so ``{"pages": []}`` counts."""
    lists = list(find_lists(state, NOTICE_LISTS))
    if lists or not isinstance(state, dict):
        return lists
    holders = [state, *(value for value in state.values() if isinstance(value, dict))]
    return [(name, []) for holder in holders for name in NOTICE_LISTS if isinstance(holder.get(name), list)]


_TOTAL_KEYS = ("totalCount", "totalHits", "totalItems", "total", "numberOfHits", "hits")


def announced_total(page: PageInput) -> int | None:
    """How many notices an AppRegistry board says it has, when it says so (else None).

    Sitevision boards render only their first page of notices into the HTML
    (Lerum's shows 10); when the announced total is larger than what
    :func:`parse_notice_board` returned, the board was read only in part and a
    missing notice cannot be concluded from it.
    """
    best: int | None = None
    for state in app_registry_states(page.text).values():
        if not isinstance(state, dict) or not _lists_even_empty(state):
            continue
        for holder in (state, *(v for v in state.values() if isinstance(v, dict))):
            for key in _TOTAL_KEYS:
                value = holder.get(key)
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    best = max(best or 0, value)
            pages, size = holder.get("totalPages"), holder.get("pageSize")
            if isinstance(pages, int) and isinstance(size, int) and pages > 1 and size > 0:
                best = max(best or 0, pages * size)
    return best


# --- Netpublicator ------------------------------------------------------------------


def _netpublicator(document: HtmlTree, base: str) -> list[Notice] | None:
    items = select(document, "li[data-npid]")
    if not items:
        return None
    notices: list[Notice] = []
    for item in items:
        title_tag = select_one(item, ".bbl-item-title-small, .bbl-item-title, .c-bulletin-item__heading, h2, h3, h4")
        title = (
            label_text(title_tag)
            if title_tag is not None
            else normalize_space(item.get("data-title") or "").split(">")[0].strip()
        )
        body_tag = select_one(
            item, ".bbl-item-text, .bbl-item-description, .c-bulletin-item__text, .c-bulletin-item__body, p"
        )
        text = element_text(body_tag) if body_tag is not None else ""
        whole = normalize_space(get_text(item, " "))
        from_date, to_date = labelled_dates(whole)
        time_tag = next(item.iterdescendants("time"), None)
        published = (
            (parse_datetime(item.get("data-published")) if item.get("data-published") else None)
            or (parse_datetime(time_tag.get("datetime")) if time_tag is not None else None)
            or from_date
        )
        org_tag = select_one(item, ".bbl-item-organization, .bbl-item-category, .c-bulletin-item__category, .category")
        link = next((a for a in item.iterdescendants("a") if a.get("href") is not None), None)
        notices.append(
            Notice(
                url=absolute(base, link.get("href")) if link is not None else None,
                key=item.get("data-npid"),
                title=title or None,
                text=text,
                published_at=published,
                from_date=from_date,
                to_date=to_date,
                organization=(label_text(org_tag) or None) if org_tag is not None else None,
            )
        )
    return notices


def _netpublicator_embed(document: HtmlTree) -> str | None:
    for tag in iter_tags(document, "iframe", "script", "a"):
        src = tag.get("src") or tag.get("href") or ""
        if "netpublicator.com/bulletinboard" in src:
            return src
    return None


# --- MeetingsPlus --------------------------------------------------------------------


def _column_roles(document: HtmlTree) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, cell in enumerate(select(document, "[role=columnheader]")):
        name = normalize_space(get_text(cell, " ")).lower()
        if re.search(r"ned|till|t\.o\.m|slut|upphör", name):
            roles[index] = "to"
        elif re.search(r"publicer|anslag|uppsatt|från|datum", name):
            roles[index] = "from"
        elif re.search(r"organ|nämnd|instans|myndighet|förvaltning", name):
            roles[index] = "organization"
        elif re.search(r"rubrik|titel|ärende|beskrivning", name):
            roles[index] = "title"
    return roles


_ANNOUNCEMENT_LINK = 'a[href*="/announcements/"]'


def _meetingsplus(document: HtmlTree, base: str) -> list[Notice] | None:
    rows = [row for row in select(document, "[role=row]") if select_one(row, _ANNOUNCEMENT_LINK) is not None]
    if not rows:
        return None
    roles = _column_roles(document)
    notices: list[Notice] = []
    for row in rows:
        link = select_one(row, _ANNOUNCEMENT_LINK)
        if link is None:
            continue
        cells = select(row, "[role=cell], [role=gridcell], [role=rowheader]")
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            role = roles.get(index)
            if role and role not in values:
                values[role] = normalize_space(get_text(cell, " "))
        whole = normalize_space(get_text(row, " "))
        from_date = find_date_in_text(values["from"]) if "from" in values else None
        to_date = find_date_in_text(values["to"]) if "to" in values else None
        if not roles:
            dates = [find_date_in_text(m.group(0)) for m in re.finditer(r"\d{4}-\d{2}-\d{2}", whole)]
            from_date = dates[0] if dates else None
            to_date = dates[1] if len(dates) > 1 else None
        url = absolute(base, link.get("href") or "")
        notices.append(
            Notice(
                url=url,
                key=url.rstrip("/").rsplit("/", 1)[-1] if url else None,
                title=label_text(link) or values.get("title") or None,
                text=whole,
                published_at=from_date,
                from_date=from_date,
                to_date=to_date,
                organization=values.get("organization") or None,
            )
        )
    return notices


# --- Ciceron JSON-RPC -------------------------------------------------------------------


def _ciceron_results(data: Any) -> list[dict[str, Any]] | None:
    if not isinstance(data, dict) or "result" not in data:
        return None
    result = data["result"]
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except json.JSONDecodeError:
            return None
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        return [r for r in result["results"] if isinstance(r, dict)]
    return None


def _ciceron_notice(item: dict[str, Any]) -> Notice | None:
    raw = str(item.get("title") or "").replace("\r", "")
    lines = [normalize_space(line) for line in raw.split("\n") if normalize_space(line)]
    if not lines:
        return None
    link = str(item.get("object_link") or "")
    date_keys = {k: v for k, v in item.items() if "date" in k.lower() or k.lower() in ("posted", "published")}
    from_date = to_date = None
    for name, value in date_keys.items():
        parsed = parse_datetime(value)
        if parsed is None:
            continue
        if re.search(
            r"(?:^|_)(?:to|end|until|remove|removal|down|expires?)(?:_|$)|(?:to|end)date", name, re.IGNORECASE
        ):
            to_date = to_date or parsed
        else:
            from_date = from_date or parsed
    label_from, label_to = labelled_dates(" ".join(lines))
    from_date, to_date = from_date or label_from, to_date or label_to
    key: Any = item.get("id") if item.get("id") not in (None, "") else link or None
    # diary_name is a diary code ("BN", "KS"), not the body that posted the notice
    organization = _clean(first(item, "board", "organ", "instance", "authority"))
    return Notice(
        url=None,
        key=str(key) if key is not None else None,
        title=lines[0],
        text="\n".join(lines),
        published_at=from_date,
        from_date=from_date,
        to_date=to_date,
        organization=organization,
    )


# --- entry point ---------------------------------------------------------------------------


def _from_json(url: str, text: str) -> list[Notice]:
    data = load_json(url, text)
    results = _ciceron_results(data)
    if results is not None:
        return [n for item in results if (n := _ciceron_notice(item))]
    lists = list(find_lists(data, NOTICE_LISTS)) if isinstance(data, (dict, list)) else []
    if isinstance(data, list) and all(isinstance(v, dict) for v in data):
        lists.append(("items", data))
    if not lists:
        raise PageError(url, "JSON, but neither a Ciceron ReadItems response nor a list of notices")
    return [n for _name, items in lists for item in items if (n := notice_from_item(item, url))]


def parse_notice_board(page: PageInput) -> list[Notice]:
    """Every notice on the board page (or Ciceron JSON-RPC response), in page order."""
    url = page.url
    text = page.text
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise PageError(url, "empty body")
    if stripped[0] in "{[":
        return _from_json(url, stripped)
    document = page.tree
    base = base_url(document, url) if document is not None else url
    readers: list[Callable[[], list[Notice] | None]] = [lambda: _app_registry(text, base)]
    if document is not None:
        readers += [lambda: _netpublicator(document, base), lambda: _meetingsplus(document, base)]
    for reader in readers:
        notices = reader()
        if notices is not None:
            return notices
    embed = _netpublicator_embed(document) if document is not None else None
    if embed:
        raise PageError(url, f"Netpublicator board is rendered in the browser; read {embed} instead")
    raise PageError(url, "no notice board found (no AppRegistry notices, Netpublicator or MeetingsPlus markup)")


def embedded_board_url(page: PageInput) -> str | None:
    """The URL of a board embedded from another service (Netpublicator), absolute, or None.

    Municipal sites often show only an iframe or script of the real board; the
    crawler reads that URL instead (what :func:`parse_notice_board` asks for in its error).
    """
    if "netpublicator" not in page.text.lower() or page.tree is None:
        return None
    embed = _netpublicator_embed(page.tree)
    return absolute(base_url(page.tree, page.url), embed) if embed else None
