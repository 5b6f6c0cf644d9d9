"""What the dashboards share: formatting, status colours, a learner plot, the refresh loop.

Built only from adaptive_nb's public API: ``runner.snapshot()``, ``runner.cancel()``,
``runner.learner``, ``learner.data``, ``BalancingLearner.learners``, ``DataSaver.learner``, and
the status colours of the live widgets (one source: ``adaptive_nb/_status.json``).

Why every update ends with :func:`push`: in a notebook, panel sends a change to the page over a
comm only for its *own* objects (widgets, panes, layouts); a change made directly to a bokeh model
(a ``ColumnDataSource``'s data, a figure's title) just waits in the bokeh document until something
else flushes it. Under ``panel serve`` the document is synced by the server session, so the plots
moved there, while in JupyterLab they froze at whatever the last table update happened to carry.
``panel.io.push_notebook`` flushes those changes; under ``panel serve`` it does nothing.
"""

from __future__ import annotations

import datetime
import functools
import html
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.models.annotations import Title
from bokeh.palettes import Category10_10
from bokeh.plotting import figure

from adaptive_nb._status import STATUS_COLORS

__all__ = [
    "BUTTON_CSS",
    "ERROR_COLOR",
    "LearnerPlot",
    "Refresher",
    "describe",
    "ensure_extension",
    "fmt_elapsed",
    "fmt_loss",
    "frontend_ready",
    "learner_series",
    "push",
    "status_html",
    "title_of",
]

#: Colour of errors and failures: the colour of the "failed" status.
ERROR_COLOR = STATUS_COLORS["failed"]

#: Name prefix of the data sources that hold a learner's points, so a test (or a curious user in
#: the browser console) can count the points the page actually draws.
POINTS_SOURCE = "an-learner-points"

# Buttons drawn in table cells (Tabulator renders them inside its shadow root).
BUTTON_CSS = f"""
.an-button {{
  background: {ERROR_COLOR}; color: white; border: none; border-radius: 4px;
  padding: 2px 10px; font: inherit; font-weight: 600; cursor: pointer;
}}
.an-button:hover {{ filter: brightness(1.15); }}
.an-status {{ font-weight: 600; }}
"""


@functools.cache
def _load_notebook_extension() -> None:
    from adaptive_nb.notebook._extension import inline_panel_resources

    inline_panel_resources()
    pn.extension("tabulator", inline=True)


def extension() -> None:
    """Load the dashboards' front-end code into this notebook (inlined; nothing is fetched).

    Call it in a cell of its own before the first dashboard, like ``pn.extension()``: the page
    loads that code asynchronously, and a dashboard displayed in the same cell can render before
    it has arrived (then no plot appears). Each dashboard also loads it on first use, which works
    when the code is cached in the page already. Outside a notebook it does nothing.
    """
    ensure_extension()


def ensure_extension() -> None:
    """In a notebook, load panel's front-end code once per kernel, inlined (no CDN).

    Served apps (``panel serve``) need nothing: the server ships every asset from 127.0.0.1
    itself (see ``widgets/serve.py``).
    """
    from adaptive_nb._hooks import in_kernel

    if not pn.state.served and in_kernel():
        _load_notebook_extension()


def push(viewable: Any) -> None:
    """Send direct bokeh-model changes under ``viewable`` to the notebook page (see module doc)."""
    pn.io.push_notebook(viewable)


def fmt_elapsed(seconds: float) -> str:
    """``H:MM:SS`` of a duration in seconds."""
    return str(datetime.timedelta(seconds=round(seconds)))


def fmt_loss(loss: float | None) -> str:
    """Format a loss in three significant digits, ``-`` when there is none yet."""
    return "-" if loss is None else f"{loss:.3g}"


def status_html(status: str, key: str) -> str:
    """Return the status word in its colour, as HTML.

    The ``data-status`` attribute comes first, so sorting a table column of these sorts by status.
    """
    color = STATUS_COLORS.get(str(status), "inherit")
    return (
        f'<span data-status="{status}" class="an-status" data-key="{key}" '
        f'style="color:{color}">{html.escape(str(status))}</span>'
    )


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
    xs = sorted(data)
    x = np.array(xs, dtype=float)
    y = np.array([np.ravel(np.asarray(data[k], dtype=float)) for k in xs])
    if y.ndim == 1 or y.shape[1] == 1:
        return [("", x, y.reshape(len(x)))]
    return [(str(k), x, y[:, k]) for k in range(y.shape[1])]


def title_of(fig: Any) -> Title:
    """Return the ``Title`` model of a bokeh figure (``figure(title=...)`` always makes one)."""
    title = fig.title
    assert isinstance(title, Title)
    return title


class LearnerPlot:
    """A bokeh figure of a learner's data; :meth:`update` redraws it in place.

    Its data sources are named ``an-learner-points-<key>-<line>`` (see ``POINTS_SOURCE``).
    """

    def __init__(self, key: str, title: str = "", width: int = 560, height: int = 280) -> None:
        self.key = key
        self.figure = figure(
            title=title,
            width=width,
            height=height,
            tools="pan,wheel_zoom,box_zoom,reset,save,hover",
            x_axis_label="x",
            y_axis_label="y",
        )
        self.figure.toolbar.logo = None
        title_of(self.figure).text_font_size = "12px"
        self._sources: list[ColumnDataSource] = []
        self.pane = pn.pane.Bokeh(self.figure)

    def _ensure_lines(self, n: int) -> None:
        while len(self._sources) < n:
            color = Category10_10[len(self._sources) % 10]
            name = f"{POINTS_SOURCE}-{self.key}-{len(self._sources)}"
            source = ColumnDataSource({"x": [], "y": []}, name=name)
            self.figure.line("x", "y", source=source, color=color, line_width=1.5)
            self.figure.scatter("x", "y", source=source, color=color, size=3)
            self._sources.append(source)

    @property
    def npoints(self) -> int:
        """Points drawn (of the first line: the others share its x values)."""
        return len(self._sources[0].data["x"]) if self._sources else 0

    def update(self, learner: Any, title: str | None = None) -> int:
        """Redraw from ``learner``; return the number of points drawn."""
        series = learner_series(learner) if learner is not None else []
        self._ensure_lines(len(series))
        for i, source in enumerate(self._sources):
            if i < len(series):
                _, x, y = series[i]
                if len(x) != len(source.data["x"]) or not np.array_equal(x, source.data["x"]):
                    source.data = {"x": x, "y": y}
            elif len(source.data["x"]):
                source.data = {"x": [], "y": []}
        if title is not None and title_of(self.figure).text != title:
            title_of(self.figure).text = title
        return len(series[0][1]) if series else 0


def frontend_ready(viewable: Any) -> bool:
    """Whether ``viewable`` is shown somewhere that can take updates now.

    In a notebook, a page opens the comm of a displayed object only once it has rendered the
    output, which can take seconds for a big dashboard. panel queues a push made before that
    (re-trying every 0.1 s with the message already computed), and a newer push that finds the
    comm open overtakes the queued ones, so the page ends on a stale state (a plot stuck at an
    old point count). Not changing anything until the comm is open avoids the queue altogether.
    Under ``panel serve`` there is no comm: ready as soon as a session rendered the object.
    """
    if not viewable._models:
        return False  # not displayed yet
    views = [pn.state._views.get(ref) for ref in viewable._models]
    comms = [view[3] for view in views if view is not None]
    return not comms or any(c is None or getattr(c, "_comm", None) is not None for c in comms)


#: Seconds a page must have had the comm open before the first update is pushed (see Refresher).
SETTLE = 0.5


class Refresher:
    """Calls ``update`` every ``interval`` seconds on the session's (or kernel's) event loop.

    Ticks are skipped until ``view`` is on a page that takes updates (:func:`frontend_ready`)
    and has been for ``SETTLE`` seconds, except for ``always``, which runs on every tick. The
    kernel's side of the comm opens when the page asks for it, possibly a moment before the page
    has attached its receiver, and a bokeh message is several comm messages (header, content,
    buffers): the pause keeps the first update clear of that moment (a precaution; see the
    known intermittent failure noted in tests/browser/test_dashboards_in_lab.py).
    ``update`` returns True while there is more to show; the refresher stops after the first
    False (one last refresh after the runners ended), so a finished dashboard costs nothing.
    """

    def __init__(
        self,
        view: Any,
        update: Callable[[], bool],
        interval: float,
        always: Callable[[], None] | None = None,
    ) -> None:
        self._view = view
        self._ready_since: float | None = None
        self._update = update
        self._always = always
        self.callback = pn.state.add_periodic_callback(
            self._tick, period=max(50, int(interval * 1000))
        )

    def _tick(self) -> None:
        if self._always is not None:  # work that must not wait for a page (it changes nothing)
            self._always()
        if not frontend_ready(self._view):
            self._ready_since = None
            return
        now = time.monotonic()
        if self._ready_since is None:
            self._ready_since = now
        if now - self._ready_since >= SETTLE and not self._update():
            self.stop()

    @property
    def running(self) -> bool:
        """Whether the periodic refresh is still scheduled."""
        return bool(self.callback.running)

    def stop(self) -> None:
        """Stop refreshing (idempotent)."""
        if self.callback.running:
            self.callback.stop()
