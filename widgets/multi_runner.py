"""Multi-runner dashboard: every runner in one table, a Cancel button each, the selected one's plot.

In a notebook::

    import sys; sys.path.insert(0, "widgets")          # the folder holding this file
    from multi_runner import multi_runner_dashboard
    multi_runner_dashboard()         # follows adaptive_nb.runner.active_runners()

As an app (binds 127.0.0.1, serves every asset itself, starts three demo runners)::

    python widgets/serve.py multi_runner
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import panel as pn

sys.path.insert(0, str(Path(__file__).resolve().parent))  # panel serve runs this file as a script
from _common import (
    LearnerPlot,
    cell_html,
    describe,
    ensure_extension,
    fmt_elapsed,
    fmt_loss,
    start_updates,
    status_html,
)

from adaptive_nb.runner import active_runners

COLUMNS = [("runner", 220), ("status", 90), ("points", 70), ("loss", 80), ("elapsed", 80)]


class _Row:
    def __init__(self, dashboard: MultiRunnerDashboard, key: str, runner: Any) -> None:
        self.runner = runner
        self.key = key
        # StaticText, not pane.HTML: in a notebook, updating an HTML pane re-sends its stylesheets
        # as CDN links (panel 1.9), which fail offline; a StaticText update sends only its text.
        self.cells = [pn.widgets.StaticText(value="", width=w, margin=(4, 5)) for _, w in COLUMNS]
        self.cells[0].value = cell_html(f"#{key} {describe(runner.learner)}", "an-name", key)
        self.show = pn.widgets.Button(label=f"show #{key}", width=80, color="light")
        self.cancel = pn.widgets.Button(label=f"cancel #{key}", width=90, color="danger")
        self.show.on_click(lambda _event: dashboard.select(key))
        self.cancel.on_click(lambda _event: self._cancel())
        self.view = pn.Row(*self.cells, self.show, self.cancel)

    def _cancel(self) -> None:
        self.runner.cancel()
        self.cancel.disabled = True

    def update(self) -> None:
        snap = self.runner.snapshot()
        texts = [
            None,
            status_html(snap.status, self.key),
            cell_html(str(snap.npoints), "an-npoints", self.key),
            cell_html(fmt_loss(snap.loss), "an-loss", self.key),
            cell_html(fmt_elapsed(snap.elapsed_time), "an-elapsed", self.key),
        ]
        for cell, text in zip(self.cells, texts, strict=True):
            if text is not None and cell.value != text:
                cell.value = text
        self.cancel.disabled = snap.status != "running"


class MultiRunnerDashboard(pn.viewable.Viewer):
    """A table of runners (status, points, loss, elapsed, Cancel) and the selected runner's plot.

    Parameters
    ----------
    runners
        The runners to show. ``None`` follows ``adaptive_nb.runner.active_runners()``: new runners
        appear as they start, and ended ones stay listed with their final status.
    update_interval
        Seconds between refreshes.
    """

    def __init__(self, runners: list[Any] | None = None, update_interval: float = 0.5) -> None:
        super().__init__()
        self._follow = runners is None
        self.rows: dict[str, _Row] = {}
        self._ids: dict[int, str] = {}
        self.selected: str | None = None
        header = pn.Row(
            *[pn.pane.HTML(f"<b>{name}</b>", width=w, margin=(4, 5)) for name, w in COLUMNS]
        )
        self.table = pn.Column(header)
        self.plot = LearnerPlot(title="select a runner")
        self.view = pn.Column(
            pn.pane.Markdown("### adaptive_nb runners"), self.table, self.plot.pane
        )
        for runner in runners or []:
            self._add(runner)
        self.update()
        self.callback = start_updates(self.update, update_interval)

    def _add(self, runner: Any) -> None:
        if id(runner) in self._ids:
            return
        key = str(len(self.rows))
        self._ids[id(runner)] = key
        row = _Row(self, key, runner)
        self.rows[key] = row
        self.table.append(row.view)
        if self.selected is None:
            self.selected = key

    def select(self, key: str) -> None:
        """Show runner ``#key`` in the plot."""
        self.selected = key
        self._update_plot()

    def runners(self) -> list[Any]:
        """The runners in the table, in the order they were added."""
        return [row.runner for row in self.rows.values()]

    def _update_plot(self) -> None:
        row = self.rows.get(self.selected or "")
        if row is None:
            return
        n = self.plot.update(row.runner.learner)
        self.plot.figure.title.text = f"#{row.key} {describe(row.runner.learner)}: {n} points"

    def update(self) -> None:
        """Refresh every row and the plot (called periodically)."""
        if self._follow:
            for runner in active_runners():
                self._add(runner)
        for row in self.rows.values():
            row.update()
        self._update_plot()

    def __panel__(self) -> pn.Column:
        return self.view


def multi_runner_dashboard(
    runners: list[Any] | None = None, update_interval: float = 0.5
) -> MultiRunnerDashboard:
    """Return the dashboard, a panel ``Viewer``: display it in a notebook, or ``.servable()``."""
    ensure_extension()
    return MultiRunnerDashboard(runners, update_interval)


def _demo_runners() -> list[Any]:
    """Three goal-less-looking runners (stopped at 3000 points) for the served app."""
    from concurrent.futures import ThreadPoolExecutor

    from _common import demo_functions

    import adaptive_nb as adaptive

    pool = ThreadPoolExecutor(4)
    return [
        adaptive.Runner(
            adaptive.Learner1D(f, bounds=(-1, 1)),
            goal=lambda learner: learner.npoints >= 3000,
            executor=pool,
            shutdown_executor=False,
        )
        for f in demo_functions()
    ]


if pn.state.served:
    runners = pn.state.as_cached("adaptive_nb-multi-runner-demo", _demo_runners)
    MultiRunnerDashboard(runners).servable(title="adaptive_nb runners")
