"""The notebook layer: anywidget widgets, their pollers, the watchdog's public path and the magic.

This is the only part of adaptive_nb that imports IPython, anywidget or ipywidgets. Its names are
loaded on first access (module ``__getattr__``), so ``from adaptive_nb.notebook import watchdog``
does not load the widgets, and importing this package alone loads nothing from the Jupyter stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adaptive_nb._status import STATUS_COLORS as STATUS_COLORS

if TYPE_CHECKING:
    from adaptive_nb.notebook import watchdog as watchdog
    from adaptive_nb.notebook._common import live_widgets as live_widgets
    from adaptive_nb.notebook._extension import in_ipykernel as in_ipykernel
    from adaptive_nb.notebook._extension import notebook_extension as notebook_extension
    from adaptive_nb.notebook._live_info import LiveInfo as LiveInfo
    from adaptive_nb.notebook._live_info import live_info as live_info
    from adaptive_nb.notebook._live_plot import LivePlot as LivePlot
    from adaptive_nb.notebook._live_plot import live_plot as live_plot
    from adaptive_nb.notebook._poller import Poller as Poller

__all__ = [
    "STATUS_COLORS",
    "LiveInfo",
    "LivePlot",
    "Poller",
    "in_ipykernel",
    "live_info",
    "live_plot",
    "live_widgets",
    "notebook_extension",
    "watchdog",
]


def __getattr__(name: str) -> Any:
    # Plain import statements (no module names in strings), so import-linter sees every edge.
    if name in {"LiveInfo", "live_info"}:
        from adaptive_nb.notebook import _live_info

        return getattr(_live_info, name)
    if name in {"LivePlot", "live_plot"}:
        from adaptive_nb.notebook import _live_plot

        return getattr(_live_plot, name)
    if name in {"in_ipykernel", "notebook_extension"}:
        from adaptive_nb.notebook import _extension

        return getattr(_extension, name)
    if name == "live_widgets":
        from adaptive_nb.notebook import _common

        return _common.live_widgets
    if name == "Poller":
        from adaptive_nb.notebook import _poller

        return _poller.Poller
    if name == "watchdog":
        # `from adaptive_nb.notebook import watchdog` would ask this __getattr__ again first.
        import adaptive_nb.notebook.watchdog as watchdog  # noqa: PLR0402

        return watchdog
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
