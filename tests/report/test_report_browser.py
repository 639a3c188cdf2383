"""The demo report opened in headless Chromium as a new user would: WCAG 2.1 AA (axe-core), layout, keyboard.

Issue 13, point 2: 0 axe violations in both languages at 375 and 1280 px, no horizontal overflow, screenshots of
each view saved by the run, keyboard-only use of the language switch and the expandable sections.

What the tests assume of the report, so that a redesign keeps them meaningful: the language is switched by a
visible control whose text is "Svenska" / "English" (a label, button, link or radio); the language shown is the
``lang`` of the closest ``[lang]`` around the visible ``<h1>``; expandable sections are ``<details>``/``<summary>``.

Assertions that fail on today's report are ``xfail(strict=True, raises=AssertionError)`` with what fails in the
reason: whoever fixes the report sees them XPASS (a failure under strict) and removes the mark; a browser that does
not start is an error, never an expected failure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import Browser, Overflow

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (375, 1280)
LANGS = ("sv", "en")
CONTROL_TEXT = {"sv": "Svenska", "en": "English"}

VISIBLE_LANG = """(() => { const h = [...document.querySelectorAll('h1')].find((e) => e.getClientRects().length);
  return h ? (h.closest('[lang]') || document.documentElement).lang : null; })()"""
CLICK_CONTROL = """((name) => {
  const el = [...document.querySelectorAll('a, button, label, summary, input, [role=button], [role=tab]')]
    .find((e) => e.getClientRects().length
                 && (e.innerText || e.value || e.getAttribute('aria-label') || '').trim() === name);
  if (!el) return false; el.click(); return true; })(%s)"""
OPEN_ALL_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; }); document.body.innerText"

OVERFLOW_375 = ("at 375 px the page is ~1150 px wide: the per-platform table in the organisation card (+546 px), "
                "the gaps table (+548), the matched-posts table (+449) and the sources table (+780) stick out of "
                "their boxes (no wrapping, no scroll container)")


@dataclass(frozen=True)
class View:
    """One language at one width, checked once and shared by the tests below."""

    violations: list[dict[str, Any]]
    overflow: Overflow
    screenshot: Path


def show(browser: Browser, report: Path, lang: str, width: int) -> None:
    """Open the report at ``width`` px and switch it to ``lang`` with its own control (a click)."""
    browser.set_width(width)
    browser.open(report)
    if browser.evaluate(VISIBLE_LANG) != lang:
        assert browser.evaluate(CLICK_CONTROL % json.dumps(CONTROL_TEXT[lang])), f"no visible {CONTROL_TEXT[lang]!r}"
    assert browser.evaluate(VISIBLE_LANG) == lang


@pytest.fixture(scope="module")
def views(browser: Browser, demo_report: Path, screenshot_dir: Path) -> dict[tuple[str, int], View]:
    """Each language × width (computed on first use): a full-page screenshot as a new user first sees the page,
    then, with every ``<details>`` opened (a user may open them all), axe-core and the overflow measurement."""

    class Views(dict[tuple[str, int], View]):
        def __missing__(self, key: tuple[str, int]) -> View:
            lang, width = key
            show(browser, demo_report, lang, width)
            shot = browser.screenshot(screenshot_dir / f"report-{lang}-{width}.png")
            print(f"screenshot: {shot}")
            browser.evaluate(OPEN_ALL_DETAILS)
            self[key] = View(browser.axe(), browser.overflow(), shot)
            return self[key]

    return Views()


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}) ×{len(v['nodes'])}: {', '.join(n['target'] for n in v['nodes'][:4])}"
                     for v in violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_wcag21_aa_violation(views, lang: str, width: int) -> None:
    view = views[lang, width]
    assert view.violations == [], f"{describe(view.violations)} (screenshot: {view.screenshot})"


XFAIL_375 = pytest.mark.xfail(strict=True, raises=AssertionError, reason=OVERFLOW_375)


@pytest.mark.parametrize("width", [pytest.param(375, marks=XFAIL_375), 1280])
@pytest.mark.parametrize("lang", LANGS)
def test_no_horizontal_overflow(views, lang: str, width: int) -> None:
    view = views[lang, width]
    overflow, found = view.overflow, json.dumps(view.overflow.elements[:6], ensure_ascii=False)
    assert not overflow.page_overflows, (f"page {overflow.scroll_width} px wide in a {overflow.client_width} px "
                                         f"viewport; {found} (screenshot: {view.screenshot})")
    assert overflow.elements == (), f"{found} (screenshot: {view.screenshot})"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_screenshot_saved(views, lang: str, width: int) -> None:
    shot = views[lang, width].screenshot
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", shot
    assert int.from_bytes(header[16:20], "big") >= width, shot  # PNG width: at least the viewport's


ENGLISH_IN_SV = ("the Swedish view shows the matcher's English reasons ('no page found; the closest candidate is too "
                 "weak', 'page found; date missing', 'below threshold')")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=ENGLISH_IN_SV)
def test_swedish_view_shows_no_english_reason(browser: Browser, demo_report: Path) -> None:
    """Every verdict's ``reason`` in verdicts.jsonl is English: none may appear in the Swedish view (all opened)."""
    reasons = {json.loads(line)["reason"] for line in (demo_report.parent / "verdicts.jsonl").read_text().splitlines()
               if line.strip()}
    show(browser, demo_report, "sv", 1280)
    text = browser.evaluate(OPEN_ALL_DETAILS)
    english = sorted(phrase for phrase in reasons | {"below threshold"} if phrase in text)
    assert english == []


def tab_until(browser: Browser, wanted, limit: int = 250) -> dict[str, Any]:
    """Press Tab until the focused element satisfies ``wanted``; every stop must be on screen and show focus."""
    for _ in range(limit):
        browser.press("Tab")
        focused = browser.focused()
        assert focused is not None, "Tab left the page"
        assert focused["on_screen"] and focused["focus_shown"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} Tab presses")


def activate(browser: Browser, focused: dict[str, Any]) -> None:
    """What a keyboard user does on a control: arrows move a radio group, Enter activates anything else."""
    browser.press("ArrowRight" if focused["type"] == "radio" else "Enter")


def test_keyboard_only_switches_language_and_opens_sections(browser: Browser, demo_report: Path) -> None:
    show(browser, demo_report, "sv", 1280)
    control = tab_until(browser, lambda f: f["name"] in CONTROL_TEXT.values())
    if control["name"] != "English":
        if control["type"] == "radio":
            activate(browser, control)
        else:
            control = tab_until(browser, lambda f: f["name"] == "English", limit=3)
            activate(browser, control)
    assert browser.evaluate(VISIBLE_LANG) == "en"
    if control["type"] == "radio":
        browser.press("ArrowLeft")
    else:  # the "Svenska" control comes just before "English"
        browser.press("Tab", shift=True)
        browser.press("Enter")
    assert browser.evaluate(VISIBLE_LANG) == "sv"

    summary = tab_until(browser, lambda f: f["tag"] == "summary")
    assert summary["open"] is False
    browser.press("Enter")
    assert browser.focused()["open"] is True
    browser.press("Space")
    assert browser.focused()["open"] is False
