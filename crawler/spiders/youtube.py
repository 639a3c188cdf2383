"""A YouTube channel's uploads from its public Atom feed, no API key.

``https://www.youtube.com/feeds/videos.xml?channel_id=UC…`` (``api`` overrides
the host). The feed has the 15 newest videos and no pagination, so a run sees
at most 15; older videos in the window come from earlier runs in the store.
The endpoint regularly answers a transient 404 or 500: both are retried (a
404 that persists means a wrong channel id and fails the source). A video
missing from a complete feed is marked deleted only when it is newer than the
oldest video the feed still lists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.social.youtube import FEED_SIZE, parse_youtube_feed, video_to_post
from crawler.pages.types import PageError
from crawler.spiders.social import SocialSpider

YOUTUBE = "https://www.youtube.com"


class YoutubeSpider(SocialSpider):
    name = "youtube"
    #: A feed, not API paging: a redirect to another public host is followed (private ones never).
    confine_to_api_host = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel_id = self.spec.options.channel_id.strip()
        self.base = (self.spec.options.api or YOUTUBE).rstrip("/")
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.tracker.url = f"https://www.youtube.com/channel/{self.channel_id}"

    def feed_url(self) -> str:
        return f"{self.base}/feeds/videos.xml?channel_id={quote(self.channel_id, safe='')}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.load_state()
        self.tracker.notes["access"] = "feed"
        yield self.feed_request()

    def feed_request(self, tries: int = 0) -> scrapy.Request:
        # 404 is handled here: the feed's transient 404s deserve the retries a 5xx gets
        # (RSS-Bridge#2113, newsboat#3269); 5xx are retried by Scrapy's RetryMiddleware.
        return self.api_request(self.feed_url(), self.parse_feed, meta={"handle_httpstatus_list": [404],
                                                                        "tries_404": tries},
                                headers={"Accept": "application/atom+xml, application/xml;q=0.9, */*;q=0.5"},
                                dont_filter=True)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if response.status == 404:
            tries = int(response.meta.get("tries_404", 0))
            if tries < self.settings.getint("RETRY_TIMES", 3):
                self.tracker.notes["retried_404"] = tries + 1
                yield self.feed_request(tries + 1)
            else:
                self.http_failure(response, "(the feed keeps answering 404: is the channel id right?)")
            return
        self.ok(response)
        try:
            title, videos = parse_youtube_feed(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        for video in videos:
            kept = self.keep(video_to_post(video, self.spec.org, self.channel_id, title))
            if kept is not None:
                yield kept
        dated = [v.published_at for v in videos if v.published_at is not None]
        if len(videos) >= FEED_SIZE and dated:
            # Only the newest 15: the feed says nothing about anything older than its last entry.
            self.coverage_start = min(dated)
            if min(dated) > self.window_start:
                self.tracker.notes["feed_truncated"] = True
        self.walk_complete = True
