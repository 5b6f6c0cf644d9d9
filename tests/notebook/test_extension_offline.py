"""notebook_extension(): holoviews plots and panel objects carry their CSS inline, no CDN link.

The browser test (tests/browser/test_tutorials_offline.py) checks the page's requests; this one
checks the kernel's outputs themselves, in a few seconds and without a browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nbrun import run_notebook

CDN = re.compile(r"https?://cdn\.[\w.-]+/\S*?\.(?:css|js)")

CELLS = [
    "import adaptive_nb as adaptive\nadaptive.notebook_extension()",
    "learner = adaptive.Learner1D(abs, bounds=(-1, 1))\n"
    "adaptive.BlockingRunner(learner, npoints_goal=20)\nlearner.plot()",
    "(learner.plot() + learner.plot()).opts(shared_axes=False)",
    "import panel as pn\npn.Column(pn.pane.Markdown('# hi'), pn.widgets.Button(label='go'))",
]


@pytest.mark.kernel
def test_outputs_after_notebook_extension_link_no_cdn(tmp_path: Path) -> None:
    nb = run_notebook(CELLS, tmp_path, timeout=120)
    for i, cell in enumerate(nb.cells[1:], 1):
        html = "".join(str(o.get("data", {}).get("text/html", "")) for o in cell.outputs)
        assert html, f"cell {i} displayed nothing"
        assert "InlineStyleSheet" in html  # the stylesheets travel with the output
        assert CDN.findall(html) == [], f"cell {i}"
