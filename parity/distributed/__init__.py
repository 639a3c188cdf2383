"""Distributed crawl mode (issue 14), draft: pieces that several crawl workers share through Redis.

Nothing here is imported by the single-process mode; see docs/distributed.md for the design.
"""
