"""Helpers shared by the widgets: static bundle paths, runner access, ipykernel checks."""

from __future__ import annotations

import asyncio
import warnings
import weakref
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["STATIC", "check_ipykernel", "live_widgets", "register", "runner_task", "task_failure"]

STATIC = Path(__file__).resolve().parent.parent / "static"

_ipykernel_checked = False
_WIDGETS: weakref.WeakSet[Any] = weakref.WeakSet()


def register(widget: Any) -> None:
    """Remember a live widget (weakly), for :func:`live_widgets`."""
    _WIDGETS.add(widget)


def live_widgets(runner: Any = None) -> list[Any]:
    """Return the live widgets (``LiveInfo``/``LivePlot``) of ``runner``, or of all runners.

    ``runner.live_info()`` displays its widget and returns ``None`` (as in the reference
    library); this is how to get hold of it, e.g. to read ``widget.task``.
    """
    return [w for w in list(_WIDGETS) if runner is None or w.runner is runner]


def check_ipykernel() -> None:
    """Warn once when ipykernel is too old for Cancel to work while a cell awaits."""
    global _ipykernel_checked  # noqa: PLW0603 - a once-per-process flag
    if _ipykernel_checked:
        return
    _ipykernel_checked = True
    try:
        major, minor = (int(p) for p in version("ipykernel").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return
    if (major, minor) < (7, 4):
        warnings.warn(
            f"ipykernel {major}.{minor} handles widget clicks only after the running cell "
            "finishes, so Cancel does nothing while a cell awaits `runner.task`. "
            "Upgrade with `pip install 'ipykernel>=7.4'`.",
            RuntimeWarning,
            stacklevel=4,
        )


def runner_task(runner: Any) -> asyncio.Future[Any]:
    """Return the runner's asyncio task, or raise an error that says what to use instead."""
    task = getattr(runner, "task", None)
    if not isinstance(task, asyncio.Future):
        msg = (
            f"{type(runner).__name__} has no asyncio `task`; live widgets need an "
            "`adaptive.Runner` (AsyncRunner) started in this kernel."
        )
        raise TypeError(msg)
    return task


def task_failure(task: asyncio.Future[Any]) -> BaseException | None:
    """Return the exception that ended ``task``, if it is done and failed (not cancelled)."""
    if not task.done() or task.cancelled():
        return None
    return task.exception()
