"""Notebook entry points with the reference library's names (thin; see adaptive_nb.notebook).

Importing this module imports nothing from the Jupyter stack: the widgets load on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["live_info", "live_plot", "notebook_extension"]


def notebook_extension(*args: Any, **kwargs: Any) -> None:  # pragma: no cover
    """Enable the live widgets in this notebook."""
    raise NotImplementedError("notebook_extension is not written yet (issue 4)")


def live_plot(*args: Any, **kwargs: Any) -> Any:  # pragma: no cover
    """Live plot of a runner's learner."""
    raise NotImplementedError("live_plot is not written yet (issue 4)")


def live_info(*args: Any, **kwargs: Any) -> Any:  # pragma: no cover
    """Live status of a runner."""
    raise NotImplementedError("live_info is not written yet (issue 4)")
