"""The pages and documents of the demo municipality, independent of how they are served.

A page knows what a real Sitevision page knows: its node id, where it lives, when
it was published and changed, and the text an editor wrote. Rendering (HTML,
RSS, sitemap, notice-board JSON, PDF) is done elsewhere from the same record, so
every route tells the same story about a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from parity.demo.timefmt import as_utc

PageKind = Literal["news", "disruption", "notice", "static"]
SECTION_OF_KIND: dict[str, str] = {"news": "/nyheter/", "disruption": "/driftinformation/", "notice": "/anslagstavla/"}


def node_id(prefix: str, key: str) -> str:
    """A Sitevision-like node id (``4.5e6dc19f…``) that never contains ``91.``.

    Sitevision robots.txt files commonly carry ``Disallow: /*91.*``; a generated id
    ending in ``91`` would silently block the URL, so such ids are re-hashed.
    """
    salt = 0
    while True:
        digest = hashlib.sha1(f"{key}#{salt}".encode("utf-8")).hexdigest()
        ident = f"{prefix}.{digest[:8]}{digest[9:24]}"
        if "91" not in ident:
            return ident
        salt += 1


@dataclass(frozen=True)
class Document:
    """A file in the Sitevision file archive, served as a PDF."""

    key: str
    filename: str
    title: str
    lines: tuple[str, ...]
    published: dt.datetime

    @property
    def node(self) -> str:
        return node_id("18", f"doc:{self.key}")

    @property
    def version(self) -> str:
        """The epoch-milliseconds segment Sitevision puts in file URLs.

        Real sites use the upload time; here it is derived from the key so the
        document's URL is the same in every run (the demo's dates move with ``now``).
        """
        digest = int(hashlib.sha1(f"version:{self.key}".encode("utf-8")).hexdigest()[:10], 16)
        return str(1_700_000_000_000 + digest % 90_000_000_000)

    @property
    def path(self) -> str:
        return f"/download/{self.node}/{self.version}/{quote(self.filename)}"


@dataclass(frozen=True)
class Page:
    """A published page; ``body`` paragraphs are plain text, ``facts`` label/value rows."""

    key: str
    kind: PageKind
    slug: str
    title: str
    preamble: str
    body: tuple[str, ...]
    published: dt.datetime
    modified: dt.datetime | None = None
    facts: tuple[tuple[str, str], ...] = ()
    organization: str = "Sjöbacka kommun"
    notice_from: dt.date | None = None
    notice_to: dt.date | None = None
    documents: tuple[Document, ...] = ()
    noindex: bool = False

    @property
    def path(self) -> str:
        if self.kind == "static":
            return self.slug
        return SECTION_OF_KIND[self.kind] + self.slug

    @property
    def node(self) -> str:
        return node_id("4", f"page:{self.key}")

    @property
    def last_modified(self) -> dt.datetime:
        return as_utc(self.modified or self.published)
