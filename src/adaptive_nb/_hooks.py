"""Runner lifecycle hooks: how the notebook layer learns about runners (the engine stays unaware).

The engine never imports the notebook layer (DESIGN.md: the one-way dependency). Instead, an
observer registers a callback here, and ``AsyncRunner`` calls :func:`runner_started` once its task
is scheduled. The notebook layer's busy-loop watchdog subscribes when ``adaptive_nb.notebook`` is
imported (by ``notebook_extension()``, ``%load_ext adaptive_nb`` or the first live widget), or, in
an IPython kernel, when the first runner starts (see :func:`runner_started`).

Callbacks run synchronously on the thread that started the runner (the kernel's event-loop thread
in Jupyter), so they must be cheap. An exception in a callback is logged and never reaches the
runner: a broken observer must not stop a computation.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["add_runner_started_callback", "runner_started"]

logger = logging.getLogger(__name__)

RunnerCallback = Callable[[Any], None]

_lock = threading.Lock()
_started_callbacks: list[RunnerCallback] = []


def add_runner_started_callback(callback: RunnerCallback) -> Callable[[], None]:
    """Call ``callback(runner)`` each time an ``AsyncRunner`` starts.

    Parameters
    ----------
    callback
        Called with the runner, on the thread that created it, right after its task is scheduled.
        Adding the same callback twice registers it once.

    Returns
    -------
    Callable[[], None]
        Removes the callback again (idempotent).
    """
    with _lock:
        if callback not in _started_callbacks:
            _started_callbacks.append(callback)

    def remove() -> None:
        with _lock:
            if callback in _started_callbacks:
                _started_callbacks.remove(callback)

    return remove


def runner_started(runner: Any) -> None:
    """Tell the observers that ``runner`` has started (called by the runner itself).

    Parameters
    ----------
    runner
        The runner whose ``task`` was just scheduled.
    """
    _load_notebook_layer_in_a_kernel()
    with _lock:
        callbacks = list(_started_callbacks)
    for callback in callbacks:
        try:
            callback(runner)
        except Exception:  # an observer's bug must not break the runner
            logger.exception("runner-started callback %r failed", callback)


def _load_notebook_layer_in_a_kernel() -> None:
    # A user who busy-waits on a runner has often called neither notebook_extension() nor a
    # widget, and that is exactly the user the watchdog is for. So inside a running IPython kernel
    # (ipykernel is already imported: this costs no import in scripts or worker processes) the
    # first runner loads the notebook layer, which subscribes the watchdog. Outside a kernel the
    # engine stays free of the Jupyter stack.
    if "adaptive_nb.notebook" in sys.modules:
        return
    kernel_app = sys.modules.get("ipykernel.kernelapp")
    if kernel_app is None or not kernel_app.IPKernelApp.initialized():
        return
    try:
        importlib.import_module("adaptive_nb.notebook")
    except Exception:  # a broken Jupyter install must not stop a computation
        logger.exception("could not load adaptive_nb.notebook (busy-loop watchdog)")
