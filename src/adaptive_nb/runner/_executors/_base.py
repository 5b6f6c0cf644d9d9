"""What every executor adapter shares: worker counting, the automatic ntasks, submit, shutdown.

The subclasses, one per kind of executor, live in the sibling modules and override only what
differs for their kind.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable
from time import monotonic
from typing import Any

from adaptive_nb.exceptions import RunnerWarning
from adaptive_nb.runner._protocols import FutureLike, StopOutcome, cancel_all

__all__ = ["Adapter", "max_workers", "warn_abandoned"]

# How often an elastic executor's (dask, ipyparallel) workers are re-counted, in seconds.
_RECOUNT_INTERVAL = 2.0
# Evaluations shorter than this (seconds per worker) get a deeper queue of points in flight
# and, on process pools, are sent several points per task.
_SHORT_TASK = 0.002
# Evaluations at least this long (seconds) get exactly one point per worker, as the reference:
# a queued point would hide only the round trip (1-10 ms), while every queued point is chosen
# with less information, and one that a pool has handed to a worker's call queue outlives
# cancel() and holds up the next runner on the pool. Measured on the reference's DataSaver page
# (0.5 s evaluations on 2 workers, loss_goal=0.1): 8 in flight needed 39-44 points (11-14 s),
# one per worker 34-35 (8-10 s), the reference 33 (8-10 s).
_LONG_TASK = 0.1


class Adapter:
    """What every adapter shares: the executor, its worker count and the automatic ntasks.

    Subclasses say how to count workers (``nworkers``), whether points are queued beyond one
    per worker (``prefetches``), whether the worker count can change (``elastic``) and, where
    it pays, how to submit a batch (``submit_many``, with ``batches = True``).
    """

    elastic = False
    prefetches = True
    batches = False
    replaceable = False

    def __init__(self, executor: Any, *, owned: bool = False) -> None:
        self.executor = executor
        self.owned = owned  # the runner chose this executor (executor=None): it may replace it
        self.auto_ntasks: int | None = None  # the latest automatic ntasks (None: never asked)
        self._nworkers: int | None = None  # the latest worker count
        self._nworkers_time = -math.inf
        self._short_tasks = False  # evaluations are much shorter than the executor round trip

    def nworkers(self) -> int:
        """Return how many function evaluations the executor can run at the same time."""
        raise NotImplementedError

    def default_ntasks(self, nworkers: int) -> int:
        """Return how many points to keep in flight for ``nworkers`` workers.

        A worker that finishes must not sit idle while its result travels back, the learner
        suggests a new point and that point travels out. Process pools and clusters therefore
        get a queued point per worker plus a few more, so that one wake-up of the runner
        collects several results (measured on 2 workers: 4 in flight gave 0.73 dask efficiency
        for a 20 ms function, 8 gave 0.80, more gave nothing). Thread pools and the sequential
        executor, whose round trip is nearly free, get exactly one point per worker, and so
        does every executor for evaluations of ``_LONG_TASK`` or more (see :meth:`max_tasks`).
        """
        if not self.prefetches:
            return nworkers
        return 2 * nworkers + 4

    def max_tasks(self, latency: float | None) -> int:
        """Return how many points to keep in flight, given the mean evaluation latency.

        Called before every submission: a few attribute reads, no I/O (except re-counting an
        elastic cluster's workers every ``_RECOUNT_INTERVAL`` seconds). The answer, and the
        short-task mode it decides, size the batches of the following ``submit_many`` calls.
        """
        now = monotonic()
        if self._nworkers is None or (
            self.elastic and now - self._nworkers_time > _RECOUNT_INTERVAL
        ):
            self._nworkers = self.nworkers()
            self._nworkers_time = now
        nworkers = self._nworkers
        ntasks = self.default_ntasks(nworkers)
        self._short_tasks = False
        if not self.prefetches:
            self.auto_ntasks = ntasks
            return ntasks
        # Little's law: with auto_ntasks in flight, one evaluation takes about
        # latency * nworkers / auto_ntasks (the latency includes the wait in the queue).
        if latency is None or latency * nworkers >= _LONG_TASK * (self.auto_ntasks or ntasks):
            # One point per worker while nothing is measured (a quick function's first results
            # arrive within milliseconds and deepen the queue) and for long evaluations.
            ntasks = min(ntasks, max(nworkers, 1))
        elif latency * nworkers < _SHORT_TASK * ntasks:
            # For evaluations this short the executor's round trip is the bottleneck, and a
            # deeper queue lets every wake-up of the runner collect and submit more at once
            # (measured: 2 process workers, trivial function, 8 in flight: 3800 points/s, 16:
            # 6700).
            ntasks *= 2
            self._short_tasks = True
        self.auto_ntasks = ntasks
        return ntasks

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        """Start evaluating ``function(x)``."""
        return self.executor.submit(function, x)  # type: ignore[no-any-return]

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        """Start evaluating ``function`` on every point of ``xs``; one future per point."""
        submit = self.executor.submit
        return [submit(function, x) for x in xs]

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut the executor down, waiting for its workers to exit.

        With ``kill`` (an evaluation is still running), futures not started are cancelled and
        the running ones are not waited for: a generic executor cannot stop them.
        """
        if kill:
            self.executor.shutdown(wait=False, cancel_futures=True)
            return
        # wait=True: shutting loky down with wait=False can leave broken workers behind
        # (joblib/loky#241).
        self.executor.shutdown(wait=True)

    # -- faults (see FaultHandler) -----------------------------------------------------------

    def is_worker_death(self, error: BaseException) -> bool:
        """Return whether ``error`` reports a dead worker (none, for a generic executor)."""
        return False

    def recover(self) -> bool:
        """Return False: a generic executor cannot be repaired by the runner."""
        return False

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Cancel the futures; those already running are abandoned, with a warning."""
        if cancel_all(futures):
            return "cancelled"
        warn_abandoned(self.describe(), "after its evaluation_timeout")
        return "abandoned"

    def describe(self) -> str:
        """Name the executor for messages."""
        whose = "the runner's" if self.owned else "the"
        suffix = "" if self.owned else " you passed in"
        return f"{whose} {type(self.executor).__name__}{suffix}"


def warn_abandoned(executor: str, when: str) -> None:
    """Warn that an evaluation still running on ``executor`` is abandoned (``when``: why now)."""
    warnings.warn(
        f"An evaluation still running {when} cannot be stopped on {executor}: it is "
        "abandoned and keeps a worker busy until it returns (a thread cannot be killed). Use a "
        "process pool (executor=None for loky) to have hung evaluations stopped.",
        RunnerWarning,
        stacklevel=4,
    )


def max_workers(executor: Any) -> int:
    """Return the worker count of a thread or process pool (the CPU count if it has none)."""
    # ProcessPoolExecutor, ThreadPoolExecutor and loky have no public worker count; the private
    # ``_max_workers`` (set from the constructor argument) is stable across Python versions and
    # loky releases, and the reference relies on it too.
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    return os.cpu_count() or 1
