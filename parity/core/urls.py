"""URL canonicalisation shared by the crawler (ids, dedup) and the matcher (link evidence).

A post links ``https://www.uppsala.se/nyheter/x/?utm_source=facebook&fbclid=…``
while the feed says ``https://uppsala.se/nyheter/x``: both must compare equal,
or link evidence — the strongest signal we have — is lost.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

#: Query parameters that only track the click, never select content.
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|igsh|"
    r"si|s_cid|cmpid|ocid|ref_src|ref_url|_hsenc|_hsmi|mkt_tok|yclid|twclid|ncid|cid|"
    r"spm|sr_share|share|smid|at_medium|at_campaign|__twitter_impression)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_tracking(url: str) -> str:
    """Drop click-tracking query parameters, keep everything else in order."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def canonical_url(url: str | None) -> str | None:
    """The comparison key of a URL: scheme-insensitive, no ``www.``, no tracking, no fragment.

    Not meant to be fetched: it lower-cases the host, folds http/https and
    ``www.`` together and drops a trailing slash, which is what makes two
    spellings of the same page equal in practice on municipal sites.
    """
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        if url.startswith("//"):
            url = "https:" + url
        elif re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", url, re.IGNORECASE):
            url = "https://" + url
        else:
            return None
    try:
        url = canonicalize_url(strip_tracking(safe_url_string(url)), keep_fragments=False)
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    for suffix in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
    return urlunsplit(("https", netloc, path, parts.query, ""))


def host_of(url: str | None) -> str | None:
    """Lower-case host without ``www.``, for same-site checks."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower()
    return host[4:] if host.startswith("www.") else host
