"""Every runner of the kernel in one sortable table, a Cancel button per running row, a plot."""

from __future__ import annotations

from typing import Any

import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import ScientificFormatter

from adaptive_nb.dashboards._common import (
    BUTTON_CSS,
    LearnerPlot,
    Refresher,
    describe,
    ensure_extension,
    fmt_elapsed,
    push,
    status_html,
    title_of,
)
from adaptive_nb.runner import active_runners

__all__ = ["MultiRunnerDashboard", "multi_runner_dashboard"]

COLUMNS = ["runner", "status", "points", "loss", "elapsed", "action"]
CANCEL_HTML = '<button class="an-button an-cancel" data-key="{key}">Cancel</button>'


class MultiRunnerDashboard(pn.viewable.Viewer):
    """A sortable table of runners (status, points, loss, elapsed, Cancel) and one runner's plot.

    Click a row to plot that runner; click its Cancel button to cancel it.

    Parameters
    ----------
    runners
        The runners to show. ``None`` follows ``adaptive_nb.runner.active_runners()``: new
        runners appear as they start, and ended ones stay listed with their final status.
    update_interval
        Seconds between refreshes.
    """

    def __init__(self, runners: list[Any] | None = None, update_interval: float = 0.5) -> None:
        super().__init__()
        self._follow = runners is None
        self._runners: list[Any] = []
        self.selected: int | None = None
        self.table = pn.widgets.Tabulator(
            self._frame(),
            show_index=False,
            disabled=True,  # no cell editing: the table reports, the buttons act
            selectable=False,
            sortable=True,
            layout="fit_data_table",
            formatters={
                "status": {"type": "html"},
                "action": {"type": "html"},
                "loss": ScientificFormatter(precision=3, nan_format="-"),
            },
            text_align={"points": "right", "loss": "right", "elapsed": "right"},
            titles={"action": ""},
            stylesheets=[BUTTON_CSS],
            sizing_mode="stretch_width",
            min_height=80,
        )
        self.table.on_click(self._on_click)
        self.cancel_all = pn.widgets.Button(label="Cancel all running", color="danger", width=170)
        self.cancel_all.on_click(lambda _event: self._cancel_all())
        self.plot = LearnerPlot("multi", title="click a row to plot its runner")
        self.view = pn.Column(
            pn.Row(pn.pane.Markdown("### adaptive_nb runners", margin=(0, 10)), self.cancel_all),
            self.table,
            self.plot.pane,
            sizing_mode="stretch_width",
            max_width=900,
        )
        for runner in runners or []:
            self._add(runner)
        self.update()
        # Runners are discovered on every tick, shown or not: one that starts and ends before
        # the dashboard is on a page still gets its row.
        self.refresher = Refresher(
            self.view, self.update, update_interval, always=self._discover if self._follow else None
        )

    # -- the table ---------------------------------------------------------------------------

    def _row(self, key: int) -> dict[str, Any]:
        runner = self._runners[key]
        snap = runner.snapshot()
        running = snap.status == "running"
        return {
            "runner": f"#{key} {describe(runner.learner)}",
            "status": status_html(snap.status, str(key)),
            "points": snap.npoints,
            "loss": float("nan") if snap.loss is None else float(snap.loss),
            "elapsed": fmt_elapsed(snap.elapsed_time),
            "action": CANCEL_HTML.format(key=key) if running else "",
        }

    def _frame(self) -> pd.DataFrame:
        rows = [self._row(key) for key in range(len(self._runners))]
        return pd.DataFrame(rows, columns=COLUMNS)

    def _add(self, runner: Any) -> None:
        if any(r is runner for r in self._runners):
            return
        self._runners.append(runner)
        if self.selected is None:
            self.selected = len(self._runners) - 1

    def _discover(self) -> None:
        for runner in active_runners():
            self._add(runner)

    def _on_click(self, event: Any) -> None:
        key = int(event.row)  # the frame's index is the runner's key (rows are only appended)
        if event.column == "action":
            self._runners[key].cancel()
        else:
            self.select(key)
        self.update()

    def _cancel_all(self) -> None:
        for runner in self._runners:
            runner.cancel()
        self.update()

    # -- public ------------------------------------------------------------------------------

    def runners(self) -> list[Any]:
        """Return the runners in the table, in the order they were added."""
        return list(self._runners)

    def select(self, key: int | str) -> None:
        """Plot runner ``#key``."""
        self.selected = int(key)
        self._update_plot()
        push(self.view)

    def _update_plot(self) -> None:
        if self.selected is None or self.selected >= len(self._runners):
            return
        learner = self._runners[self.selected].learner
        n = self.plot.update(learner)
        title_of(self.plot.figure).text = f"#{self.selected} {describe(learner)}: {n} points"

    def update(self) -> bool:
        """Refresh the table and the plot; False once no listed runner runs (and none can come)."""
        if self._follow:
            self._discover()
        frame = self._frame()
        current = self.table.value
        if len(frame) != len(current):
            self.table.value = frame
        else:  # patch the changed rows only: keeps the user's sorting and scroll position
            changed = [i for i in range(len(frame)) if not frame.iloc[i].equals(current.iloc[i])]
            if changed:
                self.table.patch(frame.iloc[changed])
        self.cancel_all.disabled = not any(r.status() == "running" for r in self._runners)
        self._update_plot()
        push(self.view)
        return self._follow or self.cancel_all.disabled is False

    def __panel__(self) -> pn.Column:
        return self.view


def multi_runner_dashboard(
    runners: list[Any] | None = None, update_interval: float = 0.5
) -> MultiRunnerDashboard:
    """Return the dashboard of ``runners`` (default: every runner of this kernel).

    Parameters
    ----------
    runners
        The runners to show; ``None`` follows ``adaptive_nb.runner.active_runners()``.
    update_interval
        Seconds between refreshes.

    Returns
    -------
    MultiRunnerDashboard
        A panel ``Viewer``: display it in a notebook, or call ``.servable()`` in an app.
    """
    ensure_extension()
    return MultiRunnerDashboard(runners, update_interval)
