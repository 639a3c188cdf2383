"""The bundled demo world: a Sitevision-like municipal site and Mastodon/Bluesky emulators.

``DemoWorld`` runs all three on 127.0.0.1 and knows the expected verdict of every
demo post; the emulators are reusable with any account and post specs. Only what
``parity demo`` needs lives here: the test-only emulators, fault injection and
the demo world's command line are in ``tests/support/``.
"""

from parity.demo.accesslog import AccessLog
from parity.demo.bluesky_emulator import BlueskyEmulator
from parity.demo.mastodon_emulator import MastodonEmulator
from parity.demo.scenario import Expectation, Scenario, build_scenario
from parity.demo.world import DemoWorld

__all__ = [
    "AccessLog",
    "BlueskyEmulator",
    "DemoWorld",
    "Expectation",
    "MastodonEmulator",
    "Scenario",
    "build_scenario",
]
