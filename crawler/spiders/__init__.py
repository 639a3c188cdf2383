"""One spider per source kind; ``spider_for`` picks the class for a configured source."""
