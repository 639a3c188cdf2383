"""An emulated X API v2: ``GET /2/users/:id/tweets`` (user timeline), Bearer token only.

What an adapter depends on (social-apis.md §4; docs.x.com reference for the
user Posts timeline, "Pagination", "Rate limits", "Fields", "Expansions"):

* ``max_results`` 5–100 (default 10; outside ⇒ 400), ``pagination_token`` /
  ``meta.next_token`` (present only while more tweets follow), ``since_id``,
  ``until_id``, ``start_time``, ``end_time``, ``exclude=retweets,replies``;
* only the newest 3,200 tweets are reachable (``timeline_cap``);
* default objects carry only ``id``, ``text``, ``edit_history_tweet_ids``;
  ``tweet.fields``, ``expansions`` (``attachments.media_keys``,
  ``referenced_tweets.id``, ``author_id``), ``media.fields``, ``user.fields``
  add the rest, expanded objects go to ``includes``;
* an empty page has no ``data`` key, only ``meta: {"result_count": 0}``;
* text carries ``t.co`` links (``entities.urls``: ``url``/``expanded_url``/
  ``display_url``, a media link with ``media_key``), a retweet's text is
  ``RT @user: …`` cut at 140 characters;
* errors as RFC 7807 problems (``{"title","detail","type","status"}``): 401
  without or with a wrong token, 400 ``invalid-request`` with ``errors``;
* ``x-rate-limit-limit``/``-remaining``/``-reset`` (epoch seconds) on every
  answer, 429 ``Too Many Requests`` when the window is used up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from parity.demo.httpmsg import Request, Response
from parity.demo.ratelimit import FixedWindowLimiter, Quota

TIMELINE_CAP = 3200
DEFAULT_FIELDS = ("id", "text", "edit_history_tweet_ids")


@dataclass(frozen=True)
class TweetSpec:
    tweet_id: str  # numeric string, grows with time
    created: dt.datetime
    text: str = ""
    links: tuple[str, ...] = ()  # written into the text as t.co links
    images: tuple[str | None, ...] = ()  # alt text per photo (None: none given)
    reply_to_user: str | None = None  # a reply to this user id (the author's own id: a thread)
    retweet_of: str | None = None  # tweet id of another user's tweet (must be in `others`)
    quote_of: str | None = None
    lang: str = "sv"
    edits: tuple[str, ...] = ()  # later edit ids (edit_history_tweet_ids)


@dataclass
class XUserSpec:
    user_id: str
    username: str
    name: str
    tweets: list[TweetSpec] = field(default_factory=list)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _tco(seed: str) -> str:
    return "https://t.co/" + hashlib.sha1(seed.encode()).hexdigest()[:10]


def _token(tweet_id: str) -> str:
    return "7140dibdnow9c7btw4" + hashlib.sha1(tweet_id.encode()).hexdigest()[:14] + "x" + tweet_id


def _token_id(token: str) -> str | None:
    return token.rsplit("x", 1)[1] if "x" in token and token.startswith("7140dibdnow9c7btw4") else None


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value)


class XApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("title"))
        self.status = status
        self.body = body


class XApiEmulator:
    def __init__(
        self,
        users: Iterable[XUserSpec],
        others: Iterable[XUserSpec] = (),
        *,
        bearer_tokens: Iterable[str] = ("demo-bearer",),
        rate_limit: int = 1500,
        rate_period: int = 900,
        timeline_cap: int = TIMELINE_CAP,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.users = {u.user_id: u for u in users}
        self.all_users = {**{u.user_id: u for u in others}, **self.users}
        self.tweets: dict[str, tuple[XUserSpec, TweetSpec]] = {}
        for user in self.all_users.values():
            for tweet in user.tweets:
                self.tweets[tweet.tweet_id] = (user, tweet)
        self.tokens = set(bearer_tokens)
        self.limiter = FixedWindowLimiter(rate_limit, rate_period, clock)
        self.timeline_cap = timeline_cap

    # --- envelope ------------------------------------------------------------------------
    @staticmethod
    def _rate_headers(quota: Quota) -> dict[str, str]:
        return {"x-rate-limit-limit": str(quota.limit), "x-rate-limit-remaining": str(quota.remaining),
                "x-rate-limit-reset": str(int(quota.reset_at)), "x-response-time": "37",
                "x-transaction-id": hashlib.sha1(str(quota.now).encode()).hexdigest()[:16]}

    def _problem(self, status: int, body: dict[str, Any], quota: Quota | None) -> Response:
        response = Response.json(body, status=status)
        response.headers["Content-Type"] = "application/problem+json" if status != 400 else "application/json; charset=utf-8"
        if quota is not None:
            response.headers.update(self._rate_headers(quota))
        return response

    def error_response(self, request: Request, status: int) -> Response:
        quota = self.limiter.peek()
        if status == 429:
            quota = Quota(False, quota.limit, 0, quota.now, quota.reset_at)
            return self._problem(429, {"title": "Too Many Requests", "detail": "Too Many Requests",
                                       "type": "about:blank", "status": 429}, quota)
        titles = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        title = titles.get(status, "Error")
        return self._problem(status, {"title": title, "detail": title, "type": "about:blank", "status": status}, quota)

    # --- routing -------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        auth = request.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not token or token not in self.tokens:
            return self._problem(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                       "detail": "Unauthorized"}, None)
        quota = self.limiter.hit()
        if not quota.allowed:
            return self._problem(429, {"title": "Too Many Requests", "detail": "Too Many Requests",
                                       "type": "about:blank", "status": 429}, quota)
        parts = request.path.strip("/").split("/")
        try:
            if len(parts) == 4 and parts[:2] == ["2", "users"] and parts[3] == "tweets":
                body = self._timeline(request, parts[2])
            else:
                raise XApiError(404, {"title": "Not Found Error", "detail": f"Could not find {request.path}",
                                      "type": "https://api.twitter.com/2/problems/resource-not-found", "status": 404})
        except XApiError as error:
            return self._problem(error.status, error.body, quota)
        response = Response.json(body)
        response.headers.update(self._rate_headers(quota))
        response.headers["Cache-Control"] = "no-cache, no-store, max-age=0"
        return response

    @staticmethod
    def _invalid(message: str, parameter: str, value: str) -> XApiError:
        return XApiError(400, {"errors": [{"parameters": {parameter: [value]}, "message": message}],
                               "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                               "type": "https://api.twitter.com/2/problems/invalid-request"})

    def _timeline(self, request: Request, user_id: str) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            if not user_id.isdigit():
                raise self._invalid(f"The `id` query parameter value [{user_id}] is not valid", "id", user_id)
            return {"errors": [{"value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                                "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                                "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        raw = request.arg("max_results")
        limit = 10
        if raw is not None:
            if not raw.isdigit() or not 5 <= int(raw) <= 100:
                raise self._invalid(f"The `max_results` query parameter value [{raw}] is not between 5 and 100",
                                    "max_results", raw)
            limit = int(raw)
        tweets = sorted(user.tweets, key=lambda t: _id_key(t.tweet_id), reverse=True)[: self.timeline_cap]
        exclude = set((request.arg("exclude") or "").split(","))
        if "retweets" in exclude:
            tweets = [t for t in tweets if not t.retweet_of]
        if "replies" in exclude:
            tweets = [t for t in tweets if not t.reply_to_user]
        for name, keep in (("since_id", lambda t, v: _id_key(t.tweet_id) > _id_key(v)),
                           ("until_id", lambda t, v: _id_key(t.tweet_id) < _id_key(v))):
            value = request.arg(name)
            if value:
                tweets = [t for t in tweets if keep(t, value)]
        for name, keep_time in (("start_time", lambda t, v: t.created >= v), ("end_time", lambda t, v: t.created <= v)):
            value = request.arg(name)
            if value:
                try:
                    when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise self._invalid(f"Invalid '{name}':'{value}'. '{name}' must be a YYYY-MM-DDTHH:mm:ssZ "
                                        "formatted date", name, value) from None
                tweets = [t for t in tweets if keep_time(t, when)]
        start = 0
        page_token = request.arg("pagination_token")
        if page_token:
            after = _token_id(page_token)
            if after is None:
                raise self._invalid(f"The `pagination_token` query parameter value [{page_token}] is not valid",
                                    "pagination_token", page_token)
            start = next((i for i, t in enumerate(tweets) if _id_key(t.tweet_id) < _id_key(after)), len(tweets))
        page = tweets[start:start + limit]
        if not page:
            return {"meta": {"result_count": 0}}
        tweet_fields = set(filter(None, (request.arg("tweet.fields") or "").split(",")))
        expansions = set(filter(None, (request.arg("expansions") or "").split(",")))
        media_fields = set(filter(None, (request.arg("media.fields") or "").split(",")))
        user_fields = set(filter(None, (request.arg("user.fields") or "").split(",")))
        media: list[dict[str, Any]] = []
        included: dict[str, dict[str, Any]] = {}
        users: dict[str, dict[str, Any]] = {}
        data = []
        for tweet in page:
            data.append(self._tweet(user, tweet, tweet_fields, media if "attachments.media_keys" in expansions
                                    else None, media_fields))
            if "referenced_tweets.id" in expansions:
                for ref in (tweet.retweet_of, tweet.quote_of):
                    if ref and ref in self.tweets and ref not in included:
                        ref_user, ref_tweet = self.tweets[ref]
                        included[ref] = self._tweet(ref_user, ref_tweet, tweet_fields | {"author_id"},
                                                    media if "attachments.media_keys" in expansions else None,
                                                    media_fields)
                        if "author_id" in expansions:
                            users[ref_user.user_id] = self._user(ref_user, user_fields)
            if "author_id" in expansions:
                users[user.user_id] = self._user(user, user_fields)
        body: dict[str, Any] = {"data": data}
        includes: dict[str, Any] = {}
        if media:
            includes["media"] = media
        if users:
            includes["users"] = list(users.values())
        if included:
            includes["tweets"] = list(included.values())
        if includes:
            body["includes"] = includes
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0].tweet_id, "oldest_id": page[-1].tweet_id}
        if start + limit < len(tweets):
            meta["next_token"] = _token(page[-1].tweet_id)
        if start > 0:
            meta["previous_token"] = _token(page[0].tweet_id)
        body["meta"] = meta
        return body

    @staticmethod
    def _user(user: XUserSpec, fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": user.user_id, "name": user.name, "username": user.username}
        return out

    def _tweet(self, user: XUserSpec, tweet: TweetSpec, fields: set[str], media_out: list[dict[str, Any]] | None,
               media_fields: set[str]) -> dict[str, Any]:
        urls: list[dict[str, Any]] = []
        if tweet.retweet_of and tweet.retweet_of in self.tweets:
            orig_user, orig = self.tweets[tweet.retweet_of]
            full = f"RT @{orig_user.username}: {self._text(orig, [])}"
            text = full if len(full) <= 140 else full[:139] + "…"
        else:
            text = self._text(tweet, urls)
        data: dict[str, Any] = {"id": tweet.tweet_id, "text": text,
                                "edit_history_tweet_ids": [tweet.tweet_id, *tweet.edits]}
        if "created_at" in fields:
            data["created_at"] = _iso(tweet.created)
        if "author_id" in fields:
            data["author_id"] = user.user_id
        if "lang" in fields:
            data["lang"] = tweet.lang
        if "conversation_id" in fields:
            data["conversation_id"] = tweet.tweet_id
        if "in_reply_to_user_id" in fields and tweet.reply_to_user:
            data["in_reply_to_user_id"] = tweet.reply_to_user
        refs = []
        if tweet.retweet_of:
            refs.append({"type": "retweeted", "id": tweet.retweet_of})
        if tweet.quote_of:
            refs.append({"type": "quoted", "id": tweet.quote_of})
        if tweet.reply_to_user:
            refs.append({"type": "replied_to", "id": str(int(tweet.tweet_id) - 1)})
        if "referenced_tweets" in fields and refs:
            data["referenced_tweets"] = refs
        keys = [f"3_{tweet.tweet_id}{i}" for i in range(len(tweet.images))] if not tweet.retweet_of else []
        if "attachments" in fields and keys:
            data["attachments"] = {"media_keys": keys}
        if "entities" in fields and urls:
            data["entities"] = {"urls": urls}
        if media_out is not None:
            for key, alt in zip(keys, tweet.images):
                item: dict[str, Any] = {"media_key": key, "type": "photo"}
                if "url" in media_fields:
                    item["url"] = f"https://pbs.twimg.com/media/{key}.jpg"
                if "alt_text" in media_fields and alt:
                    item["alt_text"] = alt
                if item not in media_out:
                    media_out.append(item)
        return data

    def _text(self, tweet: TweetSpec, urls: list[dict[str, Any]]) -> str:
        text = tweet.text
        for link in tweet.links:
            short = _tco(tweet.tweet_id + link)
            start = len(text) + (1 if text else 0)
            text = f"{text} {short}".strip()
            display = link.split("://", 1)[-1]
            urls.append({"start": start, "end": start + len(short), "url": short, "expanded_url": link,
                         "display_url": display if len(display) <= 26 else display[:25] + "…"})
        user = self.tweets.get(tweet.tweet_id, (None,))[0]
        for i, _alt in enumerate(tweet.images[:1]):  # one pic link stands for all photos
            short = _tco(f"{tweet.tweet_id}/photo/{i}")
            start = len(text) + 1
            text = f"{text} {short}"
            username = user.username if user else "i"
            urls.append({"start": start, "end": start + len(short), "url": short,
                         "expanded_url": f"https://x.com/{username}/status/{tweet.tweet_id}/photo/{i + 1}",
                         "display_url": f"pic.x.com/{hashlib.sha1(short.encode()).hexdigest()[:10]}",
                         "media_key": f"3_{tweet.tweet_id}{i}"})
        return text
