"""Every tutorial in notebooks/ runs top to bottom when downloaded alone.

Each .ipynb is copied into an empty folder and executed in a real ipykernel of a fresh virtual
environment that has adaptive_nb[all] installed from its wheel (tests/notebooks/conftest.py). Cells
tagged ``raises-exception`` must raise (they show a mistake on purpose); any other error fails the
test with the cell's traceback. The notebooks' own ``assert`` cells check what the text promises.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from wheel_kernel import NOTEBOOKS, RUN_TIMES, WheelKernel

TUTORIALS = [
    "quickstart",
    "learner1d",
    "learner2d",
    "more-learners",
    "balancing-and-datasaver",
    "runners-and-executors",
    "widgets-and-dashboards",
    "do-not-block-the-kernel",
    "magic",
]
# Executed from a downloaded copy too, with assertions on what it promises, by
# tests/notebooks/test_advanced_topics.py.
TESTED_ELSEWHERE = {"advanced-topics"}
# The extras a tutorial needs beyond `pip install adaptive_nb`; its first cell must name them.
EXTRAS = {
    "runners-and-executors": "adaptive_nb[dask,ipyparallel,mpi]",
    "learner2d": "adaptive_nb[plotly]",
}


def test_every_notebook_is_tested() -> None:
    found = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert found - TESTED_ELSEWHERE == set(TUTORIALS)


@pytest.mark.parametrize("name", [*TUTORIALS, *TESTED_ELSEWHERE])
def test_first_cell_says_what_to_install(name: str) -> None:
    first = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4).cells[0]
    assert first.cell_type == "markdown"
    [install] = re.findall(r"\*\*Install:\*\* (.*)", first.source)
    if name in EXTRAS:
        assert f'`pip install "{EXTRAS[name]}"`' in install, install
    else:
        assert "`pip install adaptive_nb` is all this notebook needs" in install, install


@pytest.mark.slow
@pytest.mark.kernel
@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_downloaded(name: str, wheel_kernel: WheelKernel, tmp_path: Path) -> None:
    nb, elapsed = wheel_kernel.run(name, tmp_path / "download")
    RUN_TIMES[name] = elapsed
    for cell in nb.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            # an exception shows as an error output; IPython's UsageError as one stderr line
            shown = [o for o in cell.outputs if o.output_type == "error"] + [
                o for o in cell.outputs if o.get("name") == "stderr" and "UsageError" in o.text
            ]
            assert shown, f"{name}: this cell should show an error:\n{cell.source}"
        elif cell.cell_type == "code":
            # no stray warnings or raw reprs of runner internals in what the reader sees
            for out in cell.outputs:
                text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
                assert "<Task " not in text, (cell.source, text)
                assert "CancelledError" not in text, (cell.source, text)
                if name != "do-not-block-the-kernel":
                    # the one warning a page may show: a runner created without a goal on purpose
                    text = text.replace("RunnerWarning: No goal given", "")
                    assert "Warning" not in text, (cell.source, text)
    if name == "do-not-block-the-kernel":  # the page promises exactly one warning, where it blocks
        warned = [
            c.source
            for c in nb.cells
            if c.cell_type == "code"
            and any("KernelBlockedWarning" in o.get("text", "") for o in c.outputs)
        ]
        assert len(warned) == 1, warned
        assert "time.sleep(1.5)" in warned[0]
