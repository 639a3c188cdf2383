"""The key-path → line scanner behind precise config errors."""

from __future__ import annotations

from parity.config.locate import key_lines, locate

DOC = '''\
# comment with [brackets] and = signs
[crawl]
user_agent = "a [b] {c} = 'd'"   # trailing comment
grace_hours = 24

[[org]]
id = "a"
web = [
  { type = "feed", url = "https://x/?a=1&b=[2]" },

  { type = "listing",  url = 'https://x/list', follow = "/n/" },
]
[[org]]
id = "b"
name = """multi
line = "no"
"""
[[org.social]]
platform = "mastodon"
[[org.social]]
platform = "bluesky"
'''


def test_lines_of_tables_keys_and_elements() -> None:
    lines = key_lines(DOC)
    assert lines[("crawl",)] == 2
    assert lines[("crawl", "grace_hours")] == 4
    assert lines[("org", 0, "web", 1)] == 11
    assert lines[("org", 0, "web", 1, "follow")] == 11
    assert lines[("org", 1, "id")] == 14
    assert lines[("org", 1, "social", 1, "platform")] == 21


def test_multiline_string_does_not_create_keys() -> None:
    assert ("org", 1, "line") not in key_lines(DOC)


def test_missing_key_falls_back_to_its_table() -> None:
    assert locate(DOC, ["org", 0, "web", 0, "follow"]) == 9
    assert locate(DOC, ["org", 1, "web"]) == 13
