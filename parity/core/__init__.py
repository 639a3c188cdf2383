"""The small core every stage shares: record format, times, URLs, JSONL, language, calendar, exit codes.

Nothing here imports from another part of ``parity`` or from ``crawler``: config, store,
crawler, match, report and cli all depend on the core, never the other way round.
"""
