"""Suite-wide rules.

In CI (``CI`` set, as ``.ci/run`` is) a skipped test is reported as a failure: every test here
needs only what ``scripts/test.sh`` installs, so a skip there means a broken install step, and a
skipped test is not a passing one. Locally, skips stay skips (with their reason in the summary).

The headless-Chromium fixtures (``browser_ctx``, ``page``) come from ``_support.browser`` and are
available in every test folder; ``browser``-marked tests are skipped without Chromium/playwright.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pluggy
import pytest

from _support.browser import browser_ctx, page, skip_without_browser

__all__ = ["browser_ctx", "page"]  # fixtures, re-exported for every test folder


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_without_browser(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pluggy.Result[pytest.TestReport]]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {reason}"
