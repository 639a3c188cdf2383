"""X API v2 user timeline payloads (``/2/users/:id/tweets``) → posts. Pure, no network.

The envelope is ``{data, includes, meta, errors}``; a page with no tweets has
no ``data`` key at all (only ``meta.result_count: 0``). ``meta.next_token`` is
the only continuation signal. Tweet text carries ``t.co`` links: the real URL
is ``entities.urls[].expanded_url`` (or ``unwound_url``), and a ``t.co`` whose
``media_key`` is set points at the tweet's own photo, not a web page. A
retweet's ``text`` is a truncated ``RT @user: …``; the original is in
``includes.tweets``. Media alt text is ``includes.media[].alt_text``.
"""

from __future__ import annotations

from typing import Any

from parity.core.records import Media, Post

TWEET_FIELDS = ("created_at,lang,entities,attachments,referenced_tweets,in_reply_to_user_id,conversation_id,"
                "edit_history_tweet_ids,author_id")
EXPANSIONS = "attachments.media_keys,referenced_tweets.id,author_id"
MEDIA_FIELDS = "type,url,alt_text,preview_image_url"
USER_FIELDS = "username,name"
#: The timeline endpoint only reaches this far back (docs: "the 3,200 most recent Posts").
TIMELINE_CAP = 3200


def _expanded_text(tweet: dict[str, Any]) -> tuple[str, list[str]]:
    """Text with ``t.co`` links written out (media links dropped), and the external links."""
    text = str(tweet.get("text") or "")
    links: list[str] = []
    for entity in ((tweet.get("entities") or {}).get("urls") or []):
        if not isinstance(entity, dict):
            continue
        short = entity.get("url") or ""
        real = entity.get("unwound_url") or entity.get("expanded_url") or short
        if entity.get("media_key"):
            if short:
                text = text.replace(short, "").strip()
            continue
        if short and real:
            text = text.replace(short, real)
        if real and real.startswith(("http://", "https://")) and real not in links:
            links.append(real)
    return text, links


def includes_index(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``media:<key>``, ``tweet:<id>`` and ``user:<id>`` → object, from ``includes``."""
    index: dict[str, dict[str, Any]] = {}
    includes = page.get("includes") or {}
    for media in includes.get("media") or []:
        if isinstance(media, dict) and media.get("media_key"):
            index[f"media:{media['media_key']}"] = media
    for tweet in includes.get("tweets") or []:
        if isinstance(tweet, dict) and tweet.get("id"):
            index[f"tweet:{tweet['id']}"] = tweet
    for user in includes.get("users") or []:
        if isinstance(user, dict) and user.get("id"):
            index[f"user:{user['id']}"] = user
    return index


def _media(tweet: dict[str, Any], index: dict[str, dict[str, Any]]) -> list[Media]:
    out: list[Media] = []
    for key in ((tweet.get("attachments") or {}).get("media_keys") or []):
        media = index.get(f"media:{key}") or {}
        kind = str(media.get("type") or "photo")
        out.append(Media(type="image" if kind == "photo" else ("gifv" if kind == "animated_gif" else kind),
                         alt=media.get("alt_text"), url=media.get("url") or media.get("preview_image_url")))
    return out


def tweet_to_post(tweet: dict[str, Any], org: str, user_id: str, index: dict[str, dict[str, Any]]) -> Post:
    """One tweet → Post ``x:<user_id>:<tweet id>``; retweets are ``share``, replies to others ``reply``."""
    refs = {r.get("type"): r.get("id") for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)}
    source = tweet
    kind = "post"
    extra: dict[str, Any] = {}
    if "retweeted" in refs:
        kind = "share"
        original = index.get(f"tweet:{refs['retweeted']}")
        if original:
            source = original
            author = index.get(f"user:{original.get('author_id')}") or {}
            extra["shared_from"] = author.get("username") or original.get("author_id")
    elif "replied_to" in refs:
        if str(tweet.get("in_reply_to_user_id") or "") == str(user_id):
            extra["thread_reply"] = True
        else:
            kind = "reply"
    text, links = _expanded_text(source)
    if "quoted" in refs:
        extra["quoted_id"] = refs["quoted"]
    user = index.get(f"user:{user_id}") or {}
    username = user.get("username")
    edits = tweet.get("edit_history_tweet_ids") or []
    if len(edits) > 1:
        extra["edit_history_tweet_ids"] = list(edits)
    return Post(
        id=f"x:{user_id}:{tweet['id']}",
        org=org,
        platform="x",
        account=username or user_id,
        url=f"https://x.com/{username}/status/{tweet['id']}" if username else f"https://x.com/i/web/status/{tweet['id']}",
        published_at=tweet.get("created_at"),
        text=text,
        links=links,
        lang=(source.get("lang") if source.get("lang") not in (None, "und", "zxx", "qme", "qht") else None),
        kind=kind,
        media=_media(source, index) or None,
        **extra,
    )
