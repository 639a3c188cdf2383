"""What the tests need and the product does not.

| module | job |
|---|---|
| ``graph_emulator.py`` (+ ``graph_query.py``), ``x_emulator.py``, ``youtube_emulator.py``, ``rssbridge_emulator.py`` | the social APIs only tests use (``parity demo`` has Mastodon and Bluesky, in ``parity/demo``) |
"""
