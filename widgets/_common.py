"""Shared pieces of the dashboards: formatting, a learner plot on bokeh, notebook/server setup.

Built only from adaptive_nb's public API: ``runner.snapshot()``, ``runner.cancel()``,
``adaptive_nb.notebook.STATUS_COLORS`` (the live widgets' colours),
``runner.learner``, ``learner.data``, ``BalancingLearner.learners``, ``DataSaver.learner``.
"""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.palettes import Category10_10
from bokeh.plotting import figure

from adaptive_nb.notebook import STATUS_COLORS

#: Colour of errors and failures: the colour of the "failed" status.
ERROR_COLOR = STATUS_COLORS["failed"]


@functools.cache
def _load_notebook_extension() -> None:
    pn.extension(inline=True)


def ensure_extension() -> None:
    """Load panel's front-end code once per notebook, inline (no CDN: clusters are often offline).

    Served apps (``panel serve``) need nothing: the server ships every asset itself from
    127.0.0.1 as long as BOKEH_RESOURCES is not ``inline`` or ``cdn`` (see serve.py).
    """
    if not pn.state.served and "ipykernel" in sys.modules:
        _load_notebook_extension()


def fmt_elapsed(seconds: float) -> str:
    return str(datetime.timedelta(seconds=round(seconds)))


def fmt_loss(loss: float | None) -> str:
    return "-" if loss is None else f"{loss:.3g}"


def status_html(status: str, key: str) -> str:
    color = STATUS_COLORS.get(str(status), "black")
    return (
        f'<span class="an-status" data-key="{key}" style="color:{color};font-weight:bold">'
        f"{status}</span>"
    )


def cell_html(text: str, css: str, key: str) -> str:
    return f'<span class="{css}" data-key="{key}">{text}</span>'


def describe(learner: Any) -> str:
    """Short label of a learner: its class and, where there is one, its function's name."""
    function = getattr(learner, "function", None)
    name = getattr(function, "__name__", None)
    kind = type(learner).__name__
    return f"{kind}({name})" if name else kind


def learner_series(learner: Any) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, x, y) for each line to draw: vector outputs give one line per component."""
    children = getattr(learner, "learners", None)
    if children is not None:  # BalancingLearner: every child, labelled by its index
        out = []
        for i, child in enumerate(children):
            out += [(f"{i}{'.' + lbl if lbl else ''}", x, y) for lbl, x, y in learner_series(child)]
        return out
    inner = getattr(learner, "learner", None)
    if inner is not None and hasattr(inner, "data"):  # DataSaver wraps a learner
        return learner_series(inner)
    data = dict(getattr(learner, "data", {}))
    if not data:
        return []
    xs = np.array(sorted(data), dtype=float)
    ys = np.array([np.ravel(np.asarray(data[x], dtype=float)) for x in sorted(data)])
    if ys.ndim == 1 or ys.shape[1] == 1:
        return [("", xs, ys.reshape(len(xs)))]
    return [(str(k), xs, ys[:, k]) for k in range(ys.shape[1])]


class LearnerPlot:
    """A bokeh figure showing a learner's data; :meth:`update` refreshes it in place."""

    def __init__(self, title: str = "", width: int = 520, height: int = 260) -> None:
        self.figure = figure(
            title=title, width=width, height=height, tools="pan,wheel_zoom,box_zoom,reset,hover"
        )
        self.figure.toolbar.logo = None
        self._sources: list[ColumnDataSource] = []
        self.pane = pn.pane.Bokeh(self.figure)

    def _ensure_lines(self, n: int) -> None:
        while len(self._sources) < n:
            color = Category10_10[len(self._sources) % 10]
            source = ColumnDataSource({"x": [], "y": []})
            self.figure.line("x", "y", source=source, color=color, line_width=1.5)
            self.figure.scatter("x", "y", source=source, color=color, size=3)
            self._sources.append(source)

    def update(self, learner: Any, title: str | None = None) -> int:
        """Redraw from ``learner``; return the number of points drawn."""
        series = learner_series(learner) if learner is not None else []
        self._ensure_lines(len(series))
        n = 0
        for i, source in enumerate(self._sources):
            if i < len(series):
                _, x, y = series[i]
                source.data = {"x": x, "y": y}
                n += len(x)
            elif len(source.data["x"]):
                source.data = {"x": [], "y": []}
        if title is not None:
            self.figure.title.text = title
        return n


def start_updates(callback: Any, update_interval: float) -> Any:
    """Call ``callback`` every ``update_interval`` seconds on the session's (or kernel's) loop."""
    return pn.state.add_periodic_callback(callback, period=max(50, int(update_interval * 1000)))


def demo_functions() -> Sequence[Any]:
    """Cheap functions with a sharp feature, for the served demos (no CDN, no data files)."""
    import time

    def peak(x: float, offset: float = 0.3) -> float:
        time.sleep(0.01)
        a = 0.02
        return x + a**2 / (a**2 + (x - offset) ** 2)

    def wave(x: float) -> float:
        time.sleep(0.01)
        return float(np.sin(8 * x) * np.exp(-(x**2)))

    def step(x: float) -> float:
        time.sleep(0.01)
        return float(np.tanh(40 * (x + 0.2)))

    return [peak, wave, step]
