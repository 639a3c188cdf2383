"""Instagram professional-account media through the Graph API, with a token from the environment.

``{ platform = "instagram", user_id = "<ig user id>", token_env = "IG_TOKEN" }``:
``/{ig-user-id}/media`` on graph.facebook.com (or ``api``), the same cursor
paging, throttling and token rules as the Facebook spider. ``alt_text`` is
requested, so images without alt text are counted in the report.
"""

from __future__ import annotations

from typing import Any

from crawler.pages.social.graph import MEDIA_FIELDS, instagram_media_to_post
from crawler.spiders.facebook import GraphSpider
from parity.core.records import Post


class InstagramSpider(GraphSpider):
    name = "instagram"
    edge = "media"
    fields = MEDIA_FIELDS
    page_limit = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.object_id = self.spec.options.user_id.strip()
        self.tracker.url = f"https://www.instagram.com/{self.object_id}"

    def to_post(self, item: dict[str, Any]) -> Post:
        return instagram_media_to_post(item, self.spec.org, self.object_id)
