"""adaptive_nb.dashboards inside JupyterLab and Notebook 7: the plots follow the runners live.

The number of points the page draws is read from BokehJS's own documents in the page (the data
sources are named ``an-learner-points-<key>-<line>``): it must grow while the runner runs and
equal the learner's at the end. Nothing may be fetched from outside 127.0.0.1.

The dashboards' front-end code is loaded in the cell before the one that shows a dashboard
(``adaptive_nb.dashboards.extension()``). Loaded in the same cell, the page rendered before that
code had arrived in about 1 display in 6 ("Cannot read properties of undefined (reading
'schema')", no plot); with it loaded a cell earlier, 12 of 12 displays rendered.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import (
    Server,
    open_notebook,
    run_cell,
    shutdown_kernel,
)

pytestmark = pytest.mark.browser

SETUP = """\
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
import adaptive_nb as adaptive
from adaptive_nb.dashboards import balancing_grid, long_run_monitor, multi_runner_dashboard

def f(x, offset=0.1):
    time.sleep(0.04)
    return x + 0.01**2 / (0.01**2 + (x - offset) ** 2)

pool = ThreadPoolExecutor(2)
import adaptive_nb.dashboards
adaptive_nb.dashboards.extension()  # before the cell that shows a dashboard, as documented
"""

CELLS = [
    """\
runner = adaptive.Runner(adaptive.Learner1D(f, bounds=(-1, 1)), npoints_goal=250, executor=pool,
                         shutdown_executor=False)
multi_runner_dashboard([runner], update_interval=0.2)""",
    """\
bal = adaptive.Runner(
    adaptive.BalancingLearner([adaptive.Learner1D(partial(f, offset=o), (-1, 1)) for o in (0, .5)]),
    npoints_goal=250, executor=pool, shutdown_executor=False)
balancing_grid(bal, ncols=2, update_interval=0.2)""",
    """\
mon = adaptive.Runner(adaptive.Learner1D(f, bounds=(-1, 1)), npoints_goal=150, executor=pool,
                      shutdown_executor=False)
long_run_monitor(mon, update_interval=0.2)""",
]

# Points drawn in the page by the sources whose name starts with the prefix (first line of each
# plot only: further lines of a vector-valued learner share its x values); -1 before any exists.
POINTS_JS = """([prefix, suffix]) => {
  const B = window.Bokeh;
  if (!B || !B.documents) return -1;
  const seen = new Set(); let n = 0, found = 0;
  for (const doc of B.documents) for (const m of doc._all_models.values()) {
    const name = m.name ?? '';
    if (!name.startsWith(prefix) || !name.endsWith(suffix) || seen.has(m.id)) continue;
    seen.add(m.id); found++;
    const col = suffix === '' ? 't' : 'x', d = m.data;
    const x = d instanceof Map ? d.get(col) : d[col];
    n += x.length;
  }
  return found ? n : -1;
}"""

LAST_SAMPLE_JS = """() => {
  for (const doc of window.Bokeh.documents) for (const m of doc._all_models.values())
    if (m.name === 'an-history') {
      const d = m.data, n = d instanceof Map ? d.get('npoints') : d.npoints;
      return n[n.length - 1];
    }
  return -1;
}"""

# name prefix, name suffix, status key in the page
PLOTS = {
    "multi": ("an-learner-points-multi-", "-0", "0"),
    "balancing": ("an-learner-points-balancing-", "-0", "balancing"),
    "monitor": ("an-history", "", "monitor"),
}


def _drawn(page: Any, plot: str) -> int:
    prefix, suffix, _ = PLOTS[plot]
    n: int = page.evaluate(POINTS_JS, [prefix, suffix])
    return n


def _grew(counts: list[int]) -> bool:
    return any(b > a > 0 for a, b in itertools.pairwise(counts))


def _status(page: Any, plot: str) -> str:
    key = PLOTS[plot][2]
    text: str = page.locator(f'span.an-status[data-key="{key}"]').first.inner_text()
    return text


@pytest.mark.parametrize("plot", list(PLOTS))
def test_dashboard_plots_live_and_offline(
    plot: str, server: Server, page: Any, artifacts: Path
) -> None:
    index = list(PLOTS).index(plot)
    url = server.write_notebook(f"{plot}.ipynb", [SETUP, CELLS[index]])
    pg = page.page
    assert open_notebook(pg, url) == "idle"
    run_cell(pg, 0)
    run_cell(pg, 1)
    pg.locator(f'span.an-status[data-key="{PLOTS[plot][2]}"]').first.wait_for(timeout=60_000)
    # Sample the plot while its runner runs: the count drawn must grow before it ends.
    counts: list[int] = []
    deadline = time.monotonic() + 60
    while _status(pg, plot) == "running":
        assert time.monotonic() < deadline, counts
        counts.append(_drawn(pg, plot))
        time.sleep(0.1)
    assert _grew(counts), f"{plot}: the page's count did not grow: {counts}; {page.errors}"

    # The learner's point count as the kernel reports it in the dashboard's own table.
    if plot == "multi":
        row = pg.locator(".tabulator-row", has=pg.locator('span.an-status[data-key="0"]'))
        expected = int(row.locator('[tabulator-field="points"]').inner_text())
        assert pg.locator(".tabulator").count() == 1  # the runners table is a real Tabulator
    else:
        expected = int(pg.locator(f'span.an-npoints[data-key="{plot}"]').inner_text())
    # At least the goal (the balancing goal is each child's, 2 x 250): results in flight when the
    # goal is reached are told too, never thrown away.
    goal = {"multi": 250, "balancing": 500, "monitor": 150}[plot]
    assert expected >= goal
    js, arg = (LAST_SAMPLE_JS, None) if plot == "monitor" else (POINTS_JS, list(PLOTS[plot][:2]))
    deadline = time.monotonic() + 30
    while (drawn := pg.evaluate(js, arg)) != expected:  # every point is drawn at the end
        assert time.monotonic() < deadline, (drawn, expected)
        time.sleep(0.2)
    pg.locator(".jp-Notebook").screenshot(path=str(artifacts / f"{plot}-{server.flavor}.png"))
    assert page.external() == [], sorted(set(page.external()))
    shutdown_kernel(pg)
