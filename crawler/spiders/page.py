"""A single configured page (e.g. a disruption page that is edited in place)."""

from __future__ import annotations

import scrapy

from crawler.spiders.article import ArticleParsing


class PageSpider(ArticleParsing):
    name = "page"
    item_source = "page"

    def entries(self) -> list[scrapy.Request]:
        return [self.entry(self.spec.target, "article")]
