"""LearnerND's plotly figures in a real kernel: HTML output that needs no network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nbrun import run_notebook

CELLS = [
    "import adaptive_nb as adaptive\n"
    "def sphere(xyz):\n"
    "    x, y, z = xyz\n"
    "    return x**2 + y**2 + z**2\n"
    "learner = adaptive.LearnerND(sphere, bounds=[(-1, 1)] * 3)\n"
    "adaptive.runner.simple(learner, npoints_goal=60)",
    "learner.plot_isosurface(0.5)",
    "learner.plot_3D()",
]


@pytest.mark.kernel
def test_plotly_figures_carry_html_and_fetch_nothing(tmp_path: Path) -> None:
    nb = run_notebook(CELLS, tmp_path, timeout=120)
    for cell in nb.cells[1:]:
        html = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
        # the figure itself, rendered as HTML (the reference's output too), not only as
        # plotly's mime type, which only JupyterLab's plotly extension renders
        assert any("Plotly.newPlot" in h for h in html), (cell.source, cell.outputs)
        for h in html:
            assert not re.search(r"<script[^>]+src=[\"']https?://", h), h[:500]
    # plotly.js itself is inlined once, where the first figure is shown
    first = "".join(o["data"].get("text/html", "") for o in nb.cells[1].outputs if "data" in o)
    assert "plotly.js" in first.lower() or len(first) > 1_000_000
