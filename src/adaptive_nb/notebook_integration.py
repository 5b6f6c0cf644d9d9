"""Notebook entry points with the reference library's names (thin; see adaptive_nb.notebook).

Importing this module imports nothing from the Jupyter stack: the widgets load on first use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adaptive_nb.notebook import LivePlot

__all__ = ["active_plotting_tasks", "live_info", "live_plot", "notebook_extension"]

#: Running live-plot pollers by ``name``: a new ``live_plot`` with the same name cancels the old
#: one, so re-running a cell never leaves two plots updating (reference name and semantics).
active_plotting_tasks: dict[Hashable, asyncio.Task[None]] = {}


def notebook_extension(*, _inline_js: bool = True) -> None:
    """Enable the live widgets and holoviews plotting in this notebook (safe to call twice).

    See :func:`adaptive_nb.notebook.notebook_extension`.
    """
    from adaptive_nb.notebook import notebook_extension as _extension

    _extension(_inline_js=_inline_js)


def live_plot(
    runner: Any,
    *,
    plotter: Callable[[Any], Any] | None = None,
    update_interval: float = 2.0,
    name: Hashable = None,
    normalize: bool = True,
    x_name: str | None = None,
    y_name: str | None = None,
    z_name: str | None = None,
) -> LivePlot:
    """Live plot of ``runner.learner``; see :func:`adaptive_nb.notebook.live_plot`."""
    from adaptive_nb.notebook import live_plot as _live_plot

    return _live_plot(
        runner,
        plotter=plotter,
        update_interval=update_interval,
        name=name,
        normalize=normalize,
        x_name=x_name,
        y_name=y_name,
        z_name=z_name,
    )


def live_info(runner: Any, *, update_interval: float = 0.1) -> None:
    """Display live status and a Cancel button; see :func:`adaptive_nb.notebook.live_info`."""
    from adaptive_nb.notebook import live_info as _live_info

    _live_info(runner, update_interval=update_interval)
