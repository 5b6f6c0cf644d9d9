"""Browser-folder fixtures; Chromium, ``browser_ctx`` and ``page`` live in ``_support.browser``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import ARTIFACTS, Server, jupyter_server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module", params=["lab", "notebook"])
def server(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Jupyter server for the test module, in each flavor: JupyterLab 4, then Notebook 7.

    A module that needs one flavor or other settings defines its own ``server``.
    """
    with jupyter_server(tmp_path_factory.mktemp(f"jupyter-{request.param}"), request.param) as srv:
        yield srv
