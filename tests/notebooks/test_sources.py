"""The tutorials' text sources (notebooks/*.py, jupytext percent format) and the committed
.ipynb files users download hold the same cells.

Edit either side in Jupyter (jupytext keeps the pair in sync through notebooks/jupytext.toml), or
edit the .py and run ``jupytext --sync notebooks/*.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOURCES = sorted(p.stem for p in NOTEBOOKS.glob("*.py"))


def cells(nb: Any) -> list[tuple[str, str, list[str]]]:
    """What a reader sees of each cell: its kind, its text and its tags (tests select by tag)."""
    return [(c.cell_type, c.source, sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_has_a_text_source() -> None:
    assert SOURCES
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == set(SOURCES)


@pytest.mark.parametrize("name", SOURCES)
def test_notebook_matches_its_source(name: str) -> None:
    source = jupytext.read(NOTEBOOKS / f"{name}.py")
    committed = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert cells(committed) == cells(source), (
        f"notebooks/{name}.ipynb differs from notebooks/{name}.py: "
        f"run `jupytext --sync notebooks/{name}.py` (or save the notebook in Jupyter with jupytext)"
    )
    # a pair made with notebooks/jupytext.toml: opening either file in Jupyter keeps both
    assert committed.metadata["jupytext"]["formats"] == "ipynb,py:percent"


@pytest.mark.parametrize("name", SOURCES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: clear the outputs before committing"
            assert cell.execution_count is None, name
