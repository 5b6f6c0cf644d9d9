"""Browser fixtures: one headless Chromium per test module, request recording, skip logic."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import ARTIFACTS, CHROMIUM_ARGS

LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "blob:", "data:", "about:")


def _chromium() -> str | None:
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return exe if exe and os.access(exe, os.X_OK) else None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    reason = None
    if _chromium() is None:
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=_chromium(),
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
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
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
    pg = browser_ctx.new_page()
    rec = PageRecorder(pg)
    yield rec
    pg.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
