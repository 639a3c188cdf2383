"""tests/support/browser.py checks itself: it starts, finds known faults, types keys, and fails loudly.

Without this a harness that silently returned no violations would make every report check pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.browser import Browser, BrowserError, axe_source, find_chromium

pytestmark = pytest.mark.browser

FAULTY = """<!doctype html><html><head><title>faulty</title>
<style>.hidden { position: absolute; left: -100vw; } #scroller { overflow-x: auto; }</style></head><body>
<img src="missing.png">
<div id="wide" style="width: 2000px">wide</div>
<div id="scroller"><div style="width: 3000px">scrolls in its own box</div></div>
<input id="offscreen" class="hidden" type="radio" aria-label="off-screen">
<button id="go" onclick="document.title = 'pressed'">Go</button>
<input id="tick" type="checkbox" aria-label="tick">
<details><summary>More</summary><div style="width: 5000px">closed: not rendered</div></details>
</body></html>"""

CLEAN = """<!doctype html><html lang="en"><head><title>clean</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Clean</h1><p>Nothing wrong here.</p><button>Fine</button></main></body></html>"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """No access log on stderr."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The two pages above on http://127.0.0.1:PORT/ (a thread; stopped after the module)."""
    root = tmp_path_factory.mktemp("pages")
    (root / "faulty.html").write_text(FAULTY, encoding="utf-8")
    (root / "clean.html").write_text(CLEAN, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_chromium_starts_headless() -> None:
    """The browser starts here, in the test, and axe-core is installed: if not, this fails with the one-line reason
    (never skips)."""
    agent, problem = "", ""
    try:
        axe_source()
        with Browser() as chromium:
            agent = chromium.evaluate("navigator.userAgent")
    except BrowserError as exc:
        problem = str(exc)
    if problem:  # outside the except block: the one-line reason alone, no chained traceback
        pytest.fail(problem, pytrace=False)
    assert "HeadlessChrome" in agent


def test_finds_violations_overflow_and_obeys_keys(browser: Browser, site: str, tmp_path: Path) -> None:
    browser.set_width(1280)
    browser.open(f"{site}/faulty.html")
    found = {violation["id"] for violation in browser.axe()}
    assert {"image-alt", "html-has-lang"} <= found

    overflow = browser.overflow()
    assert overflow.page_overflows and overflow.scroll_width >= 2000
    assert [(e["selector"], e["kind"]) for e in overflow.elements] == [("div#wide", "outside-parent")]
    assert [e["selector"] for e in overflow.scrollers] == ["div#scroller"]

    stops = []
    while not stops or stops[-1]["id"] != "go":
        browser.press("Tab")
        stops.append(browser.focused())
        assert len(stops) < 5, stops
    # on the way: the scroll container (Chromium makes scrollers focusable), the radio hidden off-screen
    assert [(stop["selector"], stop["on_screen"]) for stop in stops[:-1]] == [("div#scroller", True),
                                                                             ("input#offscreen", False)]
    assert (stops[-1]["on_screen"], stops[-1]["focus_shown"]) == (True, True)
    browser.press("Enter")
    assert browser.evaluate("document.title") == "pressed"
    browser.press("Tab")
    browser.press("Space")
    assert browser.focused()["id"] == "tick" and browser.focused()["checked"] is True
    browser.press("Tab")
    assert browser.focused()["tag"] == "summary" and browser.focused()["open"] is False
    browser.press("Enter")
    assert browser.focused()["open"] is True
    browser.press("Tab", shift=True)
    assert browser.focused()["id"] == "tick"

    browser.set_width(375)
    shot = browser.screenshot(tmp_path / "faulty.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(shot.read_bytes()[16:20], "big") >= 2000  # full page: the overflow is in the picture


def test_clean_page_has_no_findings_at_phone_width(browser: Browser, site: str) -> None:
    browser.set_width(375)
    browser.open(f"{site}/clean.html")
    assert browser.evaluate("[innerWidth, document.documentElement.clientWidth]") == [375, 375]
    assert browser.axe() == []
    overflow = browser.overflow()
    assert not overflow.page_overflows and overflow.elements == () and overflow.scrollers == ()


def test_a_browser_that_cannot_start_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match=r"^headless Chromium \(/bin/false\) did not start: Chromium exited") as dead:
        Browser("/bin/false", start_timeout=10).start()
    assert "\n" not in str(dead.value)
    monkeypatch.setenv("PARITY_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(BrowserError, match="not an executable"):
        find_chromium()
    monkeypatch.setenv("PARITY_AXE_JS", str(tmp_path / "axe.min.js"))
    with pytest.raises(BrowserError, match="npm ci --prefix tests/support/axe"):
        axe_source()
