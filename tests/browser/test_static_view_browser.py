"""A saved notebook read without a kernel: the static views, in headless Chromium.

In JupyterLab the cell shows the live widgets only (the static view, a second output, is hidden
by the widget's stylesheet), and the saved file holds the final state. ``nbconvert --to html``
of that file shows the final status and the plots as pictures, not "Loading widget…", both as
JupyterLab saves it with "save widget state automatically" (nbconvert then draws the widget views
through a widget manager from a CDN, which offline never loads) and as it saves by default (no
widget state: nbconvert skips the widget views). The same for a notebook executed by
``nbconvert --execute``, which saves widget state too. Every page is read with all requests off
127.0.0.1 blocked.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from jupyter_harness import (
    SRC,
    Server,
    jupyter_server,
    open_notebook,
    run_cell,
    save_notebook,
    shutdown_kernel,
    write_notebook,
)
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

VISIBLE_JS = """(sel) =>
  [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).length"""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_VIEW_TAG = f'<script type="{WIDGET_VIEW}">'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # JupyterLab's "save widget state automatically"; the default save is the same file
    # without metadata.widgets, which the test derives from it
    save_state = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}
    with jupyter_server(tmp_path_factory.mktemp("jupyter-static"), "lab", save_state) as srv:
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
        # Lab renders the widgets, once each, and never the static fallback next to them
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
        # the static views are there (saved with the outputs), hidden next to the live widgets
        assert pg.evaluate(COUNT_JS, [1, ".adaptive-nb-static"]) == 2
        assert pg.evaluate(COUNT_JS, [2, ".adaptive-nb-static"]) == 1
        assert pg.evaluate(VISIBLE_JS, ".adaptive-nb-static, svg.adaptive-nb-static-plot") == 0
        for i in (1, 2):
            assert "Loading widget" not in pg.evaluate(OUTPUT_TEXT_JS, i)
        save_notebook(pg)
        pg.locator(".jp-Notebook").screenshot(path=str(artifacts / "static_view_lab.png"))
    finally:
        shutdown_kernel(pg)
    nb = nbformat.read(server.root / "static.ipynb", as_version=4)

    # Reopened on a fresh kernel: the widgets are restored from the saved state, marked
    # disconnected and without their points; the static views show under them.
    assert open_notebook(pg, url) == "idle"
    try:
        pg.wait_for_function(
            "() => document.querySelectorAll('.jupyter-widgets-disconnected "
            ":is(.anb-plot, .anb-info)').length === 3",
            timeout=30_000,
        )
        assert pg.evaluate(VISIBLE_JS, ".adaptive-nb-static") == 3
        assert pg.evaluate(VISIBLE_JS, "svg.adaptive-nb-static-plot") == 2
        pg.locator(".jp-Notebook").screenshot(path=str(artifacts / "static_view_lab_reopened.png"))
    finally:
        shutdown_kernel(pg)

    info, plot1 = (o for o in nb.cells[1].outputs if o.get("data", {}).get("text/html"))
    (_plot2,) = (o for o in nb.cells[2].outputs if o.get("data", {}).get("text/html"))
    match = re.search(r"points: (\d+)", info.data["text/plain"])
    assert match is not None
    npoints = int(match.group(1))
    assert npoints >= 150
    assert f"{npoints} points, runner finished" in plot1.data["text/plain"]

    # saved with widget state: nbconvert draws the three widget views (their manager, from a
    # CDN, is blocked here), not the text/html of their outputs
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    views = [
        o.data[WIDGET_VIEW]["model_id"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]
    assert len(views) == 3
    assert set(views) <= set(state)
    html = _nbconvert(server.root, "static.ipynb")
    assert html.count(WIDGET_VIEW_TAG) == 3
    _assert_static_page(page, html, npoints, artifacts / "static_view_lab_state_2d.png")
    assert any("html-manager" in u for u in page.failed), page.failed

    # JupyterLab's default save: no widget state, so nbconvert skips the widget views
    del nb.metadata["widgets"]
    nbformat.write(nb, server.root / "static_default.ipynb")
    html = _nbconvert(server.root, "static_default.ipynb")
    assert WIDGET_VIEW_TAG not in html
    _assert_static_page(page, html, npoints, artifacts / "static_view_nbconvert_2d.png")


def _nbconvert(cwd: Path, name: str, *options: str) -> str:
    """``jupyter nbconvert --to html`` (kernels it starts import this checkout's adaptive_nb)."""
    pythonpath = os.pathsep.join(p for p in [str(SRC), os.environ.get("PYTHONPATH", "")] if p)
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", *options, name],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=pythonpath),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return (cwd / name).with_suffix(".html").read_text()


def _assert_static_page(page: Any, html: str, npoints: int, shot: Path) -> None:
    """Check nbconvert's page of CELLS: the final status and both plots, visible, offline."""
    pg = page.page
    pg.set_content(html)  # its CDN requests (MathJax, require.js, widget manager) are blocked
    assert "Loading widget" not in pg.inner_text("body")
    status = pg.locator(".adaptive-nb-static-status")
    assert status.count() == 1
    assert status.inner_text() == "finished"
    info = pg.locator(".adaptive-nb-static-info")
    assert info.is_visible()
    assert re.search(rf"points\s+{npoints}\b", info.inner_text()), info.inner_text()
    caption = pg.get_by_text(f"{npoints} points, runner finished")
    assert caption.count() == 1
    assert caption.is_visible()

    svgs = pg.locator("svg.adaptive-nb-static-plot")
    assert svgs.count() == 2
    line = svgs.nth(0).locator("polyline")
    assert line.count() == 1
    assert len(line.get_attribute("points").split()) == npoints
    for k in range(2):
        assert svgs.nth(k).is_visible()
        box = svgs.nth(k).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 150
    # the 2D heat map is a picture, drawn: many distinct colours in its screenshot
    png = svgs.nth(1).screenshot(path=str(shot))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 100
    ours = [e for e in page.errors if re.search(r"anb|adaptive", e)]
    assert ours == [], ours
    # only nbconvert's own page asks the internet (and is refused): nothing of ours does
    nbconvert_own = r"/mathjax/|/require\.js/|/mermaid|html-manager@|jupyter-js-widgets@"
    assert [u for u in page.external() if not re.search(nbconvert_own, u)] == []


# As `jupyter nbconvert --execute` runs it: the run ends while a later cell executes.
EXECUTED_CELLS = [
    *CELLS[:2],
    "await runner.task\n"
    "from adaptive_nb.notebook import live_widgets\n"
    "await asyncio.gather(*(w.task for w in live_widgets(runner)))",
    CELLS[2],
    "await runner2.task\nawait asyncio.gather(*(w.task for w in live_widgets(runner2)))\n"
    "print('final points', learner.npoints)",
]
EXECUTED_CELLS[0] = "import asyncio\n" + EXECUTED_CELLS[0]

INJECT_JS = """() => {
  // What a widget manager does when it loads: draw each widget view into its output's div,
  // and (anywidget) add each widget model's stylesheet, its _css, to the page.
  const saved = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  for (const model of Object.values(JSON.parse(saved.textContent).state)) {
    const style = document.createElement('style');
    style.textContent = model.state._css ?? '';
    document.head.appendChild(style);
  }
  const views = [...document.querySelectorAll('.jupyter-widgets.jp-OutputArea-output')];
  views.forEach((div, k) => {
    const root = document.createElement('div');
    root.className = k === 0 ? 'anb-info' : 'anb-plot';
    root.textContent = 'drawn by a widget manager';
    div.appendChild(root);
  });
  return views.length;
}"""


def test_notebook_saved_with_widget_state_converts_to_the_final_state_offline(
    tmp_path: Path, page: Any, artifacts: Path
) -> None:
    write_notebook(tmp_path / "saved_state.ipynb", EXECUTED_CELLS)
    html = _nbconvert(tmp_path, "saved_state.ipynb", "--execute")

    # nbconvert saved the widget state, so it draws the three widget views, through a widget
    # manager script from a CDN, and not the text/html in their outputs
    assert html.count(WIDGET_VIEW_TAG) == 3
    assert 'type="application/vnd.jupyter.widget-state+json"' in html
    match = re.search(r"final points (\d+)", html)
    assert match is not None
    npoints = int(match.group(1))
    assert npoints >= 150
    _assert_static_page(page, html, npoints, artifacts / "static_view_state_2d.png")
    # the widget manager was asked for, and blocked: this is the offline reading
    assert any("html-manager" in u for u in page.failed), page.failed

    # where the widget manager loads and draws the widgets, the static views step aside
    assert page.page.evaluate(INJECT_JS) == 3
    assert page.page.evaluate(VISIBLE_JS, ".adaptive-nb-static") == 0
