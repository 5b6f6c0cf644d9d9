"""The notebook layer: anywidget widgets, their pollers, the watchdog and the magic.

This is the only part of adaptive_nb that imports IPython, anywidget or ipywidgets.
"""

# Importing the notebook layer subscribes the busy-loop watchdog to the engine's runner-started
# hook (adaptive_nb._hooks), so every runner started in a kernel afterwards is watched.
from adaptive_nb.notebook import watchdog as watchdog
