"""Long-run monitor: one runner's health over hours (saving, failures, the kernel watchdog).

Shows the status, points, loss and its history, failed points, periodic saving (last save time
and the last save error, in red) and the busy-loop watchdog's state, with a Cancel button.

In a notebook::

    import sys; sys.path.insert(0, "widgets")          # the folder holding this file
    from long_run_monitor import long_run_monitor
    runner.start_periodic_saving(save_kwargs={"fname": "data/run.pickle"}, interval=60)
    long_run_monitor(runner)

As an app (binds 127.0.0.1, serves every asset itself, starts a demo runner that saves to a
temporary folder every 2 s)::

    python widgets/serve.py long_run_monitor
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

sys.path.insert(0, str(Path(__file__).resolve().parent))  # panel serve runs this file as a script
from _common import (
    ERROR_COLOR,
    cell_html,
    ensure_extension,
    fmt_elapsed,
    fmt_loss,
    start_updates,
    status_html,
)

from adaptive_nb.notebook import watchdog


def _ago(timestamp: float | None, now: float) -> str:
    if timestamp is None:
        return "never"
    clock = time.strftime("%H:%M:%S", time.localtime(timestamp))
    return f"{clock} ({fmt_elapsed(max(0.0, now - timestamp))} ago)"


def watchdog_text() -> str:
    """The busy-loop watchdog's state in a few words."""
    state = watchdog.state()
    if not state.enabled:
        return "off"
    if state.blocked:
        return f"KERNEL BLOCKED for {state.lag:.1f} s"
    text = (
        f"ok (loop ticking; warns after {state.threshold:g} s)"
        if state.watching
        else f"idle (no watched runner; threshold {state.threshold:g} s)"
    )
    if state.n_blocks and state.last_block_time is not None:
        # The monitor itself runs on the event loop, so it cannot redraw during a block; it
        # shows the record afterwards, which is what matters on a run that takes hours.
        at = time.strftime("%H:%M:%S", time.localtime(state.last_block_time))
        text += f"; blocked {state.n_blocks}x, last at {at} for {state.last_block_duration:.1f} s"
    return text


class LongRunMonitor(pn.viewable.Viewer):
    """Status, saving, failures and watchdog of one long runner, plus its loss over time.

    Parameters
    ----------
    runner
        The runner to monitor.
    update_interval
        Seconds between refreshes.
    history
        Number of (time, loss) samples kept for the plot.
    """

    def __init__(self, runner: Any, update_interval: float = 1.0, history: int = 3600) -> None:
        super().__init__()
        self.runner = runner
        self.history = history
        self.table = pn.widgets.StaticText(value="", margin=(4, 5), width=520)  # see multi_runner
        self.cancel = pn.widgets.Button(label="cancel runner", width=120, color="danger")
        self.cancel.on_click(lambda _event: self._cancel())
        self.source = ColumnDataSource({"t": [], "loss": [], "npoints": []})
        self.figure = figure(
            title="loss over time",
            width=520,
            height=220,
            x_axis_label="elapsed (s)",
            y_axis_type="log",
            tools="pan,wheel_zoom,reset,hover",
        )
        self.figure.toolbar.logo = None
        self.figure.line("t", "loss", source=self.source, line_width=2)
        self.view = pn.Column(
            pn.pane.Markdown("### Long-run monitor"),
            pn.Row(self.table, self.cancel),
            pn.pane.Bokeh(self.figure),
        )
        self.update()
        self.callback = start_updates(self.update, update_interval)

    def _cancel(self) -> None:
        self.runner.cancel()
        self.cancel.disabled = True

    def update(self) -> None:
        """Refresh the table and append a loss sample (called periodically)."""
        snap = self.runner.snapshot()
        now = time.time()
        save_error = snap.last_save_error
        rows = [
            ("status", status_html(snap.status, "monitor")),
            ("elapsed", fmt_elapsed(snap.elapsed_time)),
            ("points", cell_html(str(snap.npoints), "an-npoints", "monitor")),
            ("loss", cell_html(fmt_loss(snap.loss), "an-loss", "monitor")),
            ("pending / failed", f"{snap.n_pending} / {snap.n_failed}"),
            ("last save", cell_html(_ago(snap.last_save_time, now), "an-last-save", "monitor")),
            (
                "save error",
                cell_html(save_error or "none", "an-save-error", "monitor")
                if not save_error
                else f'<span class="an-save-error" style="color:{ERROR_COLOR}">{save_error}</span>',
            ),
            ("watchdog", cell_html(watchdog_text(), "an-watchdog", "monitor")),
        ]
        if snap.error:
            rows.append(("error", f'<span style="color:{ERROR_COLOR}">{snap.error}</span>'))
        self.table.value = (
            "<table>"
            + "".join(
                f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{v}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        self.cancel.disabled = snap.status != "running"
        if snap.loss is not None and snap.loss > 0:
            self.source.stream(
                {"t": [snap.elapsed_time], "loss": [snap.loss], "npoints": [snap.npoints]},
                rollover=self.history,
            )

    def __panel__(self) -> pn.Column:
        return self.view


def long_run_monitor(
    runner: Any, update_interval: float = 1.0, history: int = 3600
) -> LongRunMonitor:
    """Return the monitor, a panel ``Viewer``: display it in a notebook, or ``.servable()``."""
    ensure_extension()
    return LongRunMonitor(runner, update_interval=update_interval, history=history)


def _demo_runner() -> Any:
    """A slow Learner1D run that saves every 2 s into a temporary folder, for the served app."""
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from _common import demo_functions

    import adaptive_nb as adaptive

    watchdog.configure(only_in_kernel=False)  # also watch the server's event loop
    folder = Path(tempfile.mkdtemp(prefix="adaptive_nb-monitor-"))
    runner = adaptive.Runner(
        adaptive.Learner1D(demo_functions()[1], bounds=(-1, 1)),
        goal=lambda learner: learner.npoints >= 5000,
        executor=ThreadPoolExecutor(2),
    )
    runner.start_periodic_saving(save_kwargs={"fname": str(folder / "learner.pickle")}, interval=2)
    return runner


if pn.state.served:
    demo = pn.state.as_cached("adaptive_nb-monitor-demo", _demo_runner)
    LongRunMonitor(demo).servable(title="adaptive_nb long-run monitor")
