"""Busy-loop watchdog: warn when a cell blocks the kernel's event loop while a runner is active.

The public path of :mod:`adaptive_nb._watchdog`, which holds the implementation on the engine's
side (it needs only the standard library, so a runner started in a kernel can install it without
loading the Jupyter stack). Importing this module installs nothing: the first runner started in
a kernel, or :func:`configure`, does.
"""

from __future__ import annotations

from adaptive_nb._watchdog import (
    KernelBlockedWarning,
    Watchdog,
    WatchdogState,
    add_listener,
    configure,
    get_watchdog,
    install,
    kernel_blocked,
    state,
    watch,
)

__all__ = [
    "KernelBlockedWarning",
    "Watchdog",
    "WatchdogState",
    "add_listener",
    "configure",
    "get_watchdog",
    "install",
    "kernel_blocked",
    "state",
    "watch",
]
