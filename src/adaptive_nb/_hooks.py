"""The engine's one seam towards observers: active runners, runner-started callbacks, the kernel.

The engine never imports the notebook layer (DESIGN.md: the one-way dependency). An observer
registers a callback here, and ``AsyncRunner`` calls :func:`runner_started` once its task is
scheduled. This module also keeps the registry of running AsyncRunners (:func:`active_runners`)
and answers the one question the engine asks about its surroundings: :func:`in_kernel`.

Inside an IPython kernel the first runner installs the busy-loop watchdog
(:func:`adaptive_nb._watchdog.install`, standard library only), so a user who busy-waits on a
runner is warned without having loaded any widget. Outside a kernel nothing is installed.

Callbacks run synchronously on the thread that started the runner (the kernel's event-loop thread
in Jupyter), so they must be cheap. An exception in a callback is logged and never reaches the
runner: a broken observer must not stop a computation.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from adaptive_nb._protocols import ObservedRunner

__all__ = ["active_runners", "add_runner_started_callback", "in_kernel", "runner_started"]

logger = logging.getLogger(__name__)

RunnerCallback = Callable[[ObservedRunner], None]

_lock = threading.Lock()
_started_callbacks: list[RunnerCallback] = []
# Runners whose task has not ended yet, in start order; each drops out when its task ends.
_active: dict[int, ObservedRunner] = {}


def in_kernel() -> bool:
    """Return whether this process is an IPython kernel (JupyterLab, Notebook, VS Code, Colab, ...).

    Only ``sys.modules`` is read, so the answer costs no import: outside a kernel IPython and
    ipykernel stay unloaded. What counts is a shell that carries a kernel (and so comms), whatever
    the shell's class, so front ends with their own shell subclass count too.

    Returns
    -------
    bool
        ``True`` inside a running IPython kernel.
    """
    if "ipykernel" not in sys.modules:
        return False
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def active_runners() -> list[ObservedRunner]:
    """Return the AsyncRunners that are currently running, oldest first.

    Returns
    -------
    list of AsyncRunner
        Runners whose task has not ended; a runner drops out as soon as its task ends.
    """
    with _lock:
        runners = list(_active.values())
    return [r for r in runners if not r.task.done()]


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


def runner_started(runner: ObservedRunner) -> None:
    """Register ``runner`` as active and tell the observers (called by the runner itself).

    Parameters
    ----------
    runner
        The runner whose ``task`` was just scheduled; it stays in :func:`active_runners` until
        that task ends.
    """
    key = id(runner)
    with _lock:
        _active[key] = runner
    runner.task.add_done_callback(lambda _: _forget(key))
    if in_kernel():
        _install_watchdog()
    with _lock:
        callbacks = list(_started_callbacks)
    for callback in callbacks:
        try:
            callback(runner)
        except Exception:  # an observer's bug must not break the runner
            logger.exception("runner-started callback %r failed", callback)


def _forget(key: int) -> None:
    with _lock:
        _active.pop(key, None)


def _install_watchdog() -> None:
    # The watchdog observes this module, so it sits above it; this lazy import is the one edge
    # back (listed in the import-linter contract). install() is idempotent and cheap once done.
    from adaptive_nb import _watchdog

    try:
        _watchdog.install()
    except Exception:  # a watchdog bug must not stop a computation
        logger.exception("could not install the busy-loop watchdog")
