"""Source discovery: from a site's start URL to a ready config block (``parity discover URL``).

Where a Swedish public body publishes in writing, and how we find it:

* feeds — ``<link rel=alternate type=application/rss+xml>`` in the start page's ``<head>``
  (Sitevision's portlet RSS URL lives only there);
* sitemaps — ``Sitemap:`` lines of robots.txt, else ``/sitemap.xml``; an index is followed to its
  (gzipped) children, and ``include`` patterns keep the news-like sections (``/nyheter/``,
  ``/driftinformation/``, ``/anslagstavla/`` …);
* news listings — start-page links named "Nyheter", "Aktuellt", "Pressmeddelanden",
  "Driftinformation" … (the list page is read to check it is one, and to learn ``follow``);
* the notice board — links named "Anslagstavla" (Sitevision boards, an embedded Netpublicator
  board, MeetingsPlus' digital bulletin board).

One job per module: ``readers`` (pure functions over fetched pages, also used
by the ``site`` spider at crawl time), ``render`` (the TOML block), ``spider``
(the discovery spider), ``run`` (one Scrapy run in this process) and
``__main__`` (``python -m crawler.discover URL``: the process ``parity
discover`` starts; stdout is the TOML block).
"""
