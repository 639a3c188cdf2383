"""What every social-account spider shares: tokens, API error bodies, incremental walks, deletions.

A social source is walked newest first until the *horizon*: on the first run
(no state in the store) the start of the audit window; later runs stop at
``max(window start, min(now − recheck_days, newest post already known))`` —
so a nightly run fetches what is new plus a short re-check range, and never
leaves a gap when a night was skipped.

Only a *complete* walk (it reached the horizon or the end of the timeline,
no request failed, the crawl finished normally) may change the state or call
a post deleted: a stored post of this source dated inside the walked range
that the API no longer returned gets ``deleted_at``. A partial walk never
marks anything and never advances the cursor, so the next run redoes it.

Tokens come from the environment variable the config names. They are sent
in the ``Authorization`` header only, never in a URL (Graph's ``paging.next``
links carry ``access_token=…``: it is stripped before following), and only to
the configured API host (crawler/middlewares/egress.py). APIs echo tokens in
their error bodies, so every error text passes crawler/secrets.py's redactor
before it reaches a log line, an error row, sources.jsonl or the store.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.secrets import process_redactor, strip_secrets
from crawler.spiders.base import SourceSpider, classify_failure
from crawler.store_access import shared_store
from parity.core.records import Post
from parity.core.surrogates import repair
from parity.core.timeutil import format_time, parse_time

log = logging.getLogger(__name__)

__all__ = ["SocialSpider", "api_error_message", "id_key", "strip_secrets"]


def api_error_message(body: bytes | str | None, limit: int = 200) -> str | None:
    """The server's own words from a JSON error body, in any of the platforms' envelopes.

    Mastodon ``{"error": "…"}``; XRPC ``{"error", "message"}``; Graph
    ``{"error": {"message", "code", …}}``; X ``{"title", "detail"}`` or
    ``{"errors": [{"message"}]}``. None when the body is not such JSON.
    """
    if not body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: hostile nesting
        return None
    if not isinstance(data, dict):
        return None
    text: str | None = None
    error = data.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        message = error.get("message") or error.get("type")
        text = f"code {code}: {message}" if code is not None else str(message)
    elif isinstance(error, str):
        message = data.get("message")
        text = f"{error}: {message}" if isinstance(message, str) and message and message != error else error
    elif isinstance(data.get("title"), str):
        detail = data.get("detail")
        text = f"{data['title']}: {detail}" if isinstance(detail, str) and detail != data["title"] else data["title"]
    elif isinstance(data.get("errors"), list) and data["errors"]:
        first = data["errors"][0]
        if isinstance(first, dict):
            text = str(first.get("message") or first.get("detail") or first.get("title") or "")
    if not text:
        return None
    return " ".join(text.split())[:limit]


def id_key(value: str) -> tuple[int, str]:
    """Opaque numeric-looking ids (Mastodon, X) order by length, then lexically; never cast."""
    return (len(value), value)


class SocialSpider(SourceSpider):
    """Base of the social spiders: state, horizon, seen ids, deletions, tokens, error bodies."""

    name = "social"
    #: Whether a complete walk proves absence (latest-N feeds and scraped bridges cannot).
    supports_deletions = True
    #: Token APIs are not crawling; robots.txt of api hosts does not apply to them.
    obey_robots = True
    #: Every request (paging links, redirects) stays on ``allowed_hosts`` (crawler/middlewares/egress.py).
    confine_to_api_host = True
    #: The hosts the token may be sent to (set by the token spiders: the configured API host only).
    token_hosts: frozenset[str] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process_redactor().add([self.token()])
        self.seen_ids: set[str] = set()
        self.newest_at: dt.datetime | None = None
        self.newest_id: str | None = None
        self.walk_complete = False
        #: The oldest time the walk is known to cover (a latest-N feed raises it).
        self.coverage_start: dt.datetime | None = None
        self.state: dict[str, Any] = {}
        self.horizon: dt.datetime = self.now
        self.pages = 0
        self._state_loaded = False

    # -- configuration --------------------------------------------------------
    @classmethod
    def preflight(cls, spec: Any) -> str | None:
        """A reason this source cannot start (e.g. its token variable is unset), or None."""
        env = getattr(spec.options, "token_env", None)
        if env and not os.environ.get(env):
            return f"environment variable {env} is not set"
        return None

    def token(self) -> str:
        env = getattr(self.spec.options, "token_env", None)
        return os.environ.get(env or "", "") if env else ""

    def auth_headers(self) -> dict[str, str]:
        token = self.token()
        return {"Authorization": f"Bearer {token}"} if token else {}

    @property
    def recheck_days(self) -> float | None:
        value = self.settings.get("PARITY_RECHECK_DAYS")
        return None if value in (None, "") else float(value)

    def store(self) -> Any:
        return shared_store(self.settings.get("PARITY_STORE"))

    # -- incremental state ----------------------------------------------------
    def load_state(self) -> None:
        """Read this source's cursor and decide how far back this run walks."""
        if self._state_loaded:
            return
        self._state_loaded = True
        try:
            self.state = self.store().get_state(self.spec.key) or {}
        except Exception as exc:  # noqa: BLE001 - no state is a full walk, never a crash
            log.warning("%s: cannot read crawl state (%s); walking the whole window", self.spec.key, exc)
            self.state = {}
        self.horizon = self.compute_horizon()
        self.tracker.notes["horizon"] = format_time(self.horizon)

    def compute_horizon(self) -> dt.datetime:
        window_start = self.window_start
        known = parse_time(self.state.get("newest_at")) if self.state.get("complete") else None
        if known is None:
            return window_start
        recheck = self.recheck_days
        target = window_start if recheck is None else self.now - dt.timedelta(days=recheck)
        return max(window_start, min(target, known))

    def keep(self, post: Post, cursor_id: str | None = None) -> Post | None:
        """Note a post the API returned; the post itself if it belongs in the store (inside the window)."""
        self.seen_ids.add(post.id)
        if post.published_at is not None and (self.newest_at is None or post.published_at > self.newest_at):
            if post.published_at <= self.now + dt.timedelta(days=1):  # forged future dates move no cursor
                self.newest_at = post.published_at
        if cursor_id and (self.newest_id is None or id_key(cursor_id) > id_key(self.newest_id)):
            self.newest_id = cursor_id
        if post.published_at is None or post.published_at >= self.window_start:
            return post
        return None

    def past_horizon(self, oldest: dt.datetime | None) -> bool:
        """Whether a page whose oldest post is ``oldest`` already reaches below the horizon."""
        return oldest is not None and oldest < self.horizon

    def count_page(self, response: Response) -> bool:
        """Count a fetched page; False (and the source marked partial) past ``max_pages_per_source``."""
        self.pages += 1
        if self.pages > self.max_pages:
            self.tracker.failure(response.url, "max_pages", True)
            return False
        return True

    # -- requests and errors ----------------------------------------------------
    def api_request(self, url: str, callback: Callable[..., Any], *, primary: bool = True,
                    auth: bool = False, meta: dict[str, Any] | None = None, **kwargs: Any) -> scrapy.Request:
        """A tracked request; ``auth`` adds the token header. A URL never carries a credential."""
        clean = strip_secrets(url)
        meta = dict(meta or {})
        if not self.obey_robots:
            meta["dont_obey_robotstxt"] = True
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("Accept", "application/json")
        if auth:
            headers.update(self.auth_headers())
        return self.request(clean, callback, primary=primary, meta=meta, headers=headers, **kwargs)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason = classify_failure(failure)
        exc = failure.value
        if isinstance(exc, HttpError):
            detail = api_error_message(exc.response.body)
            if detail:
                reason = f"{reason} ({detail})"
        self.tracker.failure(strip_secrets(request.url), reason, bool(request.meta.get("primary")))
        log.warning("%s: %s failed: %s", self.spec.key, strip_secrets(request.url), reason)

    def http_failure(self, response: Response, what: str = "") -> None:
        """A response we asked to see (``handle_httpstatus_list``) that is an error."""
        detail = api_error_message(response.body)
        reason = f"http_{response.status}" + (f" ({detail})" if detail else "") + (f" {what}" if what else "")
        self.tracker.failure(strip_secrets(response.url), reason, bool(response.meta.get("primary")))
        log.warning("%s: %s: %s", self.spec.key, strip_secrets(response.url), reason)

    def json_body(self, response: Response, what: str) -> Any:
        """The answer as JSON; lone surrogates (``"\\ud800"``) replaced by U+FFFD and counted."""
        try:
            data, fixed = repair(json.loads(response.text))
            if fixed:
                self.tracker.notes["repaired_characters"] = int(self.tracker.notes.get("repaired_characters", 0)) + fixed
                log.warning("%s: %s: %d invalid characters (lone surrogates) replaced by U+FFFD", self.spec.key,
                            strip_secrets(response.url), fixed)
            return data
        except RecursionError:
            self.parse_error(response, f"{what}: not JSON (nested too deeply)")
            return None
        except (ValueError, AttributeError) as exc:
            self.parse_error(response, f"{what}: not JSON ({exc})")
            return None

    # -- closing ------------------------------------------------------------------
    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        super()._closed(spider, reason)
        if spider is not self:
            return
        try:
            self.finish_walk(reason)
        except Exception as exc:  # noqa: BLE001 - bookkeeping must not turn a crawl into a crash
            log.warning("%s: could not save crawl state: %s", self.spec.key, exc)

    def walk_is_clean(self, reason: str) -> bool:
        t = self.tracker
        return reason == "finished" and self.walk_complete and t.primary_failed == 0 and t.secondary_failed == 0

    def finish_walk(self, reason: str) -> None:
        if not self._state_loaded:
            return
        if not self.walk_is_clean(reason):
            self.tracker.notes["walk"] = "partial"
            log.info("%s: walk incomplete (%s); nothing marked deleted, cursor kept", self.spec.key, reason)
            return
        store = self.store()
        self.tracker.notes["walk"] = "complete"
        if self.supports_deletions:
            self.tracker.notes["deleted"] = self.mark_deletions(store)
        previous_newest = parse_time(self.state.get("newest_at"))
        newest = max((d for d in (self.newest_at, previous_newest) if d is not None), default=None)
        state = dict(self.state)
        state.update({"complete": True, "newest_at": format_time(newest), "checked_at": format_time(self.now),
                      "horizon": format_time(self.horizon)})
        if self.newest_id and (not state.get("since_id") or id_key(self.newest_id) > id_key(str(state["since_id"]))):
            state["since_id"] = self.newest_id
        if "access" in self.tracker.notes:
            state["access"] = self.tracker.notes["access"]
        store.set_state(self.spec.key, state)

    def mark_deletions(self, store: Any) -> int:
        """Stored posts of this source inside the walked range that the API did not return."""
        start = max(d for d in (self.horizon, self.coverage_start) if d is not None)
        ours = store.post_ids(self.spec.key)
        if not ours:
            return 0
        gone = [
            p.id for p in store.posts([self.spec.org], since=start, include_deleted=False)
            if p.id in ours and p.id not in self.seen_ids and p.published_at is not None and p.published_at >= start
            and p.published_at <= self.now
        ]
        for post_id in gone:
            store.mark_post_deleted(post_id, when=self.now)
            log.info("%s: %s no longer returned by the API: marked deleted", self.spec.key, post_id)
        return len(gone)
