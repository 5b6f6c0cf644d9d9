"""A dashboard from widgets/ inside JupyterLab: renders from inline resources, Cancel works."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import cell_output, jupyter_server, open_notebook, run_cell, shutdown_kernel

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"

CELLS = [
    f"""\
import sys
sys.path.insert(0, {str(WIDGETS)!r})
import time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive
from multi_runner import multi_runner_dashboard

def f(x):
    time.sleep(0.01)
    return x**2

pool = ThreadPoolExecutor(2)
runners = [adaptive.Runner(adaptive.Learner1D(f, bounds=(-1, 1)), executor=pool) for _ in range(2)]
multi_runner_dashboard(runners, update_interval=0.2)""",
    "print('STATUS', *[r.status() for r in runners])\nfor r in runners: r.cancel()",
]


@pytest.mark.browser
def test_multi_runner_dashboard_in_jupyterlab(page: Any, tmp_path: Path) -> None:
    with jupyter_server(tmp_path, "lab") as server:
        url = server.write_notebook("dashboard.ipynb", CELLS)
        pg = page.page
        assert open_notebook(pg, url) == "idle"
        run_cell(pg, 0)
        status = pg.locator('span.an-status[data-key="0"]')
        status.wait_for(timeout=60_000)  # panel's JS came inline with the cell output
        assert status.inner_text() == "running"
        assert pg.locator(".jp-OutputArea canvas").count() >= 1
        pg.get_by_role("button", name="cancel #0").click()
        deadline = time.monotonic() + 15
        while status.inner_text() != "cancelled":
            assert time.monotonic() < deadline, f"status stayed {status.inner_text()!r}"
            time.sleep(0.1)
        run_cell(pg, 1)
        assert "STATUS cancelled running" in cell_output(pg, 1)
        assert page.external() == [], sorted(set(page.external()))
        shutdown_kernel(pg)
