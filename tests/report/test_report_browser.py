"""Reports opened in headless Chromium as a new user would: WCAG 2.1 AA (axe-core), layout, keyboard, CSP.

Issue 13, point 2: 0 axe violations in both languages at 375 and 1280 px, no horizontal overflow, screenshots of
each view saved by the run, keyboard-only use of the language switch, the expandable sections and the sortable
ranking. Two reports are checked: the demo's (one organisation, two platforms) and a two-organisation audit with
four platforms and ``--warc`` (tests/report/multiorg.py), which has the ranking, the evidence lines and the widest
per-platform tables. axe's best-practice rules run too (``heading-order`` and ``region`` were found once).

What the tests assume of the report, so that a redesign keeps them meaningful: the language is switched by a
visible control whose text is "Svenska" / "English" (a label, button, link or radio); the language shown is the
``lang`` of the closest ``[lang]`` around the visible ``<h1>``; expandable sections are ``<details>``/``<summary>``.
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
REPORTS = ("demo", "multi")
CONTROL_TEXT = {"sv": "Svenska", "en": "English"}

VISIBLE_LANG = """(() => { const h = [...document.querySelectorAll('h1')].find((e) => e.getClientRects().length);
  return h ? (h.closest('[lang]') || document.documentElement).lang : null; })()"""
CLICK_CONTROL = """((name) => {
  const el = [...document.querySelectorAll('a, button, label, summary, input, [role=button], [role=tab]')]
    .find((e) => e.getClientRects().length
                 && (e.innerText || e.value || e.getAttribute('aria-label') || '').trim() === name);
  if (!el) return false; el.click(); return true; })(%s)"""
OPEN_ALL_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; }); document.body.innerText"


@dataclass(frozen=True)
class View:
    """One report in one language at one width, checked once and shared by the tests below."""

    violations: list[dict[str, Any]]
    practice: list[dict[str, Any]]
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
def views(browser: Browser, demo_report: Path, multi_report: Path,
          screenshot_dir: Path) -> dict[tuple[str, str, int], View]:
    """Each report × language × width (computed on first use): a full-page screenshot as a new user first sees the
    page, then, with every ``<details>`` opened, axe-core (WCAG 2.1 AA, then best practice) and the overflow."""
    reports = {"demo": demo_report, "multi": multi_report}

    class Views(dict[tuple[str, str, int], View]):
        def __missing__(self, key: tuple[str, str, int]) -> View:
            name, lang, width = key
            show(browser, reports[name], lang, width)
            shot = browser.screenshot(screenshot_dir / f"{'report' if name == 'demo' else name}-{lang}-{width}.png")
            print(f"screenshot: {shot}")
            browser.evaluate(OPEN_ALL_DETAILS)
            self[key] = View(browser.axe(), browser.axe(("best-practice",)), browser.overflow(), shot)
            return self[key]

    return Views()


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}) ×{len(v['nodes'])}: {', '.join(n['target'] for n in v['nodes'][:4])}"
                     for v in violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REPORTS)
def test_axe_finds_no_wcag21_aa_violation(views, name: str, lang: str, width: int) -> None:
    view = views[name, lang, width]
    assert view.violations == [], f"{describe(view.violations)} (screenshot: {view.screenshot})"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REPORTS)
def test_axe_finds_no_best_practice_violation(views, name: str, lang: str, width: int) -> None:
    """heading-order, region, landmark and the other best-practice rules: none broken."""
    view = views[name, lang, width]
    assert view.practice == [], f"{describe(view.practice)} (screenshot: {view.screenshot})"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REPORTS)
def test_no_horizontal_overflow(views, name: str, lang: str, width: int) -> None:
    view = views[name, lang, width]
    overflow, found = view.overflow, json.dumps(view.overflow.elements[:6], ensure_ascii=False)
    assert not overflow.page_overflows, (f"page {overflow.scroll_width} px wide in a {overflow.client_width} px "
                                         f"viewport; {found} (screenshot: {view.screenshot})")
    assert overflow.elements == (), f"{found} (screenshot: {view.screenshot})"
    if width >= 1280:  # a 1280 px window shows every table whole: no table needs its own scroll bar
        assert overflow.scrollers == (), f"{overflow.scrollers} (screenshot: {view.screenshot})"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", REPORTS)
def test_screenshot_saved(views, name: str, lang: str, width: int) -> None:
    shot = views[name, lang, width].screenshot
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", shot
    assert int.from_bytes(header[16:20], "big") >= width, shot  # PNG width: at least the viewport's


def english_phrases(folder: Path) -> set[str]:
    """Every English sentence the matcher wrote into this audit's verdicts (reasons and candidate reasons)."""
    phrases = set()
    for line in (folder / "verdicts.jsonl").read_text(encoding="utf-8").splitlines():
        verdict = json.loads(line)
        phrases.add(verdict["reason"])
        phrases.update(c["why_rejected"] for c in verdict.get("candidates") or [] if c.get("why_rejected"))
    return phrases


@pytest.mark.parametrize("name", REPORTS)
def test_swedish_view_shows_no_english_reason(browser: Browser, demo_report: Path, multi_report: Path,
                                              name: str) -> None:
    """No reason the matcher wrote in English appears in the Swedish view (every section opened)."""
    report = demo_report if name == "demo" else multi_report
    phrases = english_phrases(report.parent) | {"below threshold", "shares", "needs a link", "page found"}
    assert len(phrases) > 5
    show(browser, report, "sv", 1280)
    text = browser.evaluate(OPEN_ALL_DETAILS)
    assert "delar" in text and "kräver" in text  # the reasons are there, in Swedish
    english = sorted(phrase for phrase in phrases if phrase in text)
    assert english == []


def tab_until(browser: Browser, wanted, limit: int = 400) -> dict[str, Any]:
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


RANKING_RATES = """[...document.querySelectorAll('[data-lang=sv] table.sortable tbody tr')]
  .map((tr) => tr.cells[2].getAttribute('data-v'))"""
SORT_STATE = """[...document.querySelectorAll('[data-lang=sv] table.sortable thead th')]
  .map((th) => th.getAttribute('aria-sort'))"""


def test_ranking_sorts_by_keyboard_under_the_content_security_policy(browser: Browser, multi_report: Path) -> None:
    """The ranking's column buttons sort with Enter, aria-sort follows: the one script runs under the page's CSP
    (allowed by its hash), while a script injected later is refused."""
    show(browser, multi_report, "sv", 1280)
    before = [float(v) for v in browser.evaluate(RANKING_RATES)]
    assert before == sorted(before, reverse=True) and len(before) == 2  # best parity first
    button = tab_until(browser, lambda f: f["tag"] == "button" and f["name"] == "Paritet")
    assert button["lang"] == "sv"
    browser.press("Enter")
    assert [float(v) for v in browser.evaluate(RANKING_RATES)] == sorted(before)
    assert browser.evaluate(SORT_STATE)[2] == "ascending"
    browser.press("Enter")
    assert [float(v) for v in browser.evaluate(RANKING_RATES)] == sorted(before, reverse=True)
    assert browser.evaluate(SORT_STATE)[2] == "descending"
    injected = ("(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1';"
                " document.body.appendChild(s); return window.__injected === undefined; })()")
    assert browser.evaluate(injected) is True


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report built from hostile records (issue 12.7): a 200,000-character unbroken token, a right-to-left
    override, markup in the organisation's name."""
    from parity.core.records import Post, SourceStatus, Verdict
    from parity.report import summarise, write_audit_outputs

    folder = tmp_path_factory.mktemp("hostile")
    posts = [Post(id="p1", org="o", platform="mastodon", text="x" * 200_000, published_at="2026-03-01T08:00:00Z"),
             Post(id="p2", org="o", platform="bluesky", text="Öppet \u202egnp.exe\u202c hus",
                  published_at="2026-03-02T08:00:00Z")]
    verdicts = [Verdict(post_id="p1", org="o", verdict="social_only", reason="no page shares the post's content"),
                Verdict(post_id="p2", org="o", verdict="social_only", reason="no page shares the post's content")]
    sources = [SourceStatus(org="o", kind="feed", url="https://x.se/" + "y" * 5000, status="ok", items=1)]
    summary = summarise(posts, verdicts, sources, {"o": "[/bold]Orten\x1b]8;;http://evil/\x07"})
    write_audit_outputs(folder, posts, [], verdicts, sources, summary)
    return folder / "report.html"


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_text_neither_overflows_nor_reorders(browser: Browser, hostile_report: Path, width: int) -> None:
    show(browser, hostile_report, "sv", width)
    overflow = browser.overflow()
    assert not overflow.page_overflows and overflow.elements == (), overflow.elements[:3]
    text = browser.evaluate("document.body.innerText")
    assert "[U+202E]gnp.exe[U+202C]" in text and "\u202e" not in text
    assert "x" * 4000 in text and "x" * 4001 not in text  # the token is clipped, and says so
    assert "196000 tecken till finns i posts.jsonl" in text
