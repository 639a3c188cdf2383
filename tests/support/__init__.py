"""What the tests need and the product does not.

``parity/demo`` holds only what ``parity demo`` runs (the Sjöbacka site, the
Mastodon and Bluesky emulators, the HTTP server); everything a test adds on
top of it lives here. ``parity`` never imports from ``tests``.

| module | job |
|---|---|
| ``run.py`` | the one way tests start a child: ``run_parity``, ``run_crawl``, ``run_module``, ``start_parity``, ``start_module``, ``stop``, ``signal_group``, ``child_env``; ``announce_and_wait`` for a test server's own side |
| ``config.py`` | the one config writer: ``config_toml(orgs, **crawl)`` with fast, bounded crawl defaults (``FAST_CRAWL``) |
| ``faults.py`` | the fault rules (``Fault``: where, which request, what kind) and ``FaultInjector`` |
| ``fault_kinds.py``, ``wire.py`` | how each of the 21 fault kinds answers; raw answers that break HTTP framing |
| ``fault_http.py`` | ``FaultyServer``: the demo's ``DemoServer`` with fault rules in front of the app (the one fault-injecting server) |
| ``fault_world.py`` | ``FaultWorld``: the demo world on fault-injecting servers (``feed_down``, ``inject``) |
| ``fault_plan.py``, ``fault_site.py``, ``faultserver.py`` | seeded plans of generated sites with per-URL faults, served by ``FaultyServer`` in threads or in a child process (``python -m tests.support.faultserver``) |
| ``serve.py`` | ``python -m tests.support.serve``: the demo world with faults in a child process |
| ``graph_emulator.py`` (+ ``graph_query.py``), ``x_emulator.py``, ``youtube_emulator.py``, ``rssbridge_emulator.py`` | the social APIs only tests use |
| ``demo_expected.py``, ``data/expected_verdicts.jsonl`` | the demo's expected verdicts written out (regenerate: ``python -m tests.support.demo_expected``) |
| ``peak_rss.py`` | ``python -m tests.support.peak_rss CMD…``: the peak memory of a command's process tree |
| ``imports.py`` | the project's import graph read with ``ast`` (tests/test_layout.py, tests/match/test_structure.py) |
"""
