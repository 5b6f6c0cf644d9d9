"""BalancingLearner grid: one small plot per child learner, the child with the largest loss marked.

In a notebook::

    import sys; sys.path.insert(0, "widgets")          # the folder holding this file
    from balancing_grid import balancing_grid
    balancing_grid(runner)                              # runner.learner is a BalancingLearner

As an app (binds 127.0.0.1, serves every asset itself, starts a demo runner)::

    python widgets/serve.py balancing_grid
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import panel as pn

sys.path.insert(0, str(Path(__file__).resolve().parent))  # panel serve runs this file as a script
from _common import (
    ERROR_COLOR,
    LearnerPlot,
    cell_html,
    ensure_extension,
    fmt_elapsed,
    fmt_loss,
    start_updates,
    status_html,
)

WORST = ERROR_COLOR


class BalancingGrid(pn.viewable.Viewer):
    """Small multiples of a BalancingLearner's children, with the runner's status and Cancel.

    Parameters
    ----------
    runner
        A runner whose ``learner`` is a ``BalancingLearner`` (or has ``learners``).
    ncols
        Plots per row.
    labels
        Optional title of each child (for example from ``adaptive_nb.utils.named_product``).
    update_interval
        Seconds between refreshes.
    """

    def __init__(
        self,
        runner: Any,
        ncols: int = 3,
        labels: list[str] | None = None,
        update_interval: float = 1.0,
    ) -> None:
        super().__init__()
        children = getattr(runner.learner, "learners", None)
        if children is None:
            msg = (
                f"balancing_grid needs a runner on a BalancingLearner, got one on a "
                f"{type(runner.learner).__name__}; use multi_runner_dashboard for other learners"
            )
            raise TypeError(msg)
        self.runner = runner
        self.children = list(children)
        self.labels = labels or [f"learner {i}" for i in range(len(self.children))]
        self.plots = [LearnerPlot(width=300, height=200) for _ in self.children]
        self.summary = pn.widgets.StaticText(value="", margin=(4, 5))  # see multi_runner._Row
        self.cancel = pn.widgets.Button(label="cancel runner", width=120, color="danger")
        self.cancel.on_click(lambda _event: self._cancel())
        self.grid = pn.GridBox(*[p.pane for p in self.plots], ncols=ncols)
        self.view = pn.Column(
            pn.pane.Markdown(f"### BalancingLearner: {len(self.children)} learners"),
            pn.Row(self.summary, self.cancel),
            self.grid,
        )
        self.update()
        self.callback = start_updates(self.update, update_interval)

    def _cancel(self) -> None:
        self.runner.cancel()
        self.cancel.disabled = True

    def update(self) -> None:
        """Refresh the summary and every child's plot (called periodically)."""
        snap = self.runner.snapshot()
        self.summary.value = (
            f"{status_html(snap.status, 'balancing')} &nbsp; "
            f"{cell_html(str(snap.npoints), 'an-npoints', 'balancing')} points &nbsp; "
            f"loss {cell_html(fmt_loss(snap.loss), 'an-loss', 'balancing')} &nbsp; "
            f"{fmt_elapsed(snap.elapsed_time)}"
        )
        self.cancel.disabled = snap.status != "running"
        losses = []
        for child in self.children:
            try:
                losses.append(float(child.loss()))
            except Exception:  # a child without data has no loss yet
                losses.append(float("nan"))
        finite = [loss for loss in losses if math.isfinite(loss)]
        worst = losses.index(max(finite)) if finite else -1
        for i, (plot, child) in enumerate(zip(self.plots, self.children, strict=True)):
            title = f"{self.labels[i]}: {child.npoints} pts, loss {fmt_loss(losses[i])}"
            plot.update(child, title=title)
            plot.figure.outline_line_color = WORST if i == worst else "#e5e5e5"
            plot.figure.outline_line_width = 3 if i == worst else 1

    def __panel__(self) -> pn.Column:
        return self.view


def balancing_grid(
    runner: Any, ncols: int = 3, labels: list[str] | None = None, update_interval: float = 1.0
) -> BalancingGrid:
    """Return the grid, a panel ``Viewer``: display it in a notebook, or ``.servable()``."""
    ensure_extension()
    return BalancingGrid(runner, ncols=ncols, labels=labels, update_interval=update_interval)


def _demo_runner() -> tuple[Any, list[str]]:
    """A BalancingLearner over six peak positions, for the served app."""
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    from _common import demo_functions

    import adaptive_nb as adaptive

    peak = demo_functions()[0]
    offsets = [-0.6, -0.3, 0.0, 0.2, 0.4, 0.7]
    learners = [adaptive.Learner1D(partial(peak, offset=o), bounds=(-1, 1)) for o in offsets]
    runner = adaptive.Runner(
        adaptive.BalancingLearner(learners),
        goal=lambda learner: learner.npoints >= 6000,
        executor=ThreadPoolExecutor(4),
    )
    return runner, [f"offset={o}" for o in offsets]


if pn.state.served:
    runner, labels = pn.state.as_cached("adaptive_nb-balancing-demo", _demo_runner)
    BalancingGrid(runner, labels=labels).servable(title="adaptive_nb BalancingLearner")
