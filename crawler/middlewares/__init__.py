"""Downloader middlewares: robots.txt by RFC 9309, rate limits, soft-block detection."""
