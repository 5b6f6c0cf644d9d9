"""live_info and live_plot in JupyterLab 4 and Notebook 7, in headless Chromium.

One server per flavor for the module; one notebook (and kernel) per test.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import time
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
import asyncio, time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive

def f(x, offset=0.123):
    time.sleep(0.003)
    a = 0.01
    return x + a**2 / (a**2 + (x - offset) ** 2)
"""

COUNT_INK_JS = """(canvas) => {
  const ctx = canvas.getContext('2d');
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
  return ink;
}"""


# Click Cancel and record (in the page, without polling delays) when the status shows it.
CLICK_AND_WATCH_JS = """() => {
  const status = document.querySelector('.anb-status');
  new MutationObserver((_, obs) => {
    if (status.dataset.status !== 'cancelled') return;
    window.__anbCancelledAt = Date.now();
    obs.disconnect();
  }).observe(status, { attributes: true, childList: true, subtree: true });
  const t = Date.now();
  document.querySelector('.anb-cancel').click();
  return t;
}"""


def test_live_info_updates_and_cancel_works_while_a_cell_awaits(
    server: Server, page: Any, artifacts: Path
) -> None:
    url = server.write_notebook(
        "live_info.ipynb",
        [
            SETUP + "learner = adaptive.Learner1D(f, bounds=(-1, 1))\n"
            "runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(2))\n"
            "cancelled_at = []\n"
            "runner.task.add_done_callback(lambda t: cancelled_at.append(time.time()))",
            "runner.live_info(update_interval=0.1)\nrunner.live_plot(update_interval=0.2)",
            "await runner.task",
            "print('REPORT', runner.status(), repr(cancelled_at[0]), learner.npoints)",
        ],
    )
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    run_cell(pg, 0)
    run_cell(pg, 1)
    pg.wait_for_selector(".anb-info .anb-npoints", timeout=30_000)
    first = pg.inner_text(".anb-npoints")
    pg.wait_for_function(
        f"() => document.querySelector('.anb-npoints').textContent !== {first!r}", timeout=10_000
    )
    assert pg.inner_text(".anb-status").strip().lower() == "running"
    # the canvas has drawn: plenty of non-white pixels once points have arrived
    pg.wait_for_function("() => Number(document.querySelector('.anb-plot')?.dataset.npoints) > 50")
    canvas = pg.locator(".anb-canvas")
    assert canvas.evaluate(COUNT_INK_JS) > 1000
    # hover read-out of (x, y)
    box = canvas.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_selector(".anb-hover", state="visible", timeout=5_000)
    assert re.search(r"x = -?[\d.e-]+\s+y = -?[\d.e-]+", pg.inner_text(".anb-hover"))
    assert_buttons_look_like_buttons(pg.locator(".anb-plot").first)

    # Box zoom while the runner goes on: the zoomed range stays while new points arrive.
    full = first_view(pg)
    assert full[:2] == [-1, 1]
    drag(pg, box, (0.3, 0.25), (0.6, 0.7))
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === '1'")
    zoomed = first_view(pg)
    assert full[0] < zoomed[0] < zoomed[1] < full[1]
    assert zoomed[3] - zoomed[2] < full[3] - full[2]
    n_zoomed = int(pg.evaluate("() => document.querySelector('.anb-plot').dataset.npoints"))
    pg.wait_for_function(
        f"() => Number(document.querySelector('.anb-plot').dataset.npoints) > {n_zoomed}",
        timeout=10_000,
    )
    assert first_view(pg) == zoomed  # redrawn with the new points, still zoomed
    assert pg.locator(".anb-reset").is_visible()
    pg.click(".anb-reset")
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === ''")
    assert first_view(pg)[:2] == [-1, 1]
    assert not pg.locator(".anb-reset").is_visible()
    drag(pg, box, (0.5, 0.3), (0.8, 0.5))
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === '1'")
    pg.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_function("() => document.querySelector('.anb-plot').dataset.zoomed === ''")
    assert first_view(pg)[:2] == [-1, 1]
    shot = artifacts / f"live_widgets_running-{server.flavor}.png"
    pg.locator(".jp-Notebook .jp-Cell").nth(1).screenshot(path=str(shot))

    run_cell(pg, 2, wait=False)  # `await runner.task`: the kernel is busy from here on
    time.sleep(0.7)
    t_click = pg.evaluate(CLICK_AND_WATCH_JS)
    pg.wait_for_function("() => window.__anbCancelledAt", timeout=5_000)
    t_dom = pg.evaluate("() => window.__anbCancelledAt")
    # `await runner.task` ends with the runner's CancelledError; then the kernel is free again
    pg.wait_for_function(
        "() => (window.__panel.content.widgets[2].node.querySelector('.jp-OutputArea')"
        "?.textContent ?? '').includes('CancelledError')",
        timeout=15_000,
    )
    # ipykernel aborts execute requests that arrive right after an error (stop_on_error), so
    # wait for the kernel to be idle and retry once if the report cell was aborted.
    pg.wait_for_function("() => window.__panel.sessionContext.session.kernel.status === 'idle'")
    for _ in range(2):
        time.sleep(0.5)
        run_cell(pg, 3)
        report = cell_output(pg, 3)
        if "REPORT" in report:
            break
    match = re.search(r"REPORT (\w+) ([\d.]+) (\d+)", report)
    assert match, report
    assert match.group(1) == "cancelled"
    kernel_ms, dom_ms = float(match.group(2)) * 1000 - t_click, t_dom - t_click
    print(
        f"[{server.flavor}] Cancel click -> runner cancelled in the kernel after "
        f"{kernel_ms:.0f} ms, shown in the page after {dom_ms:.0f} ms"
    )
    assert kernel_ms < 200  # the runner is cancelled in the kernel within 0.2 s
    assert dom_ms < 1000
    assert "CancelledError" in cell_output(pg, 2)  # `await runner.task` ended by the click
    pg.wait_for_selector(".anb-plot-status:has-text('runner cancelled')", timeout=5_000)
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"live_info-{server.flavor}.png"))
    assert_offline_and_clean(page, r"anb|live_|adaptive|Bokeh")
    shutdown_kernel(pg)


def test_small_multiples_plotter_idle_cancel_and_reload(
    server: Server, page: Any, artifacts: Path
) -> None:
    url = server.write_notebook(
        "live_plot.ipynb",
        [
            SETUP + "adaptive.notebook_extension()  # holoviews + BokehJS inline: still offline\n"
            "learners = [adaptive.Learner1D(lambda x, a=a: [a * x**2, a * x**3],"
            " bounds=(-1, 1)) for a in (1, 2, 3)]\n"
            "bl = adaptive.BalancingLearner(learners)\n"
            "runner = adaptive.Runner(bl, npoints_goal=150, executor=ThreadPoolExecutor(2))\n"
            "runner.live_plot(update_interval=0.1, name='grid')",
            "learner = adaptive.Learner1D(f, bounds=(-1, 1))\n"
            "runner2 = adaptive.Runner(learner, npoints_goal=40, executor=ThreadPoolExecutor(2))\n"
            "runner2.live_plot(plotter=lambda l: l.plot(), update_interval=0.2, name='hv')",
            "await runner.task; await runner2.task\nprint('DONE', bl.npoints)\n"
            "import json\nprint('DATA', json.dumps([[[float(x), *map(float, y)]"
            " for x, y in sorted(l.data.items())] for l in learners]))",
            "learner3 = adaptive.Learner1D(f, (-1, 1))\n"
            "runner3 = adaptive.Runner(learner3, executor=ThreadPoolExecutor(2))\n"
            "runner3.live_info()",
            "print('STATUS3', runner3.status())",
            # tick labels as long as they get: -98765.432 (step 0.002) by 2e-8 steps
            "edge = adaptive.Learner1D(lambda x: -98765.4321 + 1e5 * x, bounds=(0, 1e-7))\n"
            "runner_edge = adaptive.Runner(edge, npoints_goal=30,"
            " executor=adaptive.runner.SequentialExecutor())\n"
            "await runner_edge.task\nrunner_edge.live_plot(name='edge')",
        ],
    )
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    run_cell(pg, 0)
    run_cell(pg, 1)
    run_cell(pg, 2)
    done = re.search(r"DONE (\d+)", cell_output(pg, 2))
    assert done is not None
    total = int(done.group(1))
    plot = pg.locator(".anb-plot").first
    plot.wait_for(timeout=30_000)
    pg.wait_for_function(
        f"() => Number(document.querySelector('.anb-plot').dataset.npoints) === {total}",
        timeout=10_000,
    )
    canvas = plot.locator(".anb-canvas")
    assert canvas.evaluate("(c) => c.clientHeight") == 400  # 3 panels: 2 rows of 200 px
    assert canvas.evaluate(COUNT_INK_JS) > 3000
    # the holoviews figure, rendered by BokehJS that came from the kernel (no CDN)
    bokeh_canvas = pg.locator(".anb-bokeh canvas").first
    bokeh_canvas.wait_for(timeout=30_000)
    pg.wait_for_function("() => window.Bokeh && window.Bokeh.version", timeout=10_000)
    time.sleep(0.5)
    assert bokeh_canvas.evaluate(COUNT_INK_JS) > 500
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"live_plot-{server.flavor}.png"))

    # Exports: the CSV holds every learner's points (one column per output component), the PNG
    # is the canvas.
    data = json.loads(cell_output(pg, 2).split("DATA", 1)[1])
    with pg.expect_download() as got:
        plot.locator(".anb-export-csv").click()
    assert got.value.suggested_filename == "live_plot.csv"
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text())))
    assert rows[0] == ["panel", "x", "grid[0]", "grid[1]"]  # the output is named by name='grid'
    for i, points in enumerate(data):
        mine = [[float(v) for v in r[1:]] for r in rows[1:] if r[0] == f"learner {i}"]
        assert mine == points
    with pg.expect_download() as got:
        plot.locator(".anb-export-png").click()
    png = Path(got.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    size = canvas.evaluate("(c) => [c.width, c.height]")
    assert list(struct.unpack(">II", png[16:24])) == size

    # Cancel with an idle kernel flips the status in the page and in the kernel.
    run_cell(pg, 3)
    pg.wait_for_selector(".anb-status[data-status=running]", timeout=30_000)
    pg.click(".anb-cancel")
    pg.wait_for_selector(".anb-status[data-status=cancelled]", timeout=5_000)
    run_cell(pg, 4)
    assert "STATUS3 cancelled" in cell_output(pg, 4)

    # Long, negative and exponent tick labels are inside the canvas, next to the axis labels.
    run_cell(pg, 5)
    edge_plot = pg.locator(".anb-plot").nth(2)
    edge_plot.wait_for(timeout=30_000)
    pg.wait_for_function(
        "() => Number(document.querySelectorAll('.anb-plot')[2]?.dataset.npoints) === 30"
    )
    ink = edge_plot.locator(".anb-canvas").evaluate(EDGE_INK_JS)
    assert ink["edges"] == 0, ink
    assert ink["label"] > 20, ink  # the rotated y label "f(x)"
    edge_plot.screenshot(path=str(artifacts / f"live_plot_labels-{server.flavor}.png"))

    # A reloaded page gets every point again: the new front end asks the kernel for a resync.
    pg.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    pg.reload()
    assert open_notebook(pg, pg.url) == "idle"
    pg.wait_for_function(
        f"() => Number(document.querySelector('.anb-plot')?.dataset.npoints) === {total}",
        timeout=30_000,
    )
    assert pg.locator(".anb-canvas").first.evaluate(COUNT_INK_JS) > 3000
    assert_offline_and_clean(page, r"anb|live_|adaptive|Bokeh")
    shutdown_kernel(pg)
