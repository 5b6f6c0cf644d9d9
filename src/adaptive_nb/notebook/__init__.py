"""The notebook layer: anywidget widgets, their pollers, the watchdog and the magic.

This is the only part of adaptive_nb that imports IPython, anywidget or ipywidgets.
"""
