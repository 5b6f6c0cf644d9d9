"""``LivePlot``: a learner's points drawn on a ``<canvas>``, fed only the points that are new.

Protocol (kernel → front end, custom messages with binary buffers, no state copy in the model):

* ``{"type": "append", "seq", "sent_ms", "series": [{"i", "start", "n", "vdim", "dim"}, ...]}``
  with two buffers per series (coordinates: ``n * dim`` float64, values: ``n * vdim`` float64,
  both row-major): the points of panel ``i`` told after the first ``start`` ones. The page keeps
  the points and, in 2D, triangulates them itself, so an update costs bytes in proportion to its
  new points whatever the total. A front end whose count differs from ``start`` asks
  for a resync instead of drawing a wrong picture.
* ``{"type": "full", ...}``: the same layout, every point sent so far; answers ``{"type":
  "resync"}``, which each front end sends when it first loads the widget (page reloads, second
  tabs, late viewers).
* AverageLearner, AverageLearner1D, IntegratorLearner and SequenceLearner panels send chunks
  with a ``"view"`` field and their own buffers (see ``_live_views.py``), in the same messages.
* ``{"type": "bokeh_js"}`` with BokehJS as a buffer; answers ``{"type": "need_bokeh"}``. Only for
  custom plotters, which are rendered with BokehJS shipped from the installed ``bokeh`` (no CDN).

Front end → kernel: ``{"type": "ack", "seq"}`` after applying a message (the poller backs off
while acknowledgements lag, see ``_poller.py``), ``{"type": "stop"}`` from the stop button.
These are custom messages rather than trait syncs, see ``js/src/live_info.ts`` for why.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, cast

import anywidget
import numpy as np
import traitlets

from adaptive_nb import notebook_integration
from adaptive_nb._protocols import ObservedRunner
from adaptive_nb.learner.balancing_learner import BalancingLearner
from adaptive_nb.learner.data_saver import DataSaver
from adaptive_nb.notebook._common import STATIC, check_ipykernel, register, runner_task
from adaptive_nb.notebook._live_plot2d import axis_labels, chunk, has_fast_view, panel_meta
from adaptive_nb.notebook._live_views import ViewSource, view_source
from adaptive_nb.notebook._poller import Poller, format_exception
from adaptive_nb.notebook._static_view import StaticPlotView

__all__ = ["LivePlot", "live_plot"]


def _unwrap(learner: Any) -> Any:
    while isinstance(learner, DataSaver):
        learner = cast("Any", learner).learner
    return learner


def _has_view(leaf: Any) -> bool:
    return view_source(leaf) is not None or has_fast_view(leaf)


def _leaves(learner: Any) -> list[tuple[str, Any | None]] | None:
    """Panels for ``learner``: (title, learner with a fast view or None); None if unsupported."""
    inner = _unwrap(learner)
    if _has_view(inner):
        return [("", inner)]
    if isinstance(inner, BalancingLearner):
        panels: list[tuple[str, Any | None]] = []
        for i, child in enumerate(cast("Any", inner).learners):
            leaf = _unwrap(child)
            panels.append((f"learner {i}", leaf if _has_view(leaf) else None))
        return panels
    return None


def _learner_plot(learner: Any) -> Any:
    return learner.plot()


def _bokeh_js_paths() -> list[Path]:
    import bokeh

    return [Path(bokeh.__file__).parent / "server" / "static" / "js" / "bokeh.min.js"]


def _to_bokeh_item(obj: Any) -> dict[str, Any]:
    """JSON item of a bokeh model or a holoviews object (rendered with the bokeh backend)."""
    from bokeh.embed import json_item
    from bokeh.model import Model

    if not isinstance(obj, Model):
        import holoviews as hv
        import holoviews.plotting.bokeh  # registers the bokeh renderer

        obj = hv.render(obj, backend="bokeh")
    return dict(json_item(obj))


class LivePlot(StaticPlotView, anywidget.AnyWidget):
    """Live plot of a runner's learner, drawn on a canvas from incremental binary updates.

    Views: a Learner1D (line and points, one line per output dimension, newest points ringed); a
    Learner2D or 2D LearnerND (heat map of the linear interpolation with a colour bar, optional
    mesh edges, newest points ringed, an output selector for vectors); a LearnerND in 3+
    dimensions (its points projected on two axes the viewer picks, coloured by value); a
    BalancingLearner (small multiples, one panel per child); a DataSaver (its inner learner).
    The hover read-out shows the coordinates and value under the cursor. The axes are labelled
    (``x_name``, ``y_name``, ``z_name``, else the learned function's name); drag a rectangle to
    zoom (live updates go on inside it), double-click or "reset zoom" to see everything again;
    the PNG and CSV buttons download the picture and the points shown (from the page's copy:
    exporting costs the kernel nothing).
    With ``plotter=`` (or for learners without a fast view) the figure the plotter returns
    (holoviews or bokeh) is rendered by BokehJS, which the kernel ships from the installed bokeh.

    Parameters
    ----------
    runner
        An ``adaptive_nb.Runner`` on this kernel's event loop.
    plotter
        Optional callable ``learner -> holoviews or bokeh object``.
    update_interval
        Seconds between updates.
    name
        Key in ``adaptive_nb.notebook_integration.active_plotting_tasks``; a new live plot with the
        same name stops the old one.
    normalize
        Accepted for compatibility: axes always fit the data (the canvas rescales every frame).
    x_name, y_name, z_name
        Axis labels, named as in ``to_dataframe``: ``x_name`` (default ``"x"``) labels the input
        axis; ``y_name`` the output in 1D, the second input in 2D (default ``"y"``); ``z_name``
        the colour bar of a heat map. The output's label defaults to ``name`` when it is a
        string, else to the learned function's name (``peak(x)``; ``f(x)`` for a lambda).
        Not used with ``plotter=``, whose figure has its own labels.
    """

    _esm = STATIC / "live_plot.js"
    _panels = traitlets.List(traitlets.Dict()).tag(sync=True)
    _mode = traitlets.Unicode("canvas").tag(sync=True)
    _bokeh_item = traitlets.Unicode("").tag(sync=True)
    _bokeh_version = traitlets.Unicode("").tag(sync=True)
    _error = traitlets.Unicode("").tag(sync=True)
    _status = traitlets.Unicode("").tag(sync=True)
    _stop_clicks = traitlets.Int(0)  # kernel-side only: the front end sends a "stop" message

    def __init__(
        self,
        runner: ObservedRunner,
        *,
        plotter: Callable[[Any], Any] | None = None,
        update_interval: float = 2.0,
        name: Hashable = None,
        normalize: bool = True,
        x_name: str | None = None,
        y_name: str | None = None,
        z_name: str | None = None,
    ) -> None:
        # Validate before the comm opens, so a refused call leaves no widget behind.
        task = runner_task(runner)
        labels = {"x_name": x_name, "y_name": y_name, "z_name": z_name}
        for key, value in labels.items():
            if value is not None and not isinstance(value, str):
                msg = f"live_plot: {key} must be a string (an axis label), not {value!r}."
                raise TypeError(msg)
        panels = None if plotter is not None else _leaves(runner.learner)
        if panels is None and plotter is None:
            if not callable(getattr(runner.learner, "plot", None)):
                msg = (
                    f"live_plot has no view for {type(runner.learner).__name__} and it has no "
                    "plot(); pass plotter=<callable returning a holoviews or bokeh object>."
                )
                raise TypeError(msg)
            plotter = _learner_plot
        super().__init__()
        check_ipykernel()
        self.runner = runner
        register(self)
        self.plotter = plotter
        self.name = name
        self._task = task
        self._seq = 0
        self._ack = 0  # seq of the last message a front end has applied
        self._leaves: list[Any | None] = []
        self._cursor: list[int] = []
        # Points of each panel's latest appended chunk: a front end that loads the widget again
        # (a reload, or JupyterLab re-rendering the output) gets them marked as newest too.
        self._newest: list[int] = []
        self._sources: list[ViewSource | None] = []
        self._last_npoints = -1
        #: Bytes of every message sent (JSON header + buffers), for tests and benchmarks.
        self.bytes_sent = 0
        self.messages_sent = 0
        if panels is None:
            import bokeh

            self._mode = "bokeh"
            self._bokeh_version = bokeh.__version__
        else:
            self._leaves = [leaf for _, leaf in panels]
            self._cursor = [0] * len(panels)
            self._newest = [0] * len(panels)
            self._sources = [None if leaf is None else view_source(leaf) for leaf in self._leaves]
            metas = [
                panel_meta(title, leaf) if src is None else src.meta(title)
                for (title, leaf), src in zip(panels, self._sources, strict=True)
            ]
            self._panels = [
                {**meta, **axis_labels(meta["kind"], leaf, name=name, **labels)}
                for meta, leaf in zip(metas, self._leaves, strict=True)
            ]
        self.on_msg(self._on_front_end_msg)
        self.observe(self._on_stop_click, names="_stop_clicks")
        self.poller = Poller(self, self._task, update_interval)
        self._push(final=self._task.done())
        old = notebook_integration.active_plotting_tasks.get(name)
        if old is not None and not old.done():
            old.cancel()
        task = self.poller.start(name=f"adaptive_nb.live_plot-{name!r}")
        self._poller_task = task
        notebook_integration.active_plotting_tasks[name] = task
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        if notebook_integration.active_plotting_tasks.get(self.name) is task:
            del notebook_integration.active_plotting_tasks[self.name]

    # -- sending -------------------------------------------------------------------------------
    def _send_msg(self, content: dict[str, Any], buffers: list[np.ndarray[Any, Any]]) -> None:
        views = [b.data for b in buffers]
        self.send(content, buffers=views)
        self.messages_sent += 1
        self.bytes_sent += len(json.dumps(content)) + sum(v.nbytes for v in views)

    def _send_data(self, kind: str, chunks: list[tuple[Any, ...]]) -> None:
        self._seq += 1
        header = {
            "type": kind,
            "seq": self._seq,
            "sent_ms": time.time() * 1000.0,
            "series": [c[0] for c in chunks],
        }
        self._send_msg(header, [a for c in chunks for a in c[1:]])

    def _push_points(self) -> bool:
        chunks: list[tuple[Any, ...]] = []
        for i, src in enumerate(self._sources):
            part = None if src is None else src.update(i)
            if part is not None:
                chunks.append(part)
        full = False
        for i, leaf in enumerate(self._leaves):
            if self._sources[i] is not None:
                continue
            if leaf is not None and leaf.npoints < self._cursor[i]:
                full = True  # the learner lost points (e.g. reloaded): start over
        if full:
            self._cursor = [0] * len(self._leaves)
        for i, leaf in enumerate(self._leaves):
            if leaf is None or self._sources[i] is not None or leaf.npoints == self._cursor[i]:
                continue
            part = chunk(i, leaf, self._cursor[i], None)
            if part[0]["n"]:
                chunks.append(part)
                self._cursor[i] += part[0]["n"]
                self._newest[i] = 0 if full else part[0]["n"]
        if not chunks and not full:
            return False
        self._send_data("full" if full else "append", chunks)
        return True

    def _push_bokeh(self) -> bool:
        learner = self.runner.learner
        npoints = getattr(learner, "npoints", None)
        if npoints is not None and npoints == self._last_npoints:
            return False
        assert self.plotter is not None
        try:
            item = _to_bokeh_item(self.plotter(learner))
        except Exception as exc:  # shown in the widget; the next update tries again
            self._error = f"plotter failed:\n{format_exception(exc)}"
            return False
        if self._error:
            self._error = ""
        self._last_npoints = -1 if npoints is None else npoints
        self._seq += 1
        text = json.dumps({"seq": self._seq, "item": item})
        self._bokeh_item = text
        self.messages_sent += 1
        self.bytes_sent += len(text)
        return True

    # -- PolledWidget ----------------------------------------------------------------------------
    def _lag(self) -> int:
        return self._seq - self._ack

    def _push(self, *, final: bool) -> bool:
        try:
            sent = self._push_bokeh() if self._mode == "bokeh" else self._push_points()
        except Exception as exc:
            self._error = format_exception(exc)
            if final:
                self._status = "stopped: error"
            raise
        status = f"runner {self.runner.status()}" if final else "live"
        if status != self._status:
            self._status = status
        return sent

    def _show_error(self, text: str) -> None:
        with self.hold_sync():
            self._error = text
            self._status = "stopped: error"

    def _on_stopped(self) -> None:
        self._status = "live plot stopped"

    # -- front-end events ------------------------------------------------------------------
    def _on_front_end_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            kind = content.get("type")
            if kind == "ack":
                self._ack = max(self._ack, int(content.get("seq", 0)))
            elif kind == "stop":
                self._stop_clicks += 1
            elif kind == "resync" and self._mode == "canvas":
                chunks: list[tuple[Any, ...]] = []
                for i, leaf in enumerate(self._leaves):
                    if leaf is not None and self._sources[i] is None and self._cursor[i]:
                        header, x, y = chunk(i, leaf, 0, self._cursor[i])
                        chunks.append(({**header, "newest": self._newest[i]}, x, y))
                for i, src in enumerate(self._sources):
                    view = None if src is None else src.update(i, full=True)
                    if view is not None:
                        chunks.append(view)
                self._send_data("full", chunks)
            elif kind == "need_bokeh":
                js = [np.frombuffer(p.read_bytes(), dtype=np.uint8) for p in _bokeh_js_paths()]
                self._send_msg({"type": "bokeh_js", "version": self._bokeh_version}, js)
        except Exception as exc:
            self._error = format_exception(exc)

    def _on_stop_click(self, change: dict[str, Any]) -> None:
        task = self.poller.task
        if task is not None and not task.done():
            task.cancel()

    @property
    def task(self) -> asyncio.Task[None]:
        """The poller task (ends after the runner's final update, or when stopped)."""
        return self._poller_task


def live_plot(
    runner: ObservedRunner,
    *,
    plotter: Callable[[Any], Any] | None = None,
    update_interval: float = 2.0,
    name: Hashable = None,
    normalize: bool = True,
    x_name: str | None = None,
    y_name: str | None = None,
    z_name: str | None = None,
) -> LivePlot:
    """Live plot of ``runner.learner`` that updates every ``update_interval`` seconds.

    Parameters
    ----------
    runner
        The runner to watch.
    plotter
        Optional callable ``learner -> holoviews or bokeh object``; by default a canvas view of
        the learner's points: lines for a Learner1D, a heat map for a Learner2D or 2D
        LearnerND, a projection on two chosen axes for a LearnerND in 3+ dimensions, small
        multiples for a BalancingLearner, the inner learner of a DataSaver.
    update_interval
        Seconds between updates.
    name
        A live plot with the same name (default ``None``) is stopped and replaced.
    normalize
        Accepted for compatibility; the axes always fit the data.
    x_name, y_name, z_name
        Axis labels (as in ``to_dataframe``): the input axis (default ``"x"``); the output in
        1D or the second input in 2D (default ``"y"``); a heat map's colour bar. The output's
        label defaults to ``name`` when it is a string, else to the learned function's name.

    The plot's tool bar zooms (drag a rectangle; double-click or "reset zoom" to undo) and
    downloads the picture (PNG) and the points (CSV, one column per output component).

    Returns
    -------
    LivePlot
        The widget (Jupyter displays it as the cell's result).
    """
    return LivePlot(
        runner,
        plotter=plotter,
        update_interval=update_interval,
        name=name,
        normalize=normalize,
        x_name=x_name,
        y_name=y_name,
        z_name=z_name,
    )
