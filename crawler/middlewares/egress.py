"""Where a request may go: hosts the config names are trusted, hosts a server named are checked.

A crawl follows what servers say: a ``Link: rel="next"``, Graph's ``paging.next``, a
WebFinger answer, a redirect, a link in a page. A hostile or compromised server can
name an internal address (a cloud metadata endpoint, an admin panel on the LAN) and
make the crawler fetch it — with the API token attached, and into the WARC archive a
journalist publishes. Two rules, in :class:`EgressGuardMiddleware` (priority 60: after
the offsite guard, before robots.txt is fetched for a new host) and
:class:`PeerAddressGuardMiddleware` (priority 940: the first to see a response):

* **API paging stays on the configured host.** A social spider that reads an API
  (``confine_to_api_host``: Mastodon, Bluesky, Graph, X) refuses every request —
  paging link, redirect target — to a host outside ``spider.allowed_hosts`` (the
  configured ``api`` or instance; a WebFinger answer may add one only when no ``api``
  is configured). Reason ``offsite`` / ``offsite_redirect``. A token is never sent to
  any host but the spider's ``token_hosts``: the header is removed if it ever would be.
* **No private addresses unless configured.** A request to a host the config does not
  name is resolved first; an address that is not global (loopback, RFC 1918 private,
  link-local, unique-local, unspecified, reserved, multicast, IPv4-mapped forms of
  them) refuses it with reason ``private_address`` unless ``[crawl]
  allow_private_addresses = true``. After the download the peer address the
  connection actually used (``response.ip_address``) is checked again, so a DNS answer
  that changes between the check and the connection (rebinding) is refused as well.

Hosts named in the config (``url``, ``api``, a Mastodon account's instance) are
trusted as the user configured them: that is how the demo and the tests run on
127.0.0.1. Refusals raise :class:`crawler.middlewares.offsite.Refused`, so the
request's errback records an error row and the source is never ``ok``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares.offsite import Refused

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _host(name: str | None) -> str:
    return (name or "").lower().rstrip(".").strip("[]")


def is_private(address: IPAddress) -> bool:
    """Not an address of the public internet (loopback, private, link-local, unique-local, reserved…)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(_host(host))
    except ValueError:
        return None


async def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Every address ``host`` resolves to (the system resolver, off the reactor thread)."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
    addresses: list[IPAddress] = []
    for info in infos:
        try:
            addresses.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    return addresses


class _EgressPolicy:
    """The settings both guards read, and how they refuse."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.allow_private = settings.getbool("PARITY_ALLOW_PRIVATE_ADDRESSES", False)
        self.configured = {_host(h) for h in settings.getlist("PARITY_CONFIGURED_HOSTS", [])}
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 30.0)
        #: host → the private address it resolved to (refused), or "" (checked, public); per process
        self.verdicts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> _EgressPolicy:
        return cls(crawler)

    def trusted(self, host: str) -> bool:
        """Named in the config, or private addresses allowed: no address check."""
        return self.allow_private or host in self.configured

    def _refuse(self, request: Request, host: str, address: str) -> None:
        self.crawler.stats.inc_value("parity/private_address_refused")
        log.warning("%s resolves to %s, a private address; not fetched (allow_private_addresses = false)",
                    host, address)
        raise Refused("private_address", f"{request.url}: {host} resolves to {address}")


class EgressGuardMiddleware(_EgressPolicy):
    """Refuse API paging off the configured host and requests to private addresses (see module docstring)."""

    def _spider(self, spider: Any) -> Any:
        return spider if spider is not None else getattr(self.crawler, "spider", None)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        spider = self._spider(spider)
        host = _host(urlparse_cached(request).hostname)
        redirected = bool(request.meta.get("redirect_urls"))
        if getattr(spider, "confine_to_api_host", False) and host not in {_host(h) for h in spider.allowed_hosts}:
            self.crawler.stats.inc_value("parity/offsite_refused")
            raise Refused("offsite_redirect" if redirected else "offsite",
                          f"{request.url} is not on the configured API host {', '.join(sorted(spider.allowed_hosts))}")
        self._keep_token_home(request, spider, host)
        if self.trusted(host):
            return
        reason = self.verdicts.get(host)
        if reason is None:
            port = urlparse_cached(request).port or (443 if request.url.startswith("https") else 80)
            try:
                addresses = await resolve(host, port, self.timeout)
            except (TimeoutError, OSError, UnicodeError):
                raise Refused("dns", f"{host} could not be resolved") from None
            private = [str(a) for a in addresses if is_private(a)]
            reason = self.verdicts[host] = private[0] if private else ""
        if reason:
            self._refuse(request, host, reason)
        return

    def _keep_token_home(self, request: Request, spider: Any, host: str) -> None:
        """Drop an ``Authorization`` header bound for a host other than the token's own API host."""
        homes = getattr(spider, "token_hosts", None)
        if homes is None or b"Authorization" not in request.headers:
            return
        if host not in {_host(h) for h in homes}:
            del request.headers[b"Authorization"]
            self.crawler.stats.inc_value("parity/token_withheld")
            log.warning("%s is not the token's API host; the request goes without the token", host)


class PeerAddressGuardMiddleware(_EgressPolicy):
    """The address a response actually came from (priority 940: before redirects, retries or parsing see it)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """The address actually connected to: a rebinding DNS answer is caught here."""
        host = _host(urlparse_cached(request).hostname)
        if self.trusted(host) or response.ip_address is None:
            return response
        try:
            address = ipaddress.ip_address(str(response.ip_address))
        except ValueError:
            return response
        if is_private(address):
            self._refuse(request, host, str(address))
        return response
