"""The live view of 2D and 3+ D learners in JupyterLab 4 and Notebook 7, in headless Chromium.

One server per flavor for the module; one notebook (and kernel) per test. The page triangulates
the points itself: these tests check what it draws (heat map, colour bar, mesh, newest points,
hover read-out, output and axis selectors, small multiples) and that a reload redraws it all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import (
    Server,
    assert_offline_and_clean,
    cell_output,
    open_notebook,
    run_cell,
    shutdown_kernel,
)
from live_plot_probes import EDGE_INK_JS, assert_buttons_look_like_buttons, drag, first_view

pytestmark = pytest.mark.browser

SETUP = """
import time
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import adaptive_nb as adaptive

def ring(p):
    time.sleep(0.001)
    x, y = p[0], p[1]
    return x * y + np.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2)
"""

# Pixel classes of the canvas: heat-map colours (saturated), newest-point red, light mesh lines
# (viridis has no colour with all channels above 120).
PIXELS_JS = """(canvas) => {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let colour = 0, red = 0, white = 0, hash = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colour++;
    if (r > 200 && g < 60 && b < 90) red++;
    if (Math.min(r, g, b) > 120 && r + g + b < 740) white++;  // light but not the background
    hash = (hash * 31 + r + 7 * g + 13 * b) | 0;
  }
  return { colour, red, white, hash };
}"""


def _wait_npoints(pg: Any, n: int, nth: int = 0) -> None:
    pg.wait_for_function(
        f"() => Number(document.querySelectorAll('.anb-plot')[{nth}]?.dataset.npoints) === {n}",
        timeout=30_000,
    )


def test_heat_map_with_mesh_hover_components_and_reload(
    server: Server, page: Any, artifacts: Path
) -> None:
    url = server.write_notebook(
        "live_plot2d.ipynb",
        [
            SETUP
            + "learner = adaptive.Learner2D(lambda p: [ring(p), -ring(p)], [(-1, 1), (-1, 1)])\n"
            "runner = adaptive.Runner(learner, npoints_goal=800, executor=ThreadPoolExecutor(2))\n"
            "plot = runner.live_plot(update_interval=0.1)\nplot",
            "await runner.task\nprint('DONE', learner.npoints, plot.messages_sent)",
        ],
    )
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    run_cell(pg, 0)
    pg.wait_for_selector(".anb-plot .anb-canvas", timeout=30_000)
    # live: the page draws while points arrive, before the run ends
    pg.wait_for_function(
        "() => Number(document.querySelector('.anb-plot')?.dataset.npoints) > 20", timeout=15_000
    )
    run_cell(pg, 1)
    done = re.search(r"DONE (\d+) (\d+)", cell_output(pg, 1))
    assert done, cell_output(pg, 1)
    assert int(done.group(2)) > 2  # several incremental updates, not one
    _wait_npoints(pg, int(done.group(1)))
    canvas = pg.locator(".anb-canvas")
    pg.wait_for_timeout(200)
    first = canvas.evaluate(PIXELS_JS)
    # the heat map (plus colour bar) fills most of a 1000 x 320 canvas with colour
    w, h = canvas.evaluate("(c) => [c.width, c.height]")
    assert first["colour"] > 0.5 * w * h, (first, w, h)
    assert first["red"] > 20  # the newest points are ringed

    # the output selector: two components, the second is the negative of the first
    comp = pg.locator(".anb-comp select")
    assert comp.is_visible()
    assert comp.locator("option").all_inner_texts() == ["0", "1"]
    comp.select_option("1")
    pg.wait_for_timeout(200)
    second = canvas.evaluate(PIXELS_JS)
    assert second["hash"] != first["hash"]

    # mesh edges drawn in light lines over the heat map
    pg.locator(".anb-edges input").check()
    pg.wait_for_timeout(200)
    meshed = canvas.evaluate(PIXELS_JS)
    assert meshed["white"] > second["white"] + 2000, (meshed, second)

    # hover read-out at the centre of the plot: coordinates and the interpolated value
    box = canvas.bounding_box()
    pg.mouse.move(box["x"] + 54 + (box["width"] - 120) / 2, box["y"] + 20 + (320 - 44) / 2)
    pg.wait_for_selector(".anb-hover", state="visible", timeout=5_000)
    text = pg.inner_text(".anb-hover")
    assert re.search(r"x = -?[\d.e-]+\s+y = -?[\d.e-]+\s+value(\[1\] ≈| =) ", text), text
    pg.locator(".jp-Notebook .jp-Cell").nth(0).screenshot(
        path=str(artifacts / f"live_plot2d-{server.flavor}.png")
    )
    # axis labels (y rotated at the left), colour-bar labels inside the canvas
    ink = canvas.evaluate(EDGE_INK_JS)
    assert ink["edges"] == 0, ink
    assert ink["label"] > 5, ink  # "y", rotated: the only text that far left
    assert_buttons_look_like_buttons(pg.locator(".anb-plot"))

    # box zoom on the heat map: the mesh is drawn again for the zoomed range; double-click resets
    full = first_view(pg)
    assert full == [-1, 1, -1, 1]
    drag(pg, box, (0.3, 0.3), (0.5, 0.6))
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === '1'")
    x0, x1, y0, y1 = first_view(pg)
    assert -1 < x0 < x1 < 1
    assert -1 < y0 < y1 < 1
    pg.wait_for_timeout(200)
    zoomed = canvas.evaluate(PIXELS_JS)
    assert zoomed["colour"] > 0.5 * w * h, zoomed
    assert zoomed["hash"] != meshed["hash"]
    pg.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === ''")
    assert first_view(pg) == full

    # a reloaded page gets every point again and redraws the heat map
    pg.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    pg.reload()
    assert open_notebook(pg, pg.url) == "idle"
    _wait_npoints(pg, int(done.group(1)))
    pg.wait_for_timeout(200)
    assert pg.locator(".anb-canvas").evaluate(PIXELS_JS)["colour"] > 0.5 * w * h
    assert_offline_and_clean(page, r"anb|live_|adaptive|elaunator")
    shutdown_kernel(pg)


def test_small_multiples_and_3d_projection(server: Server, page: Any, artifacts: Path) -> None:
    url = server.write_notebook(
        "live_plot_nd.ipynb",
        [
            SETUP + "learners = [adaptive.Learner2D(ring, [(-a, a), (-a, a)]) for a in (1, 2, 3)]\n"
            "bl = adaptive.BalancingLearner(learners)\n"
            "runner = adaptive.Runner(bl, npoints_goal=450, executor=ThreadPoolExecutor(2))\n"
            "runner.live_plot(update_interval=0.1, name='grid')",
            "def f3(p):\n    return float(np.sin(3 * p[0]) + p[1] ** 2 - p[2])\n"
            "learner3 = adaptive.LearnerND(f3, bounds=[(-1, 1), (0, 2), (-1, 1)])\n"
            "runner3 = adaptive.Runner(learner3, npoints_goal=400,"
            " executor=ThreadPoolExecutor(2))\n"
            "runner3.live_plot(update_interval=0.1, name='nd')",
            "await runner.task; await runner3.task\nprint('DONE', bl.npoints, learner3.npoints)",
            "big = adaptive.Learner2D(lambda p: p[0] * p[1], bounds=[(-1, 1), (-1, 1)])\n"
            "xy = np.random.default_rng(0).uniform(-1, 1, (10_000, 2))\n"
            "big.tell_many(xy, xy[:, 0] * xy[:, 1])\n"
            "runner4 = adaptive.Runner(big, npoints_goal=10_000)\n"
            "runner4.live_plot(name='big')",
        ],
    )
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    for i in range(3):
        run_cell(pg, i)
    done = re.search(r"DONE (\d+) (\d+)", cell_output(pg, 2))
    assert done, cell_output(pg, 2)
    _wait_npoints(pg, int(done.group(1)), 0)
    _wait_npoints(pg, int(done.group(2)), 1)
    pg.wait_for_timeout(200)
    grid, nd = pg.locator(".anb-plot").nth(0), pg.locator(".anb-plot").nth(1)
    grid_canvas = grid.locator(".anb-canvas")
    assert grid_canvas.evaluate("(c) => c.clientHeight") == 400  # 3 panels: 2 rows of 200 px
    grid_px = grid_canvas.evaluate(PIXELS_JS)
    assert grid_px["colour"] > 0.25 * grid_canvas.evaluate("(c) => c.width * c.height")
    assert not grid.locator(".anb-axis-x").is_visible()

    # 3+ D: a scatter of the projection, with a choice of axes (x0 vs x1 by default)
    assert nd.locator(".anb-axis-x select option").all_inner_texts() == ["x0", "x1", "x2"]
    assert not nd.locator(".anb-edges").is_visible()
    nd_canvas = nd.locator(".anb-canvas")
    before = nd_canvas.evaluate(PIXELS_JS)
    assert before["colour"] > 3000
    nd.locator(".anb-axis-y select").select_option("2")
    pg.wait_for_timeout(200)
    after = nd_canvas.evaluate(PIXELS_JS)
    assert after["hash"] != before["hash"]
    assert after["colour"] > 3000
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"live_plot_nd-{server.flavor}.png"))

    # 10k points arrive in one message; the page triangulates and draws them in one frame
    run_cell(pg, 3)
    _wait_npoints(pg, 10_000, 2)
    render_ms = float(pg.locator(".anb-plot").nth(2).get_attribute("data-render-ms"))
    print(f"[{server.flavor}] heat map of 10k points (mesh + raster + draw): {render_ms:.1f} ms")
    assert render_ms < 1000  # loose: the machine is shared; typical values are printed
    assert_offline_and_clean(page, r"anb|live_|adaptive|elaunator")
    shutdown_kernel(pg)
