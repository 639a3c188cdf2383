"""The bundled demo world: a Sitevision-like municipal site and Mastodon/Bluesky emulators.

``DemoWorld`` runs all three on 127.0.0.1 and knows the expected verdict of every
demo post; the emulators are reusable with any account and post specs.
"""

from parity.demo.bluesky_emulator import BlueskyEmulator
from parity.demo.faults import Fault
from parity.demo.httpserver import AccessLog
from parity.demo.mastodon_emulator import MastodonEmulator
from parity.demo.scenario import Expectation, Scenario, build_scenario
from parity.demo.world import DemoWorld

__all__ = [
    "AccessLog",
    "BlueskyEmulator",
    "DemoWorld",
    "Expectation",
    "Fault",
    "MastodonEmulator",
    "Scenario",
    "build_scenario",
]
