"""What a page is built with, and whether it is a block page served as content.

``soft_block`` exists because a CAPTCHA or "access denied" page served with
HTTP 200 would otherwise be read as the organisation's page, find no match,
and turn posts into ``social_only`` when the truth is "could not look"
(``unverifiable``).
"""

from __future__ import annotations

import re
from crawler.pages.page_input import PageInput

#: How much of the page the markers are looked for in (block pages are small; CMS markers sit in <head>).
_HEAD_CHARS = 600_000

_GENERATOR = re.compile(r"""<meta[^>]+name=["']generator["'][^>]*content=["']([^"']+)""", re.IGNORECASE)
_GENERATOR_REVERSED = re.compile(r"""<meta[^>]+content=["']([^"']+)["'][^>]*name=["']generator["']""", re.IGNORECASE)
_SITEVISION_STRONG = ("/sitevision/system-resource/", "sv.pagecontext", "sitevision.css", "/sitevision/util/")
_SITEVISION_WEAK = (
    "appregistry.registerinitialstate",
    "sv-portlet",
    "sv-channel-item",
    "sv-layout",
    "sv-template-",
    "sv-custom-module",
    "sv-text-portlet",
    "/download/18.",
    "/images/18.",
)
_WORDPRESS = ("/wp-content/", "/wp-includes/", "/wp-json/", "wp-embed.min.js")
_EPISERVER = ("/episerver/", "/epiServer/".lower(), "epi-editcontainer", "__epi", "/util/login.aspx", "episerver")

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_CLOUDFLARE = (
    "challenge-platform",
    "cf-chl-",
    "cf_chl_",
    "cf-browser-verification",
    "/cdn-cgi/challenge",
    "attention required! | cloudflare",
    "checking your browser before accessing",
)
_CAPTCHA_MARKUP = (
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com/1/api",
    "recaptcha/api.js",
    "captcha-delivery.com",
    "geo.captcha-delivery",
    "turnstile",
    "px-captcha",
    "arkoselabs",
)
_CAPTCHA_WORDS = re.compile(
    r"captcha|are you (a )?(human|robot)|verify you are human|not a robot|jag är inte en robot|"
    r"bekräfta att du är en människa|verifiera att du är en människa",
    re.IGNORECASE,
)
_DENIED_WORDS = re.compile(
    r"access denied|åtkomst nekad|forbidden|request rejected|the requested url was rejected|request unsuccessful|"
    r"you have been blocked|sorry, you have been blocked|ditt ip|your ip( address)? has been blocked|"
    r"incapsula incident|web application firewall|blocked by|reference #\d|support id",
    re.IGNORECASE,
)
_RATE_WORDS = re.compile(r"too many requests|för många förfrågningar|rate limit", re.IGNORECASE)
#: Block pages say almost nothing; a real page that embeds a CAPTCHA in its
#: contact form (or mentions "access denied" in a FAQ) says far more than this.
_SMALL_PAGE_CHARS = 1000


def detect_cms(page: PageInput) -> str:
    """``"sitevision"``, ``"episerver"``, ``"wordpress"`` or ``"unknown"``.

    The generator tag decides when present; otherwise Sitevision needs one
    strong fingerprint (its system-resource path, ``sv.PageContext``, the
    ``SiteVisionLTM`` cookie) or two weak ones (``sv-`` classes, AppRegistry,
    ``/download/18.`` file URLs).
    """
    text = page.text[:_HEAD_CHARS]
    lower = text.lower()
    generator = _GENERATOR.search(text) or _GENERATOR_REVERSED.search(text)
    if generator:
        name = generator.group(1).lower()
        for cms in ("sitevision", "episerver", "wordpress"):
            if cms in name:
                return cms
        if "optimizely" in name:
            return "episerver"
    cookies = " ".join(page.header_values("set-cookie") + page.header_values("x-powered-by")).lower()
    if "sitevision" in cookies or any(marker in lower for marker in _SITEVISION_STRONG):
        return "sitevision"
    link_header = (page.header("link") or "").lower()
    if "api.w.org" in link_header or page.header("x-pingback") or any(m in lower for m in _WORDPRESS):
        return "wordpress"
    if "episerver" in cookies or any(m in lower for m in _EPISERVER):
        return "episerver"
    if sum(marker in lower for marker in _SITEVISION_WEAK) >= 2:
        return "sitevision"
    return "unknown"


def _visible_text(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


def _visible_shorter_than(html: str, limit: int) -> bool:
    """``len(_visible_text(html)) < limit``, reading the page only until the text reaches ``limit``."""
    length = -1  # the words joined by single spaces: their lengths plus one space fewer than words
    start = 0
    for tag in _TAGS.finditer(html):
        for word in html[start : tag.start()].split():
            length += len(word) + 1
        if max(length, 0) >= limit:
            return False
        start = tag.end()
    for word in html[start:].split():
        length += len(word) + 1
    return max(length, 0) < limit


def soft_block(page: PageInput) -> str | None:
    """Why this response is a block page rather than content, or None.

    Reasons: ``"rate_limited"``, ``"cloudflare_challenge"``, ``"captcha"``,
    ``"access_denied"``. HTTP errors that are not blocks (404, 500) give None:
    they are the retry and error handling's business.
    """
    status = page.status
    if status == 429:
        return "rate_limited"
    text = page.text[:_HEAD_CHARS]
    lower = text.lower()
    if (page.header("cf-mitigated") or "").lower() == "challenge" or any(m in lower for m in _CLOUDFLARE):
        return "cloudflare_challenge"
    title_match = _TITLE.search(text)
    title = " ".join(_TAGS.sub(" ", title_match.group(1)).split()) if title_match else ""
    h1_match = _H1.search(text)
    h1 = " ".join(_TAGS.sub(" ", h1_match.group(1)).split()) if h1_match else ""
    if "just a moment" in title.lower() and "cloudflare" in lower:
        return "cloudflare_challenge"
    small = _visible_shorter_than(text, _SMALL_PAGE_CHARS)
    if (
        _CAPTCHA_WORDS.search(title)
        or _CAPTCHA_WORDS.search(h1)
        or (small and (any(m in lower for m in _CAPTCHA_MARKUP) or _CAPTCHA_WORDS.search(_visible_text(text))))
    ):
        return "captcha"
    if status in (401, 403):
        return "access_denied"
    if _DENIED_WORDS.search(title) or _DENIED_WORDS.search(h1) or (small and _DENIED_WORDS.search(_visible_text(text))):
        return "access_denied"
    if small and (_RATE_WORDS.search(title) or _RATE_WORDS.search(h1)):
        return "rate_limited"
    return None
