"""Adapters for executors in this process: sequential, a thread pool, and the event loop.

Their round trip is nearly free, so they keep exactly one point in flight per worker (no
prefetch). None of them can kill a running evaluation: a thread still running is abandoned, with
a warning, and an ``async def`` function's task is cancelled at its next ``await``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from adaptive_nb.runner._executors._base import Adapter, max_workers, warn_abandoned
from adaptive_nb.runner._protocols import FutureLike, StopOutcome

__all__ = ["EventLoopAdapter", "SequentialAdapter", "ThreadPoolAdapter"]


class SequentialAdapter(Adapter):
    """``SequentialExecutor``: evaluates in ``submit``, one point at a time."""

    prefetches = False

    def nworkers(self) -> int:
        return 1


class ThreadPoolAdapter(Adapter):
    """``concurrent.futures.ThreadPoolExecutor``: a nearly free round trip, no prefetch."""

    prefetches = False

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut down; with ``kill``, abandon the threads still running, with a warning."""
        super().shutdown(kill=kill)
        if kill:
            warn_abandoned(self.describe(), "at shutdown")

    def nworkers(self) -> int:
        return max_workers(self.executor)


class EventLoopAdapter(Adapter):
    """An ``async def`` function: each point is a task on the event loop, one per core."""

    prefetches = False

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(None)
        self._loop = loop

    def nworkers(self) -> int:
        return os.cpu_count() or 1

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        return self._loop.create_task(function(x))

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        return [self._loop.create_task(function(x)) for x in xs]

    def shutdown(self, *, kill: bool = False) -> None:
        """Do nothing: there is no executor (the event loop belongs to its owner)."""

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Cancel the tasks: an ``async def`` function stops at its next ``await``."""
        for f in futures:
            f.cancel()
        return "cancelled"
