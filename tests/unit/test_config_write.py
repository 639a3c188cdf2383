"""The one TOML writer (parity/config/write.py): what it writes reads back as the same data."""

from __future__ import annotations

import tomllib

from parity.config.write import config_text, toml_string, toml_value


def test_values_round_trip_through_tomllib() -> None:
    value = {"s": 'Åsen "norra" \\ \t\n', "n": 3, "f": 0.5, "b": False, "list": ["^/a/", 2],
             "table": {"Post ID": "id", "text": "Message"}}
    assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value
    assert toml_string("Sjöbacka") == '"Sjöbacka"'  # UTF-8 kept, not \u-escaped


def test_config_text_is_a_config_the_loader_reads() -> None:
    orgs = [{"id": "a", "name": "A kommun", "web": [{"type": "page", "url": "http://x/"}], "social": []},
            {"id": "b"}]
    data = tomllib.loads(config_text({"delay_seconds": 0, "obey_robots": True}, orgs))
    assert data["crawl"] == {"delay_seconds": 0, "obey_robots": True}
    assert data["org"] == [{"id": "a", "name": "A kommun", "web": [{"type": "page", "url": "http://x/"}],
                            "social": []},
                           {"id": "b", "web": [], "social": []}]  # no name given: none written
