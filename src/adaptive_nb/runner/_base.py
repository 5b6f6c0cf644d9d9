"""What AsyncRunner and BlockingRunner share: arguments, the core, and the read-only views.

Both runner classes drive the same :class:`~adaptive_nb.runner._core.RunnerCore`: the AsyncRunner
from an asyncio task on the event loop (the kernel's loop in Jupyter), the BlockingRunner from a
blocking wait on a ``threading.Event``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.runner._core import FutureLike, RunnerCore
from adaptive_nb.runner._executors import ExecutorInfo, describe_executor, submit_chunked
from adaptive_nb.runner._goals import GoalType, make_goal

# How often an elastic executor's (dask, ipyparallel) workers are re-counted, in seconds.
_RECOUNT_INTERVAL = 2.0
# Evaluations shorter than this (seconds per worker) get a deeper queue of points in flight
# and, on process pools, are sent several points per task.
_SHORT_TASK = 0.002
# On a cluster, evaluations are grouped so that one task lasts at least this long (seconds).
_CLUSTER_TASK_TIME = 0.05
# Executor kinds whose workers can import adaptive_nb (it is installed where the parent runs),
# so a task may be our chunk evaluator (see submit_chunked).
_CHUNKABLE = frozenset({"processes", "loky"})


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def _is_asynchronous_dask_client(executor: Any) -> bool:
    if type(executor).__module__.split(".")[0] != "distributed":
        return False
    # ``Client.asynchronous`` is only True when asked from the client's own loop, so the flag
    # the client was created with (``Client(asynchronous=True)``) is checked too.
    return bool(getattr(executor, "asynchronous", False)) or bool(
        getattr(executor, "_asynchronous", False)
    )


class _BaseRunner:
    """What AsyncRunner and BlockingRunner share: arguments, the core, and read-only views."""

    def __init__(
        self,
        learner: Any,
        goal: GoalType | None,
        *,
        loss_goal: float | None,
        npoints_goal: int | None,
        end_time_goal: datetime | None,
        duration_goal: timedelta | float | None,
        executor: Any,
        ntasks: int | None,
        log: bool,
        shutdown_executor: bool,
        retries: int,
        raise_if_retries_exceeded: bool,
        allow_running_forever: bool,
    ) -> None:
        self.learner = learner
        self.goal: GoalType = make_goal(
            learner,
            goal,
            loss_goal=loss_goal,
            npoints_goal=npoints_goal,
            end_time_goal=end_time_goal,
            duration_goal=duration_goal,
            allow_running_forever=allow_running_forever,
        )
        if ntasks is not None and (
            isinstance(ntasks, bool) or not isinstance(ntasks, int) or ntasks < 1
        ):
            msg = f"ntasks must be a positive int (or None for the default), got {ntasks!r}."
            raise ValueError(msg)
        self._async_function = inspect.iscoroutinefunction(learner.function)
        self._executor_info: ExecutorInfo | None
        if self._async_function:
            if executor is not None:
                msg = (
                    "learner.function is an `async def` function: it runs on the event loop, "
                    "not in an executor. Remove executor=, or make the function synchronous."
                )
                raise ValueError(msg)
            self._executor_info = None
            self.executor: Any = None
        else:
            self._executor_info = describe_executor(executor)
            self.executor = self._executor_info.executor
        self.shutdown_executor = shutdown_executor
        self._ntasks = ntasks
        self._auto_ntasks: int | None = None  # the latest automatic ntasks (for overhead())
        self._nworkers: int | None = None
        self._nworkers_time = -math.inf
        self._short_tasks = False  # evaluations are much shorter than the executor round trip

        self.start_time = time.time()
        self.end_time: float | None = None
        self._error: BaseException | None = None
        self._core = RunnerCore(
            learner,
            self.goal,
            self._make_submit(),
            self._max_tasks,
            log=log,
            retries=retries,
            raise_if_retries_exceeded=raise_if_retries_exceeded,
            submit_many=self._make_submit_many(),
        )
        self.retries = retries
        self.raise_if_retries_exceeded = raise_if_retries_exceeded

    def _make_submit(self) -> Callable[[Any], FutureLike]:
        function = self.learner.function
        submit = self.executor.submit

        def _submit(x: Any) -> FutureLike:
            return submit(function, x)  # type: ignore[no-any-return]

        return _submit

    def _make_submit_many(self) -> Callable[[list[Any]], list[FutureLike]] | None:
        info = self._executor_info
        if info is not None and info.kind in _CHUNKABLE:
            return self._make_submit_chunked(info.executor)
        submit_many = getattr(self.executor, "submit_many", None)
        if self._async_function or submit_many is None:
            return None
        function = self.learner.function
        submit_chunks = getattr(self.executor, "submit_chunks", None)
        if submit_chunks is not None:

            def _submit_chunks(xs: list[Any]) -> list[FutureLike]:
                size = self._cluster_chunk_size(len(xs))
                if size == 1:
                    return submit_many(function, xs)  # type: ignore[no-any-return]
                chunks = [xs[i : i + size] for i in range(0, len(xs), size)]
                return submit_chunks(function, chunks)  # type: ignore[no-any-return]

            return _submit_chunks

        def _submit_many(xs: list[Any]) -> list[FutureLike]:
            return submit_many(function, xs)  # type: ignore[no-any-return]

        return _submit_many

    def _make_submit_chunked(self, executor: Any) -> Callable[[list[Any]], list[FutureLike]]:
        function = self.learner.function
        submit = executor.submit

        def _submit_many(xs: list[Any]) -> list[FutureLike]:
            # Only evaluations far shorter than a process pool's round trip are chunked: then
            # the pool's per-task cost in this process (a pipe write to wake its manager thread,
            # pickling, a result message) is what limits the rate, and one task per few points
            # divides it. Longer evaluations keep one task per point (no added latency).
            nworkers = self._nworkers or 1
            size = 1
            if self._short_tasks and self._auto_ntasks:
                size = max(1, min(len(xs), self._auto_ntasks // (2 * nworkers)))
            if size == 1:
                return [submit(function, x) for x in xs]
            return [*submit_chunked(submit, function, xs, size)]

        return _submit_many

    def _cluster_chunk_size(self, n: int) -> int:
        """Points per task on a cluster: each task should last at least _CLUSTER_TASK_TIME.

        A dask task costs the client (and a LocalCluster's scheduler, which runs in this
        process) milliseconds of CPU, whatever the function; measured on 2 workers with a
        20 ms function: ~5 ms of parent CPU per point with one point per task. Only automatic
        ntasks chunk, and at least two tasks per worker stay in flight.
        """
        ntasks, nworkers, latency = self._auto_ntasks, self._nworkers, self._core.latency
        if self._ntasks is not None or not ntasks or not nworkers or latency is None:
            return 1
        per_point = latency * nworkers / ntasks  # Little's law: service time of one point
        want = int(_CLUSTER_TASK_TIME / per_point) if per_point > 0 else n
        return max(1, min(n, ntasks // (2 * nworkers), want))

    def _max_tasks(self) -> int:
        # Called before every submission: a few attribute reads, no I/O (except re-counting an
        # elastic cluster's workers every _RECOUNT_INTERVAL seconds).
        if self._ntasks is not None:
            return self._ntasks
        info = self._executor_info
        if info is None:  # async function: one task per core, as in the reference
            if self._auto_ntasks is None:
                self._auto_ntasks = os.cpu_count() or 1
            return self._auto_ntasks
        now = monotonic()
        if self._nworkers is None or (
            info.elastic and now - self._nworkers_time > _RECOUNT_INTERVAL
        ):
            self._nworkers = info.nworkers()
            self._nworkers_time = now
        nworkers = self._nworkers
        ntasks = info.default_ntasks(nworkers)
        latency = self._core.latency
        if info.prefetches and latency is not None and latency * nworkers < _SHORT_TASK * ntasks:
            # Little's law: each worker spends latency * nworkers / ntasks per evaluation. For
            # evaluations this short the executor's round trip is the bottleneck, and a deeper
            # queue lets every wake-up of the runner collect and submit more at once (measured:
            # 2 process workers, trivial function, 8 in flight: 3800 points/s, 16: 6700).
            ntasks *= 2
            self._short_tasks = True
        else:
            self._short_tasks = False
        self._auto_ntasks = ntasks
        return ntasks

    # -- the reference's public members ----------------------------------------------------

    @property
    def log(self) -> list[tuple[Any, ...]] | None:
        """``("ask", n)`` and ``("tell", x, y)`` calls made on the learner, if ``log=True``."""
        return self._core.log

    @property
    def tracebacks(self) -> list[tuple[Any, str]]:
        """``(point, traceback text)`` for every point whose latest evaluation failed."""
        return self._core.tracebacks()

    @property
    def to_retry(self) -> list[tuple[Any, int]]:
        """``(point, number of failures)`` for points that will be evaluated again."""
        return self._core.to_retry()

    @property
    def failed(self) -> set[Any]:
        """The points that failed more than ``retries`` times."""
        return set(self._core.failed())

    @property
    def pending_points(self) -> list[tuple[FutureLike, Any]]:
        """``(future, point)`` for every point being evaluated."""
        return self._core.pending_points()

    def elapsed_time(self) -> float:
        """Return the seconds since the runner started (frozen once it has ended)."""
        end = self.end_time if self.end_time is not None else time.time()
        return max(0.0, end - self.start_time)

    def overhead(self) -> float:
        """Return the estimated percentage of time the workers were not evaluating the function.

        Estimated as ``100 * (1 - t_function / (ntasks * t_elapsed))``, where ``t_function`` is
        the summed time from submitting a point to its result arriving. It includes the
        executor's own latency, and is 0 before any result has arrived.
        """
        t_function = self._core.function_time
        elapsed = self.elapsed_time()
        if t_function <= 0 or elapsed <= 0:
            return 0.0
        ntasks = max(1, self._auto_ntasks or self._ntasks or 1)
        return max(0.0, min(100.0, 100.0 * (1.0 - t_function / (ntasks * elapsed))))

    def status(self) -> RunnerStatus:  # pragma: no cover - overridden
        """Return the runner's status."""
        raise NotImplementedError

    def snapshot(self) -> RunnerSnapshot:
        """Return the runner's state at this instant, cheaply (for widgets and dashboards).

        Costs O(1) plus one ``learner.loss()`` call; a loss that raises gives ``loss=None``.

        Returns
        -------
        RunnerSnapshot
        """
        status = self.status()
        try:
            loss: float | None = float(self.learner.loss())
        except Exception:  # the learner may not be able to compute a loss yet
            loss = None
        if loss is not None and not math.isfinite(loss):
            loss = None
        try:
            npoints = int(self.learner.npoints)
        except Exception:  # a learner whose npoints raises must not break the widgets
            npoints = 0
        core = self._core
        return RunnerSnapshot(
            status=status,
            elapsed_time=self.elapsed_time(),
            npoints=npoints,
            loss=loss,
            overhead=self.overhead(),
            n_pending=core.n_pending,
            n_failed=core.n_failed,
            last_traceback=core.last_traceback,
            error=self._error_text(status),
            last_save_time=self._last_save_time(),
            last_save_error=self._last_save_error(),
        )

    def _error_text(self, status: RunnerStatus) -> str | None:
        if status is RunnerStatus.FAILED and self._error is not None:
            return _one_line(self._error)
        return None

    def _last_save_time(self) -> float | None:
        return None

    def _last_save_error(self) -> str | None:
        return None

    def _shutdown_executor(self) -> None:
        if self.shutdown_executor and self.executor is not None:
            # wait=True: shutting loky down with wait=False can leave broken workers behind
            # (joblib/loky#241).
            self.executor.shutdown(wait=True)
