"""Live views of AverageLearner, AverageLearner1D, IntegratorLearner and SequenceLearner, and
live_info's goal progress and ETA, in JupyterLab 4 and Notebook 7 in headless Chromium.

One notebook runs the four learners with ``live_plot`` and ``live_info`` each; the test checks
that every view receives all the data while it runs (and again after a reload), draws it, reads
values under the cursor, and that live_info shows a progress bar, an ETA while running and each
learner's own measure of progress.
"""

from __future__ import annotations

import csv
import io
import json
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
from live_plot_probes import drag

pytestmark = pytest.mark.browser

SETUP = """
import random, time
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import adaptive_nb as adaptive

def draw(seed):
    time.sleep(0.0005)
    return random.Random(seed).gauss(1.0, 1.0)

def noisy(point):
    seed, x = point
    time.sleep(0.0005)
    return x**2 + random.Random(seed).gauss(0, 0.1)

def peak(x):
    time.sleep(0.002)
    return 1 / (1e-4 + (x - 0.3) ** 2)

def square(k):
    time.sleep(0.003)
    return k * k
"""

CELLS = [
    SETUP + "avg = adaptive.AverageLearner(draw, atol=0.01)\n"
    "r_avg = adaptive.Runner(avg, loss_goal=1, executor=ThreadPoolExecutor(2))\n"
    "r_avg.live_info(update_interval=0.1)\nr_avg.live_plot(update_interval=0.1, name='avg')",
    "integ = adaptive.IntegratorLearner(peak, bounds=(0, 1), tol=1e-10)\n"
    "r_int = adaptive.Runner(integ, executor=ThreadPoolExecutor(2))\n"
    "r_int.live_info(update_interval=0.1)\nr_int.live_plot(update_interval=0.1, name='int')",
    "seq = adaptive.SequenceLearner(square, range(600))\n"
    "r_seq = adaptive.Runner(seq, executor=ThreadPoolExecutor(2))\n"
    "r_seq.live_info(update_interval=0.1)\nr_seq.live_plot(update_interval=0.1, name='seq')",
    "avg1 = adaptive.AverageLearner1D(noisy, (-1, 1), min_samples=10, max_samples=100)\n"
    "r_avg1 = adaptive.Runner(avg1, goal=lambda l: l.nsamples >= 1500,"
    " executor=ThreadPoolExecutor(2))\n"
    "r_avg1.live_info(update_interval=0.1)\nr_avg1.live_plot(update_interval=0.1, name='avg1')",
    "for r in (r_avg, r_int, r_seq, r_avg1):\n    await r.task\n"
    "print('DONE', avg.npoints, integ.npoints, seq.npoints, avg1.npoints)\n"
    "import json\nprint('AVG1', json.dumps([[float(x), int(avg1._number_samples[x])]"
    " for x in sorted(avg1.data)]))",
]

COLOUR_JS = """(canvas) => {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let colour = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) colour++;
  }
  return colour;
}"""


def _wait_npoints(pg: Any, nth: int, n: int) -> None:
    pg.wait_for_function(
        f"() => Number(document.querySelectorAll('.anb-plot')[{nth}]?.dataset.npoints) === {n}",
        timeout=30_000,
    )


def _hover(pg: Any, nth: int, fx: float) -> str:
    """Hover read-out at a fraction ``fx`` of the width, mid-height, of the nth plot."""
    canvas = pg.locator(".anb-canvas").nth(nth)
    width = canvas.evaluate("(c) => c.clientWidth")
    canvas.hover(position={"x": 54 + fx * (width - 64), "y": 160})  # scrolls it into view
    tip = pg.locator(".anb-plot").nth(nth).locator(".anb-hover")
    tip.wait_for(state="visible", timeout=5_000)
    text: str = tip.inner_text()
    pg.mouse.move(0, 0)
    return text


def test_learner_views_and_goal_progress(server: Server, page: Any, artifacts: Path) -> None:
    url = server.write_notebook("live_views.ipynb", CELLS)
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    for i in range(4):
        run_cell(pg, i)
    pg.wait_for_selector(".anb-plot >> nth=3", timeout=30_000)
    # While the runs go on: a loss goal gets an ETA from the loss trend, the others a progress.
    pg.wait_for_function(
        "() => /loss_goal=1.0: [\\d.]+ %, ETA \\d+:\\d\\d:[\\d.]+ at [\\d.e+]+ points\\/s/"
        ".test(document.querySelectorAll('.anb-goal')[0]?.textContent ?? '')",
        timeout=20_000,
    )
    run_cell(pg, 4)
    done = re.search(r"DONE (\d+) (\d+) (\d+) (\d+)", cell_output(pg, 4))
    assert done, cell_output(pg, 4)
    counts = [int(g) for g in done.groups()]
    assert counts[2] == 600
    for nth, n in enumerate(counts):
        _wait_npoints(pg, nth, n)
    pg.wait_for_timeout(300)
    for nth in range(4):
        assert pg.locator(".anb-canvas").nth(nth).evaluate(COLOUR_JS) > 500, nth

    # hover read-outs in each learner's own terms
    num = r"-?[\d.]+(e[+-]\d+)?"
    text = _hover(pg, 0, 0.9)
    assert re.fullmatch(rf"samples = \d+\nmean = {num} ± {num}", text), text
    text = _hover(pg, 1, 0.3)
    assert re.fullmatch(rf"x = {num}\ny = {num}", text), text
    text = _hover(pg, 2, 0.5)
    assert re.fullmatch(rf"index = \d+\ny = {num}", text), text
    text = _hover(pg, 3, 0.5)
    assert re.fullmatch(rf"x = {num}\nmean = {num} ± {num}\nsamples = \d+", text), text

    # live_info: each learner's natural loss, goals reached (full bars, no ETA once finished)
    natural = pg.locator(".anb-natural").all_inner_texts()
    assert re.fullmatch(r"mean [\d.]+ ± [\d.e-]+ \(target atol 0.01\)", natural[0]), natural
    assert re.fullmatch(r"igral [\d.]+, err [\d.e-]+ vs tol·\|igral\| [\d.e-]+", natural[1])
    assert natural[2] == "600 / 600 done (100.0 %)"
    assert re.fullmatch(rf"\d+ samples at {counts[3]} points, largest error [\d.e-]+", natural[3])
    goals = pg.locator(".anb-goal").all_inner_texts()
    assert goals[0].startswith("loss_goal=1.0: 100.0 %")
    assert goals[2].startswith("learner.done(): 100.0 %")
    assert goals[3] == "goal=<lambda>"
    assert not any("ETA" in g for g in goals)
    # AverageLearner1D: box zoom (kept until double-click) and its data as CSV
    plot = pg.locator(".anb-plot").nth(3)
    canvas = plot.locator(".anb-canvas")
    canvas.scroll_into_view_if_needed()
    full = json.loads(plot.get_attribute("data-view") or "")[0]
    drag(pg, canvas.bounding_box(), (0.4, 0.2), (0.7, 0.6))
    pg.wait_for_function(
        "() => document.querySelectorAll('.anb-plot')[3].dataset.zoomed === '1'", timeout=5_000
    )
    x0, x1, _, _ = json.loads(plot.get_attribute("data-view") or "")[0]
    assert full[0] < x0 < x1 < full[1]
    box = canvas.bounding_box()
    pg.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_function("() => document.querySelectorAll('.anb-plot')[3].dataset.zoomed === ''")
    with pg.expect_download() as got:
        plot.locator(".anb-export-csv").click()
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text())))
    assert rows[0] == ["x", "avg1", "error", "samples"]  # the output named by name='avg1'
    expected = json.loads(cell_output(pg, 4).split("AVG1", 1)[1])
    assert [[float(r[0]), int(r[3])] for r in rows[1:]] == expected

    for nth, name in enumerate(["average", "integrator", "sequence", "average1d"]):
        cell = pg.locator(".jp-Notebook .jp-Cell").nth(nth)
        cell.screenshot(path=str(artifacts / f"live_views-{name}-{server.flavor}.png"))

    # a reloaded page gets everything again
    pg.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    pg.reload()
    assert open_notebook(pg, pg.url) == "idle"
    for nth, n in enumerate(counts):
        _wait_npoints(pg, nth, n)
    assert_offline_and_clean(page, r"anb|live_|adaptive")
    shutdown_kernel(pg)
