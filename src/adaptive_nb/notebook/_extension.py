"""``notebook_extension()``: prepare a kernel for adaptive_nb's widgets and learner plots."""

from __future__ import annotations

import warnings

from adaptive_nb import _hooks

__all__ = ["in_ipykernel", "notebook_extension"]


def in_ipykernel() -> bool:
    """Return True inside any ipykernel-based front end (JupyterLab, Notebook, VS Code, Colab, ...).

    Any shell that carries a kernel counts, including subclasses of ``ZMQInteractiveShell`` such
    as Colab's. The same check as the engine's (:func:`adaptive_nb._hooks.in_kernel`).
    """
    return _hooks.in_kernel()


def notebook_extension(*, _inline_js: bool = True) -> None:
    """Enable live widgets and holoviews plotting in this notebook. Safe to call more than once.

    The live widgets are anywidgets and need nothing loaded. For ``learner.plot()``, holoviews'
    bokeh backend is loaded with BokehJS *inlined* into the notebook (nothing is fetched from the
    internet, so it works offline, e.g. on cluster login nodes).

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
        # Re-run every call: the page's JS is gone after the notebook is reopened.
        holoviews.extension("bokeh", logo=False, inline=_inline_js)
