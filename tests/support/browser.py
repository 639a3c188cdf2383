"""Headless Chromium for tests, driven over the DevTools protocol on a pipe: axe-core, overflow, keyboard, screenshots.

Why the DevTools protocol directly, over ``--remote-debugging-pipe``: it needs nothing from PyPI (no selenium, no
Playwright wheel with its own Node.js), no chromedriver whose version must match the browser, and no TCP port;
and the things these tests need (a phone-width viewport, real key events, full-page screenshots) are DevTools
commands anyway, which WebDriver would only tunnel. The browser is Debian's ``chromium`` (``/usr/bin/chromium``);
axe-core is the npm package pinned in ``tests/support/axe/package-lock.json``.

Every failure to start or drive the browser raises :class:`BrowserError` with a one-line reason, so that a test
can ``pytest.fail`` with it: a missing browser must fail a run, never skip it.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from tests.support.browser_js import AXE_RUN, FOCUSED, OVERFLOW

AXE_DIR = Path(__file__).resolve().parent / "axe"
WCAG21_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# From the machine notes: as root Chromium needs --no-sandbox; without the background-networking flags it tries to
# reach Google's hosts at every start. The resolver rule makes any other host fail fast, so a report that is not
# self-contained shows up as a broken page instead of network traffic.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-extensions", "--mute-audio", "--remote-debugging-pipe",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
)

# key name -> (DevTools "key", "code", Windows virtual key code, text typed)
_KEYS: dict[str, tuple[str, str, int, str]] = {
    "Tab": ("Tab", "Tab", 9, ""), "Enter": ("Enter", "Enter", 13, "\r"), "Space": (" ", "Space", 32, " "),
    "Escape": ("Escape", "Escape", 27, ""), "ArrowLeft": ("ArrowLeft", "ArrowLeft", 37, ""),
    "ArrowUp": ("ArrowUp", "ArrowUp", 38, ""), "ArrowRight": ("ArrowRight", "ArrowRight", 39, ""),
    "ArrowDown": ("ArrowDown", "ArrowDown", 40, ""),
}
_SHIFT = 8


def _above_4(fd: int) -> int:
    """A copy of ``fd`` numbered 5 or more (the original closed): moving it to fd 3 or 4 cannot clobber the other."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved


class BrowserError(RuntimeError):
    """The browser could not be started or driven; the message is one line, fit for ``pytest.fail``."""


def find_chromium() -> str:
    """The Chromium executable: ``$PARITY_CHROMIUM`` if set, else ``chromium`` (Debian) or its other usual names."""
    wanted = os.environ.get("PARITY_CHROMIUM")
    if wanted:
        if shutil.which(wanted):
            return wanted
        raise BrowserError(f"PARITY_CHROMIUM={wanted!r} is not an executable")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError("Chromium not found: install Debian's chromium package (apt-get install chromium) "
                       "or set PARITY_CHROMIUM")


def axe_source() -> str:
    """axe-core's JavaScript from ``tests/support/axe/node_modules`` (``$PARITY_AXE_JS`` overrides the path)."""
    path = Path(os.environ.get("PARITY_AXE_JS") or AXE_DIR / "node_modules" / "axe-core" / "axe.min.js")
    if not path.is_file():
        raise BrowserError(f"axe-core not installed ({path} missing): run `npm ci --prefix tests/support/axe`")
    return path.read_text(encoding="utf-8")


class _Pipe:
    """DevTools messages as NUL-terminated JSON on two pipes (Chromium reads fd 3, writes fd 4)."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out, self._in = to_browser, from_browser
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are queued in ``events``."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._out, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"Chromium exited before {method} ({exc.strerror})") from None
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, *, session: str | None, timeout: float = 30.0) -> dict[str, Any]:
        """The first queued or arriving event called ``method`` for ``session`` (earlier ones are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            while self.events:
                event = self.events.pop(0)
                if event["method"] == method and event.get("sessionId") == session:
                    return event.get("params", {})
            self.events.append(self._receive(deadline, method))

    def close(self) -> None:
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError(f"Chromium did not answer {waiting_for} in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium exited while waiting for {waiting_for}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


@dataclass(frozen=True)
class Overflow:
    """Horizontal overflow of a page: the page itself, and elements that stick out of or are cut by their box."""

    scroll_width: int
    client_width: int
    elements: tuple[dict[str, Any], ...]  # {"selector", "kind": "outside-parent"|"clipped", "px", "text"}
    scrollers: tuple[dict[str, Any], ...]  # scroll containers (overflow-x: auto/scroll) whose content is wider

    @property
    def page_overflows(self) -> bool:
        return self.scroll_width > self.client_width


class Browser:
    """One headless Chromium with one tab; use as a context manager. ``start`` raises BrowserError on failure."""

    def __init__(self, executable: str | None = None, *, start_timeout: float = 30.0) -> None:
        self._executable = executable
        self._start_timeout = start_timeout
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pipe: _Pipe | None = None
        self._session: str | None = None
        self._axe_loaded = False
        self.width = 1280

    # -- life cycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium with a fresh profile and attach to a new blank tab."""
        executable = self._executable or find_chromium()
        self._profile = tempfile.TemporaryDirectory(prefix="parity-chromium-")
        profile = Path(self._profile.name)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        to_child_r, from_child_w = _above_4(to_child_r), _above_4(from_child_w)
        # bash (dash refuses fd numbers above 9) moves our pipe ends to the fds Chromium expects, 3 and 4
        script = f'exec "$@" 3<&{to_child_r} 4>&{from_child_w} {to_child_r}<&- {from_child_w}>&-'
        command = ["bash", "-c", script, "bash", executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile / 'data'}",
                   "about:blank"]
        with open(profile / "stderr.log", "wb") as log:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             pass_fds=(to_child_r, from_child_w), start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self._pipe = _Pipe(to_child_w, from_child_r)
        try:
            target = self._pipe.send("Target.createTarget", {"url": "about:blank"}, timeout=self._start_timeout)
            attached = self._pipe.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
            self._session = attached["sessionId"]
            self._send("Page.enable")
            self._send("Emulation.setFocusEmulationEnabled", {"enabled": True})
            self.set_width(self.width)
        except BrowserError as exc:
            reason = f"{exc}; {self._stderr_tail()}"
            self.close()
            raise BrowserError(f"headless Chromium ({executable}) did not start: {reason}") from None

    def close(self) -> None:
        """Ask Chromium to quit, kill it if it does not, and delete the profile."""
        if self._pipe is not None and self._process is not None and self._process.poll() is None:
            try:
                self._pipe.send("Browser.close", timeout=5)
            except BrowserError:
                pass
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # its own session: the group is Chromium and its helpers only
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=5)
        if self._pipe is not None:
            self._pipe.close()
        if self._profile is not None:
            self._profile.cleanup()
        self._process = self._pipe = self._profile = None

    def _stderr_tail(self) -> str:
        if self._profile is None:
            return "no log"
        path = Path(self._profile.name) / "stderr.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        lines = [line for line in text.splitlines() if line.strip()]
        code = self._process.poll() if self._process else None
        return (f"exit code {code}, " if code is not None else "") + (lines[-1][:300] if lines else "nothing on stderr")

    def _send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        if self._pipe is None or self._session is None:
            raise BrowserError("browser not started")
        return self._pipe.send(method, params, session=self._session, timeout=timeout)

    # -- page -------------------------------------------------------------------------------------------------
    def set_width(self, width: int, height: int = 900) -> None:
        """Viewport of ``width`` CSS px; below 600 px as a phone (mobile viewport, meta viewport honoured)."""
        self.width = width
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def open(self, url: str | Path, *, timeout: float = 30.0) -> None:
        """Load a ``file`` path or an http://127.0.0.1 URL and wait for its load event."""
        target = Path(url).resolve().as_uri() if isinstance(url, Path) else url
        assert self._pipe is not None
        self._pipe.events.clear()
        result = self._send("Page.navigate", {"url": target}, timeout=timeout)
        if result.get("errorText"):
            raise BrowserError(f"could not open {target}: {result['errorText']}")
        self._pipe.wait_event("Page.loadEventFired", session=self._session, timeout=timeout)
        self._axe_loaded = False

    def evaluate(self, expression: str, *, timeout: float = 60.0) -> Any:
        """The JSON value of a JavaScript expression (promises awaited); a thrown error raises BrowserError."""
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            message = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error: {str(message).splitlines()[0]}")
        return result["result"].get("value")

    # -- checks -----------------------------------------------------------------------------------------------
    def axe(self, tags: tuple[str, ...] = WCAG21_AA_TAGS) -> list[dict[str, Any]]:
        """axe-core violations of the page as shown now: ``[{"id", "impact", "help", "nodes": [{"target", ...}]}]``."""
        if not self._axe_loaded:
            self.evaluate(axe_source() + "\n;0")
            self._axe_loaded = True
        return self.evaluate(AXE_RUN % json.dumps(list(tags)), timeout=120)

    def overflow(self) -> Overflow:
        """Horizontal overflow now: page scroll width vs. viewport, elements outside their parent or clipped."""
        found = self.evaluate(OVERFLOW)
        return Overflow(found["scrollWidth"], found["clientWidth"], tuple(found["elements"]),
                        tuple(found["scrollers"]))

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the viewport, or of the whole page (also beyond the viewport's right edge) when ``full_page``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self._send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": max(size["width"], self.width),
                                                           "height": size["height"], "scale": 1})
        data = self._send("Page.captureScreenshot", params, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    # -- keyboard ---------------------------------------------------------------------------------------------
    def press(self, key: str, *, shift: bool = False) -> None:
        """Press and release one key as a keyboard user would (``Tab``, ``Enter``, ``Space``, arrows, ``Escape``)."""
        if key not in _KEYS:
            raise BrowserError(f"unknown key {key!r}; known: {', '.join(_KEYS)}")
        name, code, vk, text = _KEYS[key]
        down: dict[str, Any] = {"type": "keyDown" if text else "rawKeyDown", "key": name, "code": code,
                                "windowsVirtualKeyCode": vk, "modifiers": _SHIFT if shift else 0}
        if text:
            down["text"] = text
        self._send("Input.dispatchKeyEvent", down)
        self._send("Input.dispatchKeyEvent", {**down, "type": "keyUp", "text": ""})

    def focused(self) -> dict[str, Any] | None:
        """What has keyboard focus (None: nothing): ``{"tag", "id", "role", "type", "name", "selector", "lang",
        "on_screen", "focus_shown", "checked", "open"}`` (``open``: the ``<details>`` of a focused ``<summary>``)."""
        return self.evaluate(FOCUSED)
