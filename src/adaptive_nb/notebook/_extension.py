"""``notebook_extension()``: prepare a kernel for adaptive_nb's widgets and learner plots."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from adaptive_nb import _hooks

__all__ = ["in_ipykernel", "inline_panel_resources", "notebook_extension"]


def in_ipykernel() -> bool:
    """Return True inside any ipykernel-based front end (JupyterLab, Notebook, VS Code, Colab, ...).

    Any shell that carries a kernel counts, including subclasses of ``ZMQInteractiveShell`` such
    as Colab's. The same check as the engine's (:func:`adaptive_nb._hooks.in_kernel`).
    """
    return _hooks.in_kernel()


def notebook_extension(*, _inline_js: bool = True) -> None:
    """Enable live widgets and holoviews plotting in this notebook. Safe to call more than once.

    The live widgets are anywidgets and need nothing loaded. For ``learner.plot()``, holoviews'
    bokeh backend is loaded with BokehJS *inlined* into the notebook, and every plot's stylesheets
    are inlined too (:func:`inline_panel_resources`): the page fetches nothing from the internet,
    so it works offline, e.g. on cluster login nodes.

    Raises
    ------
    RuntimeError
        When not running inside an IPython kernel (use the widgets from a Jupyter notebook).
    """
    if not in_ipykernel():
        msg = (
            '"adaptive.notebook_extension()" may only be run from a Jupyter notebook '
            "(an IPython kernel); in a script, use adaptive.BlockingRunner or runner.task."
        )
        raise RuntimeError(msg)
    try:
        import holoviews
    except ModuleNotFoundError:
        warnings.warn(
            "holoviews is not installed, so learner.plot() is disabled "
            "(pip install 'adaptive_nb[plot]'); live_info and live_plot still work.",
            RuntimeWarning,
            stacklevel=2,
        )
    else:
        if _inline_js:
            inline_panel_resources()
        # Re-run every call: the page's JS is gone after the notebook is reopened.
        holoviews.extension("bokeh", logo=False, inline=_inline_js)


def _inline_stylesheets(viewable: Any, root: Any) -> None:
    from bokeh.models.ui import UIElement
    from panel.io.notebook import patch_inline_stylesheets

    for model in root.select({"type": UIElement}):
        patch_inline_stylesheets(model)


@functools.cache
def inline_panel_resources() -> None:
    """Make every panel/holoviews output in this kernel carry its CSS inline (no CDN links).

    ``holoviews.extension(inline=True)`` and ``panel.extension(inline=True)`` inline the
    JavaScript, but panel models still link their stylesheets (theme, layout, loading spinner)
    from cdn.holoviz.org: panel swaps them for inline copies only for objects it displays itself,
    and holoviews' notebook renderer does not go through that path, nor do later updates. A
    preprocessing hook runs on every render and every update of any panel object, holoviews
    plots included, so swapping the links there covers all of them. Runs once per kernel.
    """
    import panel
    from panel.viewable import Viewable

    # panel's config maps `inline` onto its `_inline` parameter (read-only to mypy).
    setattr(panel.config, "inline", True)  # noqa: B010
    Viewable._preprocessing_hooks.append(_inline_stylesheets)
