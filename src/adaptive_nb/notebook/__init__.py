"""The notebook layer: anywidget widgets, their pollers, the watchdog and the magic.

This is the only part of adaptive_nb that imports IPython, anywidget or ipywidgets.
"""

from __future__ import annotations

# Importing the notebook layer subscribes the busy-loop watchdog to the engine's runner-started
# hook (adaptive_nb._hooks), so every runner started in a kernel afterwards is watched.
from adaptive_nb.notebook import watchdog as watchdog
from adaptive_nb.notebook._common import live_widgets
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
    "live_widgets",
    "notebook_extension",
    "watchdog",
]
