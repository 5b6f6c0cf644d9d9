"""Every tutorial, in JupyterLab and in Notebook 7, makes no request that leaves 127.0.0.1.

Each notebook is copied alone into the server's root (as a downloaded copy would be) and run cell
by cell in JupyterLab, in headless Chromium; the page's every request and websocket is recorded
(``PageRecorder``), and any non-local one is aborted and fails the test: holoviews plots after
``notebook_extension()``, the Panel dashboards and the anywidgets must all come with their scripts
and stylesheets inlined.

Then the notebook, saved by JupyterLab with its outputs, is opened in Notebook 7 on the same server
and the same, still running kernel, so nothing runs twice: Notebook 7 draws the saved outputs
(holoviews and Panel output, trusted, run their scripts) and its widget manager restores the live
widgets from the kernel and draws them, all under the same request recording. The same server
serves both front ends; the second pass adds a few seconds per notebook, not a second run.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_harness import (
    Server,
    jupyter_server,
    open_notebook,
    run_cell,
    save_notebook,
    shutdown_kernel,
)

from _support.browser import PageRecorder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))

CELL_COUNTS_JS = """() => window.__panel.content.widgets
  .filter(w => w.model.type === 'code').map(w => w.model.executionCount)"""

# The live widgets drawn in the page (their root elements), and the static views that are
# visible although the widget they stand for is drawn in the same output area (must be none).
LIVE_ROOTS = ".anb-plot, .anb-info"
WIDGETS_JS = f"""() => {{
  const drawn = document.querySelectorAll('.jp-Notebook :is({LIVE_ROOTS})').length;
  const doubled = [...document.querySelectorAll('.jp-OutputArea')].filter(area =>
    ['plot', 'info'].some(kind => area.querySelector('.anb-' + kind) &&
      [...area.querySelectorAll('.adaptive-nb-static-for-' + kind)]
        .some(e => e.checkVisibility()))).length;
  return [drawn, doubled];
}}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with jupyter_server(tmp_path_factory.mktemp("jupyter-tutorials"), "lab") as srv:
        yield srv


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_fetches_nothing_from_the_internet(
    path: Path, server: Server, page: PageRecorder, artifacts: Path
) -> None:
    shutil.copy(path, server.root / path.name)
    pg = page.page
    assert open_notebook(pg, server.url(path.name, "lab")) == "idle"
    n_cells = len(nbformat.read(path, as_version=4).cells)
    for i in range(n_cells):  # one by one: a cell that raises on purpose stops no other cell
        run_cell(pg, i)
    counts = pg.evaluate(CELL_COUNTS_JS)
    assert None not in counts, f"cells left unexecuted: {counts}"
    time.sleep(1.5)  # outputs render (and would fetch) after their cell finished
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"tutorial-{path.stem}.png"))
    assert page.external() == [], sorted(set(page.external()))
    drawn, doubled = pg.evaluate(WIDGETS_JS)
    assert doubled == 0, "a static view shows next to the live widget it stands for"
    save_notebook(pg)  # the outputs, for Notebook 7 to draw
    pg.close()  # the kernel keeps running (and keeps its widgets) for Notebook 7

    nb7 = PageRecorder(pg.context.new_page())
    try:
        assert open_notebook(nb7.page, server.url(path.name, "notebook")) == "idle"
        # the widget manager restores the models from the kernel and draws every live widget
        nb7.page.wait_for_function(
            f"() => ({WIDGETS_JS})()[0] >= {drawn}", timeout=30_000, polling=200
        )
        time.sleep(0.5)  # the other outputs render (and would fetch) too
        shot = artifacts / f"tutorial-nb7-{path.stem}.png"
        nb7.page.locator(".jp-Notebook").screenshot(path=str(shot))
        assert nb7.external() == [], sorted(set(nb7.external()))
        assert nb7.page.evaluate(WIDGETS_JS) == [drawn, 0]
    finally:
        shutdown_kernel(nb7.page)
        nb7.page.close()
