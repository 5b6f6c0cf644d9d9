"""Headless Chromium for the browser tests: discovery, flags, free ports, fixtures, recording.

The fixtures ``browser_ctx`` and ``page`` are re-exported by ``tests/conftest.py``, so every
test folder can use them; tests that need them carry ``@pytest.mark.browser``, which
:func:`skip_without_browser` turns into a skip (a failure in CI) when Chromium or playwright is
missing.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# URL prefixes that stay on this machine; anything else is an external request.
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "blob:", "data:", "about:")


def chromium() -> str | None:
    """The Chromium executable (``$CHROMIUM``, else ``chromium`` on PATH), or None."""
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return exe if exe and os.access(exe, os.X_OK) else None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def skip_without_browser(items: list[Any]) -> None:
    """Mark every ``browser`` test skipped, with the fix, when Chromium or playwright is missing."""
    reason = None
    if chromium() is None:
        reason = "chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "python package 'playwright' not installed (pip install -e '.[test]')"
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


# Module scope, not session: playwright's sync API keeps an asyncio loop marked as running in the
# main thread while it is open, and every later test that calls asyncio.run() would then fail.
@pytest.fixture(scope="module")
def browser_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium (a persistent context) per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 1000},
        )
        yield ctx
        ctx.close()


class PageRecorder:
    """Every request the page makes and every console error, for the offline assertions."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        # Anything not on 127.0.0.1 is recorded and aborted, so a CDN fetch fails the test
        # loudly instead of silently working on a machine with internet access.
        page.route(lambda url: not url.startswith(LOCAL), self._block)

    def _block(self, route: Any) -> None:
        self.failed.append(route.request.url)
        route.abort()

    def external(self) -> list[str]:
        return [u for u in self.requests + self.failed if not u.startswith(LOCAL)]


@pytest.fixture
def page(browser_ctx: Any) -> Iterator[PageRecorder]:
    """A fresh page in the module's Chromium, recording requests and errors."""
    pg = browser_ctx.new_page()
    rec = PageRecorder(pg)
    yield rec
    pg.close()
