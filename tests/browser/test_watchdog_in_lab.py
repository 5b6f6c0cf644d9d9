"""The busy-loop watchdog in JupyterLab (headless Chromium): the warning reaches the running cell.

ipykernel's IOPub thread delivers the warning while the cell still busy-waits; the kernel is then
interrupted from the page, the runner resumes and the watchdog thread parks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jupyter_harness import (
    cell_output,
    interrupt_kernel,
    jupyter_server,
    kernel_status,
    open_notebook,
    run_cell,
    shutdown_kernel,
    wait_for_output,
)

from _support.watchdog_notebook import CELLS


@pytest.mark.browser
def test_warning_shows_in_the_running_cell_in_jupyterlab(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ADAPTIVE_NB_WATCHDOG", raising=False)  # the notebook configures it
    with jupyter_server(tmp_path, "lab") as server:
        url = server.write_notebook("watchdog.ipynb", CELLS)
        pg = page.page
        assert open_notebook(pg, url) == "idle"
        run_cell(pg, 0)
        assert "watching True" in cell_output(pg, 0)

        run_cell(pg, 1, wait=False)  # fire and forget: the busy loop never ends by itself
        wait_for_output(pg, 1, "KernelBlockedWarning")
        assert kernel_status(pg) == "busy"  # shown while the cell is still running
        assert "await runner.task" in cell_output(pg, 1)

        interrupt_kernel(pg)
        wait_for_output(pg, 1, "KeyboardInterrupt")
        run_cell(pg, 2)
        after = cell_output(pg, 2)
        assert "runner advanced: True" in after
        assert "parked: True" in after
        assert page.external() == [], sorted(set(page.external()))
        shutdown_kernel(pg)
