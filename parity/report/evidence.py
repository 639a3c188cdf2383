"""Evidence lines for gaps: which archived response a verdict relied on (``--warc``).

With ``--warc`` the crawl writes every response it downloaded to ``crawl.warc.gz``
(crawler/warc.py). A journalist who publishes a gap must be able to point at the exact
bytes: for each gap the report names the WARC record (``WARC-Record-ID``) and the SHA-256
of the payload of

* the social API answer (or feed) that contained the post — found by the post's native id
  (the part of ``post_id`` after the last ``:``, a status id or record key) in the answer's
  body — and
* the web page of the best candidate (by URL, canonical URL as a fallback).

Anyone can check a record with ``warcio`` and ``sha256sum``. The newest record of a URL
wins (a rerun appends to the archive). Without an archive there are no evidence lines.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from parity.core.urls import canonical_url

#: bodies larger than this are not searched for post ids (API answers are far smaller)
_SEARCH_LIMIT = 8 << 20


@dataclass(frozen=True)
class Evidence:
    """One archived response: its record id, payload digest and address."""

    record_id: str
    sha256: str
    url: str
    date: str


@dataclass
class EvidenceIndex:
    """Archived responses by URL and by the post ids their bodies contain."""

    by_url: dict[str, Evidence]
    by_post: dict[str, Evidence]

    def page(self, url: str | None) -> Evidence | None:
        if not url:
            return None
        return self.by_url.get(url) or self.by_url.get(canonical_url(url) or "")

    def post(self, post_id: str) -> Evidence | None:
        return self.by_post.get(post_id)


def native_id(post_id: str) -> str:
    """``mastodon:acct@host:113`` → ``113`` (what an API answer spells)."""
    return post_id.rsplit(":", 1)[-1]


def read_index(archive: Path, post_ids: Iterable[str]) -> EvidenceIndex:
    """Index ``archive``'s response records; ``post_ids``: the posts whose API answers are wanted."""
    from warcio.archiveiterator import ArchiveIterator

    wanted: dict[str, str] = {}
    for post_id in post_ids:
        token = native_id(post_id)
        if len(token) >= 6:  # shorter ids would match by chance
            wanted.setdefault(token, post_id)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True))) if wanted else None
    by_url: dict[str, Evidence] = {}
    by_post: dict[str, Evidence] = {}
    with archive.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            body = record.content_stream().read()
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            found = Evidence(record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                             sha256=hashlib.sha256(body).hexdigest(), url=url,
                             date=record.rec_headers.get_header("WARC-Date") or "")
            by_url[url] = found
            canonical = canonical_url(url)
            if canonical:
                by_url[canonical] = found
            if pattern is not None and len(body) <= _SEARCH_LIMIT:
                for token in set(pattern.findall(body.decode("utf-8", "replace"))):
                    by_post[wanted[token]] = found
    return EvidenceIndex(by_url, by_post)


def load_index(folder: Path, post_ids: Iterable[str]) -> EvidenceIndex | None:
    """The index of ``folder/crawl.warc.gz``, or None when the audit kept no archive or it cannot be read."""
    archive = folder / "crawl.warc.gz"
    if not archive.is_file():
        return None
    try:
        return read_index(archive, post_ids)
    except (OSError, ValueError, EOFError):
        return None
