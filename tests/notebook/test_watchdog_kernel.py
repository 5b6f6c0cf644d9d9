"""The busy-loop watchdog in a real ipykernel (nbclient).

A cell busy-waits on a runner; the warning must appear in *that* cell's output while it is still
running (ipykernel's IOPub thread delivers it), the kernel is then interrupted, and the runner
resumes. The same notebook in JupyterLab: ``tests/browser/test_watchdog_in_lab.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from _support.watchdog_notebook import BUSY, CELLS

ROOT = Path(__file__).resolve().parents[2]


def _notebook(cells: list[str]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    for cell in nb.cells:
        if cell.source == BUSY:  # the interrupt raises KeyboardInterrupt
            cell.metadata["tags"] = ["raises-exception"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


def _execute(nb: nbformat.NotebookNode, tmp_path: Path) -> None:
    """Run ``nb``, interrupting the busy cell after 3 s (it never ends by itself)."""
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        timeout_func=lambda cell: 3 if BUSY in cell.source else 60,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels import adaptive_nb from this checkout."""
    src = str(ROOT / "src")
    paths = [src, os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.delenv("ADAPTIVE_NB_WATCHDOG", raising=False)


def _text(cell: nbformat.NotebookNode, stream: str | None = None) -> str:
    streams = [o for o in cell.outputs if o.output_type == "stream"]
    return "".join(o.text for o in streams if stream in (None, o.name))


@pytest.mark.kernel
def test_busy_cell_gets_the_warning_and_runner_resumes(kernel_env: None, tmp_path: Path) -> None:
    nb = _notebook(CELLS)
    _execute(nb, tmp_path)
    assert "watching True blocked False" in _text(nb.cells[0])

    busy = nb.cells[1]
    stderr = _text(busy, "stderr")
    assert "KernelBlockedWarning" in stderr, busy.outputs
    assert "The kernel's event loop has been blocked for" in stderr
    assert "await runner.task" in stderr
    assert "BlockingRunner" in stderr
    assert BUSY in stderr  # the warning points at the user's line and shows it
    assert stderr.count("KernelBlockedWarning") == 1  # once per blocked episode
    assert any(o.output_type == "error" and o.ename == "KeyboardInterrupt" for o in busy.outputs)

    after = _text(nb.cells[2])
    assert "blocked after interrupt: False" in after
    assert "runner advanced: True" in after
    assert "parked: True watching: False" in after


PLAIN = """\
import time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive

def f(x):
    time.sleep(0.005)
    return x**2

# No notebook_extension(), no widget, no %load_ext: the watchdog must still be there.
runner = adaptive.Runner(adaptive.Learner1D(f, bounds=(-1, 1)), executor=ThreadPoolExecutor(2))"""


@pytest.mark.kernel
def test_watchdog_needs_no_notebook_extension(
    kernel_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "0.5")
    nb = _notebook([PLAIN, BUSY])
    _execute(nb, tmp_path)
    stderr = _text(nb.cells[1], "stderr")
    assert "KernelBlockedWarning" in stderr, nb.cells[1].outputs
    assert "await runner.task" in stderr
