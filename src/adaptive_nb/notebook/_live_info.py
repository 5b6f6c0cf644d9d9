"""``LiveInfo``: a runner's status, progress, errors and a Cancel button."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from typing import Any

import anywidget
import traitlets

from adaptive_nb import _watchdog as watchdog
from adaptive_nb._protocols import ObservedRunner
from adaptive_nb.notebook._common import (
    STATIC,
    check_ipykernel,
    register,
    runner_task,
    task_failure,
)
from adaptive_nb.notebook._poller import Poller, format_exception
from adaptive_nb.notebook._progress import GoalProgress
from adaptive_nb.notebook._static_view import StaticInfoView

__all__ = ["LiveInfo", "live_info"]


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


class LiveInfo(StaticInfoView, anywidget.AnyWidget):
    """Live status of a runner: status, elapsed time, points, loss, overhead, failures, Cancel.

    It also shows the goal with the progress toward it and an ETA (for a loss goal estimated
    from the loss-against-points trend and the point rate), and the learner's own measure of
    progress (an integrator's error against its tolerance, a sequence's fraction done, ...).

    Created by ``runner.live_info()``. A poller task on the kernel's event loop reads
    ``runner.snapshot()`` every ``update_interval`` seconds and sends it in one message; it sends a
    final update when the runner ends and then stops.

    Parameters
    ----------
    runner
        An ``adaptive_nb.Runner`` whose task runs on this kernel's event loop.
    update_interval
        Seconds between updates.
    """

    _esm = STATIC / "live_info.js"
    _snapshot = traitlets.Dict().tag(sync=True)
    # Cancel clicks (kernel-side only: the front end sends a "cancel" message); setting it cancels
    # the runner.
    _clicks = traitlets.Int(0)
    _error = traitlets.Unicode("").tag(sync=True)  # poller / click-handler errors
    _blocked = traitlets.Unicode("").tag(sync=True)  # set by the watchdog thread
    # Goal, progress, ETA and the learner's own measure of progress (see _progress.py).
    _progress = traitlets.Dict().tag(sync=True)

    def __init__(self, runner: ObservedRunner, *, update_interval: float = 0.1) -> None:
        task = runner_task(runner)  # before the comm opens: a refused call leaves no widget
        super().__init__()
        check_ipykernel()
        self.runner = runner
        register(self)
        self._task = task
        self._seq = 0
        self._ack = 0  # seq of the last update a front end has drawn
        self._goal_progress = GoalProgress(runner)
        self.poller = Poller(self, self._task, update_interval)
        self.observe(self._on_click, names="_clicks")
        self.on_msg(self._on_front_end_msg)
        self._push(final=self._task.done())
        task = self.poller.start(name=f"adaptive_nb.live_info-{id(self):x}")
        self._poller_task = task
        # The poller runs on the event loop, so it cannot notice that the loop is blocked; the
        # watchdog's thread can, and tells us (setting a trait from a thread is fine here: the
        # IOPub thread sends it).
        remove = watchdog.add_listener(self._on_watchdog)
        task.add_done_callback(lambda _: remove())

    # -- PolledWidget ----------------------------------------------------------------------
    def _lag(self) -> int:
        return self._seq - self._ack

    def _push(self, *, final: bool) -> bool:
        snap = self.runner.snapshot()
        error = snap.error
        if final and error is None:
            exc = task_failure(self._task)
            if exc is not None:  # the runner crashed without saying why in its snapshot
                error = format_exception(exc)
        self._seq += 1
        state = {
            "status": str(snap.status),
            "elapsed_time": float(snap.elapsed_time),
            "npoints": int(snap.npoints),
            "loss": _finite_or_none(snap.loss),
            "overhead": float(snap.overhead),
            "n_pending": int(snap.n_pending),
            "n_failed": int(snap.n_failed),
            "last_traceback": snap.last_traceback,
            "error": error,
            "last_save_time": snap.last_save_time,
            "last_save_error": snap.last_save_error,
            "waiting_for_workers": bool(snap.waiting_for_workers),
            "seq": self._seq,
            "sent_ms": time.time() * 1000.0,
        }
        try:
            progress = self._goal_progress.update(snap)
        except Exception as exc:  # an estimate must never stop the status updates
            progress = {"goal": repr(getattr(self.runner, "goal", "")), "error": str(exc)}
        with self.hold_sync():
            self._snapshot = state
            self._progress = progress
        return True

    def _show_error(self, text: str) -> None:
        self._error = text

    def _on_stopped(self) -> None:
        # Cancelled poller (e.g. kernel shutdown): show the last state and say updates stopped.
        with contextlib.suppress(Exception):
            self._push(final=True)

    def _on_watchdog(self, state: watchdog.WatchdogState) -> None:
        self._blocked = (
            f"kernel blocked for more than {state.threshold:g} s: a cell keeps the event loop "
            "busy, so the runner and this widget cannot progress (use `await runner.task`)"
            if state.blocked
            else ""
        )

    # -- front-end events ------------------------------------------------------------------
    # The front end sends events as custom messages, never trait syncs: see live_info.ts.
    def _on_front_end_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("type")
        if kind == "cancel":
            self._clicks += 1
        elif kind == "ack":
            self._ack = max(self._ack, int(content.get("seq", 0)))

    def _on_click(self, change: dict[str, Any]) -> None:
        try:
            self.runner.cancel()
            # Show "cancelled" now: the runner reports it as soon as cancel() is called, while
            # the poller may only run after the cell awaiting the runner has printed its
            # CancelledError traceback (hundreds of ms on a loaded machine).
            self._push(final=False)
        except Exception as exc:  # shown, never swallowed
            self._error = f"Cancel failed:\n{format_exception(exc)}"

    @property
    def task(self) -> asyncio.Task[None]:
        """The poller task (ends after the runner's final update)."""
        return self._poller_task


def live_info(runner: ObservedRunner, *, update_interval: float = 0.1) -> None:
    """Display a :class:`LiveInfo` widget for ``runner`` in the current cell.

    Like the reference library, this displays the widget itself and returns ``None``, so it can
    be followed by ``runner.live_plot()`` in the same cell.

    Parameters
    ----------
    runner
        The runner to watch.
    update_interval
        Seconds between updates.
    """
    from IPython.display import display

    display(LiveInfo(runner, update_interval=update_interval))  # type: ignore[no-untyped-call]
