"""Every tutorial's first cell says what to pip install, naming the extras the notebook imports."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# An import in a notebook -> the install extra that brings it.
IMPORTS = {"distributed": "dask", "dask": "dask", "ipyparallel": "ipyparallel",
           "mpi4py": "mpi", "plotly": "plotly"}  # fmt: skip
# Calls that import an extra inside adaptive_nb (LearnerND's 3D plots draw with plotly).
CALLS = {"plot_isosurface": "plotly", "plot_3D": "plotly"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_names_the_extras_the_notebook_needs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    (install,) = re.findall(r"\*\*Install:\*\* (.*)", first.source)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    needed = {
        extra
        for module, extra in IMPORTS.items()
        if re.search(rf"^\s*(import|from) {module}\b", code, re.MULTILINE)
    } | {extra for call, extra in CALLS.items() if re.search(rf"\.{call}\(", code)}
    named = set(re.findall(r"adaptive_nb\[([\w,]+)\]", install)[0].split(",")) if needed else set()
    assert named == needed, install
    if not needed:
        assert "`pip install adaptive_nb` is all this notebook needs" in install
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert named <= set(declared["optional-dependencies"])
