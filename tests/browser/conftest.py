"""Browser-folder fixtures; Chromium, ``browser_ctx`` and ``page`` live in ``_support.browser``."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_harness import ARTIFACTS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
