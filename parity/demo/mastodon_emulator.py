"""An emulated Mastodon 4.x instance: the anonymous read API, WebFinger and account RSS.

Built from account and status specs so any test can stand up its own instance.
It reproduces what a crawler depends on and usually gets wrong: opaque string
ids, ActiveModel boolean parsing, the ``limit`` clamp, ``Link`` headers that only
offer ``next`` when a page is full, ``X-RateLimit-*`` with an ISO reset and a 429
without ``Retry-After``, 401 on locked-down instances, and an RSS feed without
boosts, replies or pagination.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from typing import Callable, Iterable
from urllib.parse import quote, unquote

from parity.demo.httpmsg import Request, Response
from parity.demo.mastodon_entities import (
    PUBLIC_VISIBILITIES,
    MastodonAccountSpec,
    MastodonRenderer,
    MastodonStatusSpec,
    id_sort_key,
)
from parity.demo.mastodon_params import active_model_boolean, iso_reset, limit_param, paginate, to_query
from parity.demo.mastodon_rss import render_account_rss, rss_limit
from parity.demo.ratelimit import FixedWindowLimiter, Quota

#: Filter keys the statuses controller repeats in its Link header (AccountStatusesFilter::KEYS).
FILTER_KEYS = ("pinned", "tagged", "only_media", "exclude_replies", "exclude_reblogs")

ERROR_MESSAGES = {
    401: "This API requires an authenticated user",
    403: "This action is not allowed",
    404: "Record not found",
    410: "Gone",
    422: "Validation failed",
    429: "Too many requests",
    503: "There was a temporary problem serving your request, please try again",
}
_RAILS_500 = (
    "<!DOCTYPE html>\n<html>\n<head>\n  <title>We're sorry, but something went wrong (500)</title>\n</head>\n"
    "<body>\n  <h1>We're sorry, but something went wrong.</h1>\n</body>\n</html>\n"
)


class MastodonEmulator:
    """A Mastodon instance whose local domain is ``local_domain`` and web domain is wherever it is served."""

    def __init__(
        self,
        accounts: Iterable[MastodonAccountSpec],
        statuses: Iterable[MastodonStatusSpec],
        *,
        local_domain: str = "social.demo",
        version: str = "4.6.4",
        require_auth: bool = False,
        accepted_tokens: Iterable[str] | None = None,
        rate_limit: int = 300,
        rate_period: int = 300,
        rss_enabled: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.accounts: dict[str, MastodonAccountSpec] = {a.id: a for a in accounts}
        self.statuses: dict[str, MastodonStatusSpec] = {}
        for status in statuses:
            if status.id in self.statuses:
                raise ValueError(f"duplicate status id {status.id}")
            self.statuses[status.id] = status
        usernames = [a.username.lower() for a in self.accounts.values()]
        if len(set(usernames)) != len(usernames):
            raise ValueError("duplicate usernames")
        for status in self.statuses.values():
            if status.account.lower() not in usernames:
                raise ValueError(f"status {status.id} belongs to unknown account {status.account!r}")
            for ref in (status.reblog_of_id, status.in_reply_to_id):
                if ref and ref not in self.statuses:
                    raise ValueError(f"status {status.id} refers to unknown status {ref}")
        self.local_domain = local_domain
        self.version = version
        self.require_auth = require_auth
        self.accepted_tokens = set(accepted_tokens) if accepted_tokens is not None else None
        self.rss_enabled = rss_enabled
        self.limiter = FixedWindowLimiter(rate_limit, rate_period, clock)

    # --- helpers -------------------------------------------------------------------------

    def renderer(self, base_url: str) -> MastodonRenderer:
        return MastodonRenderer(self.accounts, self.statuses, base_url=base_url, local_domain=self.local_domain)

    def _account_by_username(self, username: str) -> MastodonAccountSpec | None:
        wanted = username.lower()
        return next((a for a in self.accounts.values() if a.username.lower() == wanted), None)

    def _is_local_domain(self, domain: str | None, request: Request) -> bool:
        if not domain:
            return True
        web_host = request.base_url.split("://", 1)[-1]
        return domain.lower() in (self.local_domain.lower(), web_host.lower())

    def _rate_headers(self, quota: Quota) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(quota.limit),
            "X-RateLimit-Remaining": str(quota.remaining),
            "X-RateLimit-Reset": iso_reset(quota),
        }

    @staticmethod
    def _api_headers(body: bytes, started: float) -> dict[str, str]:
        return {
            "Cache-Control": "private, no-store",
            "Vary": "Authorization, Origin",
            "ETag": f'W/"{hashlib.md5(body).hexdigest()}"',  # noqa: S324 - an ETag, not security
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; form-action 'none'",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "SAMEORIGIN",
            "X-Permitted-Cross-Domain-Policies": "none",
            "X-Request-Id": str(uuid.uuid4()),
            "X-Runtime": f"{time.perf_counter() - started:.6f}",
            "X-XSS-Protection": "0",
        }

    def _json(self, data: object, request: Request, quota: Quota | None, status: int = 200,
              extra: dict[str, str] | None = None) -> Response:
        started = time.perf_counter()
        response = Response.json(data, status=status)
        response.headers.update(self._api_headers(response.body, started))
        if quota is not None:
            response.headers.update(self._rate_headers(quota))
        if extra:
            response.headers.update(extra)
        return response

    def error_response(self, request: Request, status: int) -> Response:
        """A failure in this server's own format (used for injected faults too)."""
        quota = self.limiter.peek() if request.path.startswith("/api/") else None
        if status == 500:
            return Response.html(_RAILS_500, status=500)
        if status in (502, 504):
            title = "502 Bad Gateway" if status == 502 else "504 Gateway Time-out"
            body = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>"
                    "\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
            return Response.make(status, body, "text/html")
        if status == 429 and quota is not None:
            quota = Quota(False, quota.limit, 0, quota.now, quota.reset_at)
        message = ERROR_MESSAGES.get(status, "Error processing request")
        return self._json({"error": message}, request, quota, status=status)

    # --- routing -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/api/"):
            return self._api(request)
        if path == "/.well-known/webfinger":
            return self._webfinger(request)
        if path == "/.well-known/host-meta":
            return Response.make(200, self._host_meta(request), "application/xrd+xml; charset=utf-8")
        match = re.fullmatch(r"/(?:@|users/)([A-Za-z0-9_]+)(/with_replies)?\.rss", path)
        if match:
            return self._rss(request, match.group(1), with_replies=bool(match.group(2)))
        match = re.fullmatch(r"/@([A-Za-z0-9_]+)(?:/(\d+))?/?", path)
        if match:
            return self._web_page(request, match.group(1), match.group(2))
        return Response.html("<!DOCTYPE html><html><body><h1>The page you are looking for isn't here.</h1></body></html>",
                             status=404)

    def _api(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if path in ("/api/v1/instance", "/api/v2/instance"):
            return self._json(self._instance(request, v2=path.endswith("v2/instance")), request, None)
        quota = self.limiter.hit()
        if not quota.allowed:
            return self._json({"error": ERROR_MESSAGES[429]}, request, quota, status=429)
        auth = request.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if token and self.accepted_tokens is not None and token not in self.accepted_tokens:
            return self._json({"error": "The access token is invalid"}, request, quota, status=401)
        if request.method not in ("GET", "HEAD"):
            if not token:
                return self._json({"error": "The access token is invalid"}, request, quota, status=401)
            return self._json({"error": "This action is not allowed"}, request, quota, status=403)
        if self.require_auth and not token:
            return self._json({"error": ERROR_MESSAGES[401]}, request, quota, status=401)
        if path == "/api/v1/accounts/lookup":
            return self._lookup(request, quota)
        match = re.fullmatch(r"/api/v1/accounts/([^/]+)/statuses", path)
        if match:
            return self._account_statuses(request, unquote(match.group(1)), quota)
        match = re.fullmatch(r"/api/v1/accounts/([^/]+)", path)
        if match:
            account = self.accounts.get(unquote(match.group(1)))
            if account is None:
                return self._json({"error": ERROR_MESSAGES[404]}, request, quota, status=404)
            return self._json(self.renderer(request.base_url).account_json(account), request, quota)
        match = re.fullmatch(r"/api/v1/statuses/([^/]+)", path)
        if match:
            status = self.statuses.get(unquote(match.group(1)))
            if status is None or status.visibility not in PUBLIC_VISIBILITIES:
                return self._json({"error": ERROR_MESSAGES[404]}, request, quota, status=404)
            return self._json(self.renderer(request.base_url).status_json(status), request, quota)
        return self._json({"error": ERROR_MESSAGES[404]}, request, quota, status=404)

    def _lookup(self, request: Request, quota: Quota) -> Response:
        acct = (request.arg("acct") or "").strip().lstrip("@")
        username, _, domain = acct.partition("@")
        account = self._account_by_username(username) if username else None
        if account is None or not self._is_local_domain(domain or None, request):
            return self._json({"error": ERROR_MESSAGES[404]}, request, quota, status=404)
        return self._json(self.renderer(request.base_url).account_json(account), request, quota)

    def _select(self, account: MastodonAccountSpec, request: Request) -> list[MastodonStatusSpec]:
        """AccountStatusesFilter for an anonymous viewer."""
        renderer = self.renderer(request.base_url)
        own = [
            s for s in self.statuses.values()
            if s.account.lower() == account.username.lower() and s.visibility in PUBLIC_VISIBILITIES
        ]
        if active_model_boolean(request.arg("pinned")):
            own = [s for s in own if s.pinned]
        if active_model_boolean(request.arg("only_media")):
            own = [s for s in own if s.media and not s.reblog_of_id]
        if active_model_boolean(request.arg("exclude_replies")):
            own = [s for s in own if not s.in_reply_to_id or self._is_self_reply(s)]
        if active_model_boolean(request.arg("exclude_reblogs")):
            own = [s for s in own if not s.reblog_of_id]
        tagged = request.arg("tagged")
        if tagged:
            wanted = tagged.lstrip("#").lower()
            own = [s for s in own if wanted in {t.lower() for t in renderer.format(s).tags}]
        return own

    def _is_self_reply(self, status: MastodonStatusSpec) -> bool:
        parent = self.statuses.get(status.in_reply_to_id or "")
        return parent is not None and parent.account.lower() == status.account.lower()

    def _account_statuses(self, request: Request, account_id: str, quota: Quota) -> Response:
        account = self.accounts.get(account_id)
        if account is None:
            return self._json({"error": ERROR_MESSAGES[404]}, request, quota, status=404)
        limit = limit_param(request.arg("limit"))
        page = paginate(
            self._select(account, request),
            limit=limit,
            max_id=request.arg("max_id") or None,
            since_id=request.arg("since_id") or None,
            min_id=request.arg("min_id") or None,
        )
        renderer = self.renderer(request.base_url)
        body = [renderer.status_json(s) for s in page]
        link = self._link_header(request, account_id, page, limit)
        return self._json(body, request, quota, extra={"Link": link} if link else None)

    @staticmethod
    def _link_header(request: Request, account_id: str, page: list[MastodonStatusSpec], limit: int) -> str | None:
        """``next`` (max_id) only when the page is full, ``prev`` (min_id) when it is non-empty."""
        if not page:
            return None
        kept = {key: request.arg(key) or "" for key in ("limit", *FILTER_KEYS) if request.arg(key) is not None}
        base = f"{request.base_url}/api/v1/accounts/{quote(account_id, safe='')}/statuses"
        links = []
        if len(page) == limit:
            links.append(f'<{base}?{to_query({**kept, "max_id": page[-1].id})}>; rel="next"')
        links.append(f'<{base}?{to_query({**kept, "min_id": page[0].id})}>; rel="prev"')
        return ", ".join(links)

    # --- non-API endpoints ---------------------------------------------------------------

    def _webfinger(self, request: Request) -> Response:
        resource = request.arg("resource")
        if not resource:
            return Response(status=400)
        match = re.fullmatch(r"(?:acct:)?@?([A-Za-z0-9_]+)@([^@/]+)", resource)
        url_match = re.fullmatch(r"https?://[^/]+/@([A-Za-z0-9_]+)", resource)
        account = None
        if match and self._is_local_domain(match.group(2), request):
            account = self._account_by_username(match.group(1))
        elif url_match:
            account = self._account_by_username(url_match.group(1))
        if account is None:
            return Response(status=404, headers=_cache_headers(180))
        renderer = self.renderer(request.base_url)
        profile = renderer.account_url(account)
        self_uri = renderer.account_uri(account)
        data = {
            "subject": f"acct:{account.username}@{self.local_domain}",
            "aliases": [self_uri, profile],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
                {"rel": "self", "type": "application/activity+json", "href": self_uri},
                {"rel": "http://ostatus.org/schema/1.0/subscribe",
                 "template": f"{request.base_url}/authorize_interaction?uri={{uri}}"},
            ],
        }
        response = Response.json(data)
        response.headers["Content-Type"] = "application/jrd+json; charset=utf-8"
        response.headers.update(_cache_headers(259200))
        return response

    def _host_meta(self, request: Request) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
            f'  <Link rel="lrdd" template="{request.base_url}/.well-known/webfinger?resource={{uri}}"/>\n</XRD>\n'
        )

    def _rss(self, request: Request, username: str, *, with_replies: bool) -> Response:
        account = self._account_by_username(username)
        if account is None or not self.rss_enabled:
            return Response.html("<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", status=404)
        renderer = self.renderer(request.base_url)
        chosen = [
            s for s in self.statuses.values()
            if s.account.lower() == account.username.lower()
            and s.visibility in PUBLIC_VISIBILITIES
            and not s.reblog_of_id
            and (with_replies or not s.in_reply_to_id or self._is_self_reply(s))
        ]
        tag = request.arg("tag")
        if tag:
            chosen = [s for s in chosen if tag.lower() in {t.lower() for t in renderer.format(s).tags}]
        chosen.sort(key=lambda s: id_sort_key(s.id), reverse=True)
        chosen = chosen[: rss_limit(request.arg("limit"))]
        body = render_account_rss(renderer, account, chosen, version=self.version)
        response = Response.make(200, body, "application/rss+xml; charset=utf-8")
        response.headers["Cache-Control"] = "max-age=60, public"
        response.headers["ETag"] = f'W/"{hashlib.md5(response.body).hexdigest()}"'  # noqa: S324
        response.headers["Vary"] = "Accept, Accept-Language, Cookie"
        return response

    def _web_page(self, request: Request, username: str, status_id: str | None) -> Response:
        account = self._account_by_username(username)
        if account is None:
            return Response.html("<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", status=404)
        renderer = self.renderer(request.base_url)
        rss = f"{request.base_url}/@{account.username}.rss"
        body = ""
        if status_id:
            status = self.statuses.get(status_id)
            if status is None or status.account.lower() != account.username.lower() or status.reblog_of_id:
                return Response.html("<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", status=404)
            body = renderer.format(status).html
        page = (
            '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{account.display_name} (@{account.username}@{self.local_domain})</title>\n"
            f'<link rel="alternate" type="application/rss+xml" href="{rss}">\n'
            f'<link rel="alternate" type="application/activity+json" href="{renderer.account_uri(account)}">\n'
            "</head>\n<body>\n<div id=\"mastodon\" data-props=\"{}\"></div>\n"
            f"<noscript>{body}</noscript>\n</body>\n</html>\n"
        )
        return Response.html(page)

    def _instance(self, request: Request, *, v2: bool) -> dict[str, object]:
        host = request.base_url.split("://", 1)[-1]
        common: dict[str, object] = {
            "title": "Social Demo",
            "version": self.version,
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "Demoinstans för reach-parity.",
            "languages": ["sv"],
            "registrations": False,
        }
        if v2:
            return {"domain": self.local_domain, **common, "usage": {"users": {"active_month": len(self.accounts)}}}
        return {"uri": self.local_domain, **common, "short_description": "Demoinstans", "email": "",
                "urls": {"streaming_api": f"ws://{host}"},
                "stats": {"user_count": len(self.accounts), "status_count": len(self.statuses), "domain_count": 1}}


def _cache_headers(seconds: int) -> dict[str, str]:
    return {"Cache-Control": f"max-age={seconds}, public", "Vary": "Origin"}
