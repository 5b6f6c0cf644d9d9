"""Every tutorial in notebooks/ runs top to bottom in a real ipykernel without an error.

Cells tagged ``raises-exception`` must raise (they show a mistake on purpose); any other error
fails the test with the cell's traceback. The notebooks' own ``assert`` cells check what the text
promises.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
TUTORIALS = [
    "quickstart",
    "learner1d",
    "balancing-and-datasaver",
    "runners-and-executors",
    "widgets-and-dashboards",
    "do-not-block-the-kernel",
    "magic",
]
# Executed, with assertions on what it promises, by tests/notebooks/test_advanced_topics.py.
TESTED_ELSEWHERE = {"advanced-topics"}


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels (and the subprocesses they start, e.g. mpiexec) import adaptive_nb from here."""
    paths = [str(ROOT / "src"), os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.delenv("ADAPTIVE_NB_WATCHDOG", raising=False)


def test_every_notebook_is_tested() -> None:
    found = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert found - TESTED_ELSEWHERE == set(TUTORIALS)


def test_tutorials_are_committed_without_outputs() -> None:
    for name in TUTORIALS:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{name}: clear the outputs before committing"
                assert cell.execution_count is None, name


@pytest.mark.kernel
@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs(name: str, kernel_env: None) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # cwd, so ../widgets resolves
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on any unexpected error
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            # an exception shows as an error output; IPython's UsageError as one stderr line
            shown = [o for o in cell.outputs if o.output_type == "error"] + [
                o for o in cell.outputs if o.get("name") == "stderr" and "UsageError" in o.text
            ]
            assert shown, f"{name}: this cell should show an error:\n{cell.source}"
    if name == "do-not-block-the-kernel":  # the page promises exactly one warning, where it blocks
        warned = [
            c.source
            for c in nb.cells
            if c.cell_type == "code"
            and any("KernelBlockedWarning" in o.get("text", "") for o in c.outputs)
        ]
        assert len(warned) == 1, warned
        assert "time.sleep(1.5)" in warned[0]
    print(f"{name}: {elapsed:.1f} s")
