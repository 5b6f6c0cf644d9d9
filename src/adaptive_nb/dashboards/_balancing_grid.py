"""A BalancingLearner as small multiples, the child with the largest loss framed in red.

Above the plots: the runner's status (in the live widgets' colours) and a Cancel button.
"""

from __future__ import annotations

import math
from typing import Any

import panel as pn

from adaptive_nb.dashboards._common import (
    ERROR_COLOR,
    LearnerPlot,
    Refresher,
    ensure_extension,
    fmt_elapsed,
    fmt_loss,
    push,
    status_html,
)

__all__ = ["BalancingGrid", "balancing_grid"]

#: Frame colour of the child the BalancingLearner will most likely sample next.
WORST = ERROR_COLOR


def _loss(child: Any) -> float:
    try:
        return float(child.loss())
    except Exception:  # a child without data has no loss yet
        return float("nan")


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
        self.plots = [
            LearnerPlot(f"balancing-{i}", width=300, height=210) for i in range(len(self.children))
        ]
        # StaticText, not pane.HTML: in a notebook an HTML pane update re-sends its stylesheets.
        self.summary = pn.widgets.StaticText(value="", margin=(8, 10))
        self.cancel = pn.widgets.Button(label="Cancel runner", color="danger", width=130)
        self.cancel.on_click(lambda _event: self._cancel())
        self.grid = pn.GridBox(*[p.pane for p in self.plots], ncols=ncols)
        self.view = pn.Column(
            pn.pane.Markdown(f"### BalancingLearner: {len(self.children)} learners"),
            pn.Row(self.summary, self.cancel),
            self.grid,
        )
        self.update()
        self.refresher = Refresher(self.view, self.update, update_interval)

    def _cancel(self) -> None:
        self.runner.cancel()
        self.update()

    def update(self) -> bool:
        """Refresh the summary and every child's plot; False once the runner has ended."""
        snap = self.runner.snapshot()
        summary = (
            f"{status_html(snap.status, 'balancing')} &nbsp; "
            f'<span class="an-npoints" data-key="balancing">{snap.npoints}</span> points'
            f" &nbsp; loss {fmt_loss(snap.loss)} &nbsp; {fmt_elapsed(snap.elapsed_time)}"
        )
        if self.summary.value != summary:
            self.summary.value = summary
        self.cancel.disabled = snap.status != "running"
        losses = [_loss(child) for child in self.children]
        finite = [loss for loss in losses if math.isfinite(loss)]
        worst = losses.index(max(finite)) if finite else -1
        for i, (plot, child) in enumerate(zip(self.plots, self.children, strict=True)):
            title = f"{self.labels[i]}: {child.npoints} pts, loss {fmt_loss(losses[i])}"
            plot.update(child, title=title)
            plot.figure.outline_line_color = WORST if i == worst else "#e5e5e5"
            plot.figure.outline_line_width = 3 if i == worst else 1
        push(self.view)
        return bool(snap.status == "running")

    def __panel__(self) -> pn.Column:
        return self.view


def balancing_grid(
    runner: Any, ncols: int = 3, labels: list[str] | None = None, update_interval: float = 1.0
) -> BalancingGrid:
    """Return the grid of ``runner``'s BalancingLearner children.

    Parameters
    ----------
    runner
        A runner on a ``BalancingLearner``.
    ncols
        Plots per row.
    labels
        Optional title of each child.
    update_interval
        Seconds between refreshes.

    Returns
    -------
    BalancingGrid
        A panel ``Viewer``: display it in a notebook, or call ``.servable()`` in an app.
    """
    ensure_extension()
    return BalancingGrid(runner, ncols=ncols, labels=labels, update_interval=update_interval)
