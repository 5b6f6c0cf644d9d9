"""The notebook layer: anywidget widgets and their pollers.

This is the only part of adaptive_nb that imports IPython, anywidget or ipywidgets.
"""

from __future__ import annotations

from adaptive_nb.notebook._extension import in_ipykernel, notebook_extension
from adaptive_nb.notebook._live_info import LiveInfo, live_info
from adaptive_nb.notebook._live_plot import LivePlot, live_plot
from adaptive_nb.notebook._poller import Poller

__all__ = [
    "LiveInfo",
    "LivePlot",
    "Poller",
    "in_ipykernel",
    "live_info",
    "live_plot",
    "notebook_extension",
]
