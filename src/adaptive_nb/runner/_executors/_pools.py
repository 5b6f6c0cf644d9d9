"""Process pools: loky (the default executor), ``ProcessPoolExecutor`` and any other executor.

Their workers can import adaptive_nb, so short evaluations are sent several points per task
(see ``_chunks``), and a hung evaluation is stopped by killing the pool's workers; loky's
reusable pool is then replaced by a new one.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from time import monotonic
from typing import Any

from adaptive_nb.runner._executors._base import Adapter, max_workers
from adaptive_nb.runner._executors._chunks import submit_chunked
from adaptive_nb.runner._executors._lookup import is_instance_of
from adaptive_nb.runner._protocols import FutureLike, StopOutcome, cancel_all
from adaptive_nb.runner._shipping import ship

__all__ = ["ProcessPoolAdapter", "default_executor"]


def default_executor() -> cf.Executor:
    """Return loky's reusable process pool, shared by all runners that get no executor.

    Notes
    -----
    loky ships the function by value with cloudpickle, so functions and lambdas defined in a
    notebook work. A stdlib ``ProcessPoolExecutor`` pickles functions by reference and its
    workers must import them from ``__main__``, which fails for interactively defined functions
    with the "spawn" and "forkserver" start methods (the Linux default from Python 3.14; see
    CPython gh-84559).
    """
    import loky

    return loky.get_reusable_executor()  # type: ignore[no-any-return]


class ProcessPoolAdapter(Adapter):
    """loky, ``ProcessPoolExecutor`` and any other ``concurrent.futures.Executor``.

    Their workers can import adaptive_nb (it is installed where the parent runs), so a task may
    be our chunk evaluator (see :func:`submit_chunked`).
    """

    batches = True

    def __init__(self, executor: Any, *, owned: bool = False) -> None:
        super().__init__(executor, owned=owned)
        self._shipped: tuple[Any, Any] | None = None  # (function, its ShippedFunction)
        # loky's process-wide reusable executor is replaced by loky itself when broken, so a
        # runner may replace it whoever passed it in; any other pool is the user's to replace.
        self._reusable = is_instance_of(executor, "loky.reusable_executor", "_ReusablePoolExecutor")
        self.replaceable = self._reusable

    # -- faults: a dead worker breaks the whole pool (every evaluation in flight fails) -----

    def is_worker_death(self, error: BaseException) -> bool:
        """Return True for loky's TerminatedWorkerError and the stdlib's BrokenProcessPool."""
        return isinstance(error, BrokenProcessPool)

    def recover(self) -> bool:
        """Replace loky's broken reusable executor by a new one; other pools are the user's."""
        if not self._reusable:
            return False
        import loky

        old = self.executor
        _wait_until_broken(old)
        self.executor = loky.get_reusable_executor(max_workers=max_workers(old))
        return True

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Kill the pool's workers (which one runs which task is unknown) and replace it.

        Evaluations that have not started are only cancelled. A pool the runner may not
        replace is broken by this: the runner then stops with an error that says so.
        """
        if cancel_all(futures):
            return "cancelled"
        if self._reusable:
            _kill_pool_processes(self.executor)
            self.recover()
            return "replaced"
        if _kill_pool_processes(self.executor):
            return "broken"
        return super().stop(futures)

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut the pool down; with ``kill``, stop the workers still evaluating first."""
        if not kill:
            super().shutdown()
        elif _kill_pool_processes(self.executor):
            _wait_until_broken(self.executor)
            self.executor.shutdown(wait=True)  # joins the manager thread, which has ended
        else:
            super().shutdown(kill=True)

    def nworkers(self) -> int:
        return max_workers(self.executor)

    def _ship(self, function: Callable[[Any], Any]) -> Any:
        # Pickled once per function, not once per task, with the pickler that does not depend
        # on the order of imports in this process (see _shipping).
        if self._shipped is None or self._shipped[0] is not function:
            self._shipped = (function, ship(function))
        return self._shipped[1]

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        """Start evaluating ``function(x)``."""
        return self.executor.submit(self._ship(function), x)  # type: ignore[no-any-return]

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        function = self._ship(function)
        # Only evaluations far shorter than a process pool's round trip are chunked: then the
        # pool's per-task cost in this process (a pipe write to wake its manager thread,
        # pickling, a result message) is what limits the rate, and one task per few points
        # divides it. Longer evaluations keep one task per point (no added latency).
        submit = self.executor.submit
        nworkers = self._nworkers or 1
        size = 1
        if self._short_tasks and self.auto_ntasks:
            size = max(1, min(len(xs), self.auto_ntasks // (2 * nworkers)))
        if size == 1:
            return [submit(function, x) for x in xs]
        return [*submit_chunked(submit, function, xs, size)]


def _kill_pool_processes(executor: Any) -> bool:
    """SIGKILL the workers of a stdlib or loky process pool; False if it has none we can see."""
    # ``_processes`` (pid -> Process) is private but has been stable in concurrent.futures
    # since 3.2 and in loky; Python 3.14's ``kill_workers()`` is the public successor.
    kill_workers = getattr(executor, "kill_workers", None)
    if callable(kill_workers):
        kill_workers()
        return True
    processes = getattr(executor, "_processes", None)
    if not isinstance(processes, dict):
        return False
    for process in list(processes.values()):
        pid = getattr(process, "pid", None)
        if isinstance(pid, int):
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signal.SIGKILL)
    return True


def _wait_until_broken(executor: Any, limit: float = 5.0) -> None:
    """Wait (briefly) until loky's manager thread has noticed its killed workers.

    Killing the workers, not ``shutdown(kill_workers=True)``: loky's broken-pool path skips
    futures the runner has cancelled, its shutdown path raises on them in its manager thread.
    A pool noticed as broken is the one ``loky.get_reusable_executor`` then replaces.
    """
    flags = getattr(executor, "_flags", None)
    deadline = monotonic() + limit
    while flags is not None and not flags.broken and not flags.shutdown:
        if monotonic() > deadline:
            return
        time.sleep(0.005)
