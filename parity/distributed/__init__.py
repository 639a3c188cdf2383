"""Distributed crawl mode (issue 14): what several crawl workers share through Redis.

Redis data structures and Lua scripts only, no Scrapy: ``client`` (clients that ride out a
restart, key names), ``workqueue`` (the acknowledged request queue), ``hostlease`` (per-host
politeness in total across workers), ``sourcestate`` (a source's shared crawl decisions: URLs
claimed, page budgets, boards, trackers). The Scrapy side is crawler/distributed/; the design
and its failure modes are docs/distributed.md. The single-process mode imports none of this.
"""
