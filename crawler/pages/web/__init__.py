"""Page objects for an organisation's web site: HTML pages, lists, boards, feeds, sitemaps, files, registers."""
