"""A notebook saved from JupyterLab, read without a kernel: the static views, in headless Chromium.

In JupyterLab the cell shows the live widgets only (the static view in the same mimebundle is not
drawn next to them), the saved file holds the final state, and ``nbconvert --to html`` of that
file shows the final status and the plot as a picture instead of "Loading widget…".
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from jupyter_harness import Server, jupyter_server, open_notebook, run_cell, shutdown_kernel
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "import time\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "import numpy as np\n"
    "import adaptive_nb as adaptive\n"
    "def f(x):\n    time.sleep(0.01)\n    return np.tanh(20 * x)\n"
    "def g(xy):\n    time.sleep(0.002)\n    return np.sin(4 * xy[0]) * xy[1]",
    "learner = adaptive.Learner1D(f, bounds=(-1, 1))\n"
    "runner = adaptive.Runner(learner, npoints_goal=150, executor=ThreadPoolExecutor(2))\n"
    "runner.live_info(update_interval=0.1)\n"
    "runner.live_plot(update_interval=0.1, name='1d')",
    "learner2 = adaptive.Learner2D(g, bounds=[(-1, 1), (-1, 1)])\n"
    "runner2 = adaptive.Runner(learner2, npoints_goal=300, executor=ThreadPoolExecutor(2))\n"
    "runner2.live_plot(update_interval=0.1, name='2d')",
]

# Lab's own output model of cell i: the text/plain of each output (what it will save).
OUTPUT_TEXT_JS = """(i) => {
  const o = window.__panel.content.widgets[i].model.outputs; const r = [];
  for (let k = 0; k < o.length; k++) r.push(String(o.get(k).data['text/plain'] ?? ''));
  return r.join('\\n');
}"""

COUNT_JS = """([i, sel]) => window.__panel.content.widgets[i].node.querySelectorAll(sel).length"""

SAVE_JS = """async () => { await window.jupyterapp.commands.execute('docmanager:save'); }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with jupyter_server(tmp_path_factory.mktemp("jupyter-static"), "lab") as srv:
        yield srv


def _wait_final(page: Any, i: int, text: str) -> None:
    try:
        page.wait_for_function(
            f"(i) => ({OUTPUT_TEXT_JS})(i).includes({text!r})", arg=i, timeout=60_000
        )
    except Exception as exc:
        dump = page.evaluate(
            "(i) => JSON.stringify(window.__panel.content.widgets[i].model.outputs.toJSON())"
            ".slice(0, 3000)",
            i,
        )
        msg = f"cell {i} never showed {text!r}; its outputs: {dump}"
        raise AssertionError(msg) from exc


def test_lab_shows_live_widgets_and_its_saved_notebook_converts_to_the_final_state(
    server: Server, page: Any, artifacts: Path
) -> None:
    pg = page.page
    url = server.write_notebook("static.ipynb", CELLS)
    assert open_notebook(pg, url) == "idle"
    try:
        for i in range(3):
            run_cell(pg, i)
        _wait_final(pg, 1, "runner status: finished")
        _wait_final(pg, 1, "runner finished")
        _wait_final(pg, 2, "runner finished")
        # Lab renders the widgets, once each, and never the static fallback next to them; the
        # final display update re-renders the live plot, which must not leave a second copy.
        pg.wait_for_function(
            f"() => ({COUNT_JS})([1, '.anb-plot .anb-plot-status']) === 1 && "
            "window.__panel.content.widgets[1].node.querySelector('.anb-plot-status')"
            ".textContent.includes('finished')",
            timeout=20_000,
        )
        assert pg.evaluate(COUNT_JS, [1, ".anb-info"]) == 1
        assert pg.evaluate(COUNT_JS, [1, ".anb-plot"]) == 1
        assert pg.evaluate(COUNT_JS, [1, ".anb-canvas"]) == 1
        assert pg.evaluate(COUNT_JS, [2, ".anb-plot"]) == 1
        for i in (1, 2):
            assert (
                pg.evaluate(COUNT_JS, [i, ".adaptive-nb-static, svg.adaptive-nb-static-plot"]) == 0
            )
            assert "Loading widget" not in pg.evaluate(OUTPUT_TEXT_JS, i)
        pg.evaluate(SAVE_JS)
        pg.locator(".jp-Notebook").screenshot(path=str(artifacts / "static_view_lab.png"))
    finally:
        shutdown_kernel(pg)

    nb = nbformat.read(server.root / "static.ipynb", as_version=4)
    assert "widgets" not in nb.metadata  # JupyterLab's default: no widget state saved
    info, plot1 = (o for o in nb.cells[1].outputs if "text/html" in o.get("data", {}))
    (_plot2,) = (o for o in nb.cells[2].outputs if "text/html" in o.get("data", {}))
    match = re.search(r"points: (\d+)", info.data["text/plain"])
    assert match is not None
    npoints = int(match.group(1))
    assert npoints >= 150
    assert f"{npoints} points, runner finished" in plot1.data["text/plain"]

    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "static.ipynb"],
        cwd=server.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    html = (server.root / "static.html").read_text()

    pg = page.page
    pg.set_content(html)  # nbconvert's page asks CDNs for MathJax/require.js: blocked, harmless
    assert "Loading widget" not in pg.inner_text("body")
    status = pg.locator(".adaptive-nb-static-status")
    assert status.count() == 1
    assert status.inner_text() == "finished"
    info_text = pg.locator(".adaptive-nb-static-info").inner_text()
    assert re.search(rf"points\s+{npoints}\b", info_text), info_text
    assert pg.get_by_text(f"{npoints} points, runner finished").count() == 1

    svgs = pg.locator("svg.adaptive-nb-static-plot")
    assert svgs.count() == 2
    line = svgs.nth(0).locator("polyline")
    assert line.count() == 1
    assert len(line.get_attribute("points").split()) == npoints
    for k in range(2):
        box = svgs.nth(k).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 150
    # the 2D heat map is a picture, drawn: many distinct colours in its screenshot
    png = svgs.nth(1).screenshot(path=str(artifacts / "static_view_nbconvert_2d.png"))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 100
    ours = [e for e in page.errors if re.search(r"anb|adaptive", e)]
    assert ours == [], ours
