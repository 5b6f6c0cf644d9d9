"""Every tutorial, run cell by cell in JupyterLab, makes no request that leaves 127.0.0.1.

Each notebook is copied alone into the server's root (as a downloaded copy would be) and run in
headless Chromium; the page's every request and websocket is recorded (``PageRecorder``), and any
non-local one is aborted and fails the test: holoviews plots after ``notebook_extension()``, the
Panel dashboards and the anywidgets must all come with their scripts and stylesheets inlined.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_harness import Server, jupyter_server, open_notebook, run_cell, shutdown_kernel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))

CELL_COUNTS_JS = """() => window.__panel.content.widgets
  .filter(w => w.model.type === 'code').map(w => w.model.executionCount)"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with jupyter_server(tmp_path_factory.mktemp("jupyter-tutorials"), "lab") as srv:
        yield srv


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_fetches_nothing_from_the_internet(
    path: Path, server: Server, page: Any, artifacts: Path
) -> None:
    shutil.copy(path, server.root / path.name)
    url = f"{server.base}/lab/tree/{path.name}?reset&token={server.token}"
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    n_cells = len(nbformat.read(path, as_version=4).cells)
    for i in range(n_cells):  # one by one: a cell that raises on purpose stops no other cell
        run_cell(pg, i)
    counts = pg.evaluate(CELL_COUNTS_JS)
    assert None not in counts, f"cells left unexecuted: {counts}"
    time.sleep(1.5)  # outputs render (and would fetch) after their cell finished
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"tutorial-{path.stem}.png"))
    assert page.external() == [], sorted(set(page.external()))
    shutdown_kernel(pg)
