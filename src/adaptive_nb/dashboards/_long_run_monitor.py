"""One long runner's health: status, loss over time, failures, periodic saving, the watchdog."""

from __future__ import annotations

import html
import time
from typing import Any

import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

from adaptive_nb.dashboards._common import (
    ERROR_COLOR,
    Refresher,
    ensure_extension,
    fmt_elapsed,
    fmt_loss,
    push,
    status_html,
)
from adaptive_nb.notebook import watchdog

__all__ = ["LongRunMonitor", "long_run_monitor", "watchdog_text"]

#: Name of the (elapsed, loss, npoints) history source in the page.
HISTORY_SOURCE = "an-history"


def _ago(timestamp: float | None, now: float) -> str:
    if timestamp is None:
        return "never"
    clock = time.strftime("%H:%M:%S", time.localtime(timestamp))
    return f"{clock} ({fmt_elapsed(max(0.0, now - timestamp))} ago)"


def watchdog_text() -> str:
    """Describe the busy-loop watchdog's state in a few words."""
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


def _cell(text: str, css: str, color: str | None = None) -> str:
    style = f' style="color:{color}"' if color else ""
    return f'<span class="{css}" data-key="monitor"{style}>{html.escape(text)}</span>'


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
        self.table = pn.widgets.StaticText(value="", margin=(4, 10), width=560)
        self.cancel = pn.widgets.Button(label="Cancel runner", color="danger", width=130)
        self.cancel.on_click(lambda _event: self._cancel())
        self.source = ColumnDataSource({"t": [], "loss": [], "npoints": []}, name=HISTORY_SOURCE)
        self.figure = figure(
            title="loss over time",
            width=560,
            height=230,
            x_axis_label="elapsed (s)",
            y_axis_label="loss",
            y_axis_type="log",
            tools="pan,wheel_zoom,box_zoom,reset,save,hover",
            tooltips=[("elapsed", "@t{0.0} s"), ("loss", "@loss"), ("points", "@npoints")],
        )
        self.figure.toolbar.logo = None
        self.figure.line("t", "loss", source=self.source, line_width=2)
        self.view = pn.Column(
            pn.pane.Markdown("### Long-run monitor"),
            pn.Row(self.table, self.cancel),
            pn.pane.Bokeh(self.figure),
        )
        self.update()
        self.refresher = Refresher(self.view, self.update, update_interval)

    def _cancel(self) -> None:
        self.runner.cancel()
        self.update()

    def _rows(self, snap: Any) -> list[tuple[str, str]]:
        now = time.time()
        save_error = snap.last_save_error
        rows = [
            ("status", status_html(snap.status, "monitor")),
            ("elapsed", fmt_elapsed(snap.elapsed_time)),
            ("points", _cell(str(snap.npoints), "an-npoints")),
            ("loss", _cell(fmt_loss(snap.loss), "an-loss")),
            ("pending / failed", f"{snap.n_pending} / {snap.n_failed}"),
            ("last save", _cell(_ago(snap.last_save_time, now), "an-last-save")),
            (
                "save error",
                _cell(save_error or "none", "an-save-error", ERROR_COLOR if save_error else None),
            ),
            ("watchdog", _cell(watchdog_text(), "an-watchdog")),
        ]
        if snap.error:
            rows.append(("error", _cell(str(snap.error), "an-error", ERROR_COLOR)))
        return rows

    def update(self) -> bool:
        """Refresh the table and append a loss sample; False once the runner has ended."""
        snap = self.runner.snapshot()
        table = (
            '<table class="an-monitor">'
            + "".join(
                f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{v}</td></tr>"
                for k, v in self._rows(snap)
            )
            + "</table>"
        )
        if self.table.value != table:
            self.table.value = table
        self.cancel.disabled = snap.status != "running"
        npoints = self.source.data["npoints"]
        last = npoints[-1] if len(npoints) else None
        if snap.loss is not None and snap.loss > 0 and snap.npoints != last:
            self.source.stream(
                {"t": [snap.elapsed_time], "loss": [snap.loss], "npoints": [snap.npoints]},
                rollover=self.history,
            )
        push(self.view)
        return bool(snap.status == "running")

    def __panel__(self) -> pn.Column:
        return self.view


def long_run_monitor(
    runner: Any, update_interval: float = 1.0, history: int = 3600
) -> LongRunMonitor:
    """Return the monitor of ``runner``.

    Parameters
    ----------
    runner
        The runner to monitor (start its periodic saving to see saves in the table).
    update_interval
        Seconds between refreshes.
    history
        Number of (time, loss) samples kept for the plot.

    Returns
    -------
    LongRunMonitor
        A panel ``Viewer``: display it in a notebook, or call ``.servable()`` in an app.
    """
    ensure_extension()
    return LongRunMonitor(runner, update_interval=update_interval, history=history)
