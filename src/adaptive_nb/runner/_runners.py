"""AsyncRunner (= Runner), BlockingRunner, simple and replay_log.

Both runner classes drive the same :class:`~adaptive_nb.runner._core.RunnerCore`: the AsyncRunner
from an asyncio task on the event loop (the kernel's loop in Jupyter), the BlockingRunner from a
blocking wait on a ``threading.Event``. The BlockingRunner never touches an event loop, so it
works in a script and inside a notebook cell (where a loop is already running) alike.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import inspect
import math
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from adaptive_nb import _hooks
from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.exceptions import EvaluationError, SaveFailedWarning
from adaptive_nb.runner._core import FutureLike, RunnerCore
from adaptive_nb.runner._executors import ExecutorInfo, describe_executor, submit_chunked
from adaptive_nb.runner._goals import GoalType, make_goal

__all__ = [
    "AsyncRunner",
    "BlockingRunner",
    "EvaluationError",
    "Runner",
    "SaveFailedWarning",
    "replay_log",
    "simple",
    "stop_after",
]

# Learners are pickled and written in these threads, so a big save never stalls the event loop
# on file I/O or compression (both release the GIL).
_SAVE_POOL: cf.ThreadPoolExecutor | None = None
_SAVE_POOL_LOCK = threading.Lock()

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


def _save_pool() -> cf.ThreadPoolExecutor:
    global _SAVE_POOL  # noqa: PLW0603 - created lazily: most sessions never save
    with _SAVE_POOL_LOCK:
        if _SAVE_POOL is None:
            _SAVE_POOL = cf.ThreadPoolExecutor(max_workers=4, thread_name_prefix="adaptive_nb-save")
        return _SAVE_POOL


_THREAD_LOOPS = threading.local()


def _get_or_create_loop() -> asyncio.AbstractEventLoop:
    """Return the running loop; outside one, a loop of our own for this thread (reused)."""
    running = _running_loop()
    if running is not None:
        return running
    loop: asyncio.AbstractEventLoop | None = getattr(_THREAD_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        _THREAD_LOOPS.loop = loop
    return loop


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


class BlockingRunner(_BaseRunner):
    """Run a learner until its goal is reached, blocking the calling thread.

    Works in a script and inside a Jupyter cell (it blocks the kernel until done: use
    :class:`AsyncRunner` to keep the notebook responsive).

    Parameters
    ----------
    learner : BaseLearner
        The learner to run.
    goal : callable, optional
        ``goal(learner) -> bool``; stop once it returns True.
    loss_goal : float, optional
        Stop once ``learner.loss() <= loss_goal``.
    npoints_goal : int, optional
        Stop once ``learner.npoints >= npoints_goal`` (for a BalancingLearner: every child).
    end_time_goal : datetime, optional
        Stop at this wall-clock time.
    duration_goal : timedelta or float, optional
        Stop after this long (seconds if a number).
    executor : optional
        Where to evaluate ``learner.function``: ``None`` for loky's reusable process pool, any
        ``concurrent.futures.Executor`` (``SequentialExecutor``, ``ProcessPoolExecutor``,
        ``mpi4py.futures.MPIPoolExecutor``, ...), a ``distributed.Client`` or an
        ``ipyparallel.Client``.
    ntasks : int, optional
        How many points to evaluate at once; by default the number of workers, plus a
        prefetch for process pools and clusters so workers never wait for the next point.
        With the default, evaluations much shorter than the executor's round trip (process
        pools: under ~2 ms; dask: under ~50 ms) travel several points per task, each point
        still with its own result, error and retries; an explicit ``ntasks`` sends one point
        per task.
    log : bool
        Record the learner calls in ``runner.log`` (see :func:`replay_log`).
    shutdown_executor : bool
        Shut the executor down when done.
    retries : int
        How many times to re-evaluate a point whose evaluation raised.
    raise_if_retries_exceeded : bool
        Raise :class:`EvaluationError` when a point fails more than ``retries`` times;
        otherwise the point is skipped (see ``runner.failed``).

    Exactly one goal is required.

    Raises
    ------
    EvaluationError
        When ``learner.function`` raised (after ``retries``), chained to the original error.
    """

    def __init__(
        self,
        learner: Any,
        goal: GoalType | None = None,
        *,
        loss_goal: float | None = None,
        npoints_goal: int | None = None,
        end_time_goal: datetime | None = None,
        duration_goal: timedelta | float | None = None,
        executor: Any = None,
        ntasks: int | None = None,
        log: bool = False,
        shutdown_executor: bool = False,
        retries: int = 0,
        raise_if_retries_exceeded: bool = True,
    ) -> None:
        if inspect.iscoroutinefunction(learner.function):
            msg = (
                "BlockingRunner cannot evaluate an `async def` function; use "
                "`runner = adaptive.Runner(learner, ...)` and `await runner.task`."
            )
            raise ValueError(msg)
        if _is_asynchronous_dask_client(executor):
            msg = (
                "An asynchronous dask Client delivers results on the event loop, which a "
                "BlockingRunner would block: use AsyncRunner with it, or a synchronous Client."
            )
            raise ValueError(msg)
        super().__init__(
            learner,
            goal,
            loss_goal=loss_goal,
            npoints_goal=npoints_goal,
            end_time_goal=end_time_goal,
            duration_goal=duration_goal,
            executor=executor,
            ntasks=ntasks,
            log=log,
            shutdown_executor=shutdown_executor,
            retries=retries,
            raise_if_retries_exceeded=raise_if_retries_exceeded,
            allow_running_forever=False,
        )
        self._status = RunnerStatus.RUNNING
        self._cancel_requested = False
        self._event = threading.Event()
        self._core.wake = self._event.set
        self._run()

    def _run(self) -> None:
        core, event = self._core, self._event
        status = RunnerStatus.FINISHED
        try:
            if core.max_tasks() < 1:
                msg = "The executor has no workers; start some, or pass ntasks=."
                raise RuntimeError(msg)
            while not self._cancel_requested and not core.goal_reached():
                core.fill()
                if core.exhausted:
                    break
                while not core.has_results() and not self._cancel_requested:
                    event.clear()
                    if not core.has_results():
                        event.wait()
                if self._cancel_requested:
                    break
                core.collect()
            if self._cancel_requested:
                status = RunnerStatus.CANCELLED
        except KeyboardInterrupt:
            status = RunnerStatus.CANCELLED
            raise
        except BaseException as e:
            status = RunnerStatus.FAILED
            self._error = e
            raise
        finally:
            try:
                core.finish()
            finally:
                self.end_time = time.time()
                self._status = status
                self._shutdown_executor()

    def status(self) -> RunnerStatus:
        """Return ``"running"``, ``"cancelled"``, ``"failed"`` or ``"finished"``."""
        return self._status

    def cancel(self) -> None:
        """Stop the runner from another thread; results that have arrived are kept."""
        self._cancel_requested = True
        self._event.set()


class AsyncRunner(_BaseRunner):
    """Run a learner in an asyncio task, in the background (the kernel's event loop in Jupyter).

    Parameters
    ----------
    learner : BaseLearner
        The learner to run.
    goal : callable, optional
        ``goal(learner) -> bool``; stop once it returns True. Without any goal the runner
        runs until :meth:`cancel` is called.
    loss_goal, npoints_goal, end_time_goal, duration_goal : optional
        Shortcuts for common goals, as for :class:`BlockingRunner`; give at most one goal.
    executor : optional
        As for :class:`BlockingRunner`. ``async def`` functions run on the event loop and
        take no executor.
    ntasks : int, optional
        How many points to evaluate at once (default: workers plus a prefetch; short
        evaluations then travel several points per task, see :class:`BlockingRunner`).
    log : bool
        Record the learner calls in ``runner.log`` (see :func:`replay_log`).
    shutdown_executor : bool
        Shut the executor down when the runner ends.
    ioloop : asyncio.AbstractEventLoop, optional
        The loop to run on; default: the running loop, or (outside one) a loop of our own,
        which :meth:`block_until_done` runs.
    retries, raise_if_retries_exceeded
        As for :class:`BlockingRunner`; a failure that ends the runner makes
        ``runner.task.result()`` raise :class:`EvaluationError`.

    Attributes
    ----------
    task : asyncio.Task
        The task doing the work; ``await runner.task`` waits for the end.
    learner, log, tracebacks, to_retry, failed, pending_points, start_time, end_time
        See the reference library; all readable while running.
    """

    def __init__(
        self,
        learner: Any,
        goal: GoalType | None = None,
        *,
        loss_goal: float | None = None,
        npoints_goal: int | None = None,
        end_time_goal: datetime | None = None,
        duration_goal: timedelta | float | None = None,
        executor: Any = None,
        ntasks: int | None = None,
        log: bool = False,
        shutdown_executor: bool = False,
        ioloop: asyncio.AbstractEventLoop | None = None,
        retries: int = 0,
        raise_if_retries_exceeded: bool = True,
    ) -> None:
        self.ioloop = ioloop if ioloop is not None else _get_or_create_loop()
        super().__init__(
            learner,
            goal,
            loss_goal=loss_goal,
            npoints_goal=npoints_goal,
            end_time_goal=end_time_goal,
            duration_goal=duration_goal,
            executor=executor,
            ntasks=ntasks,
            log=log,
            shutdown_executor=shutdown_executor,
            retries=retries,
            raise_if_retries_exceeded=raise_if_retries_exceeded,
            allow_running_forever=True,
        )
        self._cancel_requested = False
        self._waiter: asyncio.Future[None] | None = None
        self._wake_scheduled = False
        self._core.wake = self._wake_threadsafe
        self._saving: asyncio.Future[None] | None = None  # the save running in a thread
        self._save_time: float | None = None
        self._save_error: str | None = None
        self.saving_task: asyncio.Task[None] | None = None
        self.task: asyncio.Task[None] = self.ioloop.create_task(
            self._run(), name=f"adaptive_nb.AsyncRunner-{id(self):x}"
        )
        _hooks.runner_started(self)  # registers it in active_runners(); tells the observers
        self.task.add_done_callback(self._on_task_done)

    def _make_submit(self) -> Callable[[Any], FutureLike]:
        if not self._async_function:
            return super()._make_submit()
        function, loop = self.learner.function, self.ioloop

        def _submit(x: Any) -> FutureLike:
            return loop.create_task(function(x))

        return _submit

    # -- waking the task from executor threads ----------------------------------------------

    def _wake_threadsafe(self) -> None:
        # Called from whichever thread finished a future. One wake-up per batch: results that
        # arrive while a wake-up is already scheduled are picked up by it.
        if self._wake_scheduled:
            return
        self._wake_scheduled = True
        with contextlib.suppress(RuntimeError):  # loop closed: nobody is waiting any more
            self.ioloop.call_soon_threadsafe(self._wake_on_loop)

    def _wake_on_loop(self) -> None:
        self._wake_scheduled = False
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _run(self) -> None:  # noqa: PLR0912 - one linear loop reads best
        core = self._core
        loop = self.ioloop
        try:
            if core.max_tasks() < 1:
                msg = "The executor has no workers; start some, or pass ntasks=."
                raise RuntimeError(msg)
            while not core.goal_reached():
                core.fill()
                if core.exhausted:
                    break
                if core.has_results():
                    # Results are already there (e.g. SequentialExecutor): still yield, so the
                    # kernel, widgets and a Cancel click get their turn between points.
                    await asyncio.sleep(0)
                while not core.has_results():
                    self._waiter = loop.create_future()
                    try:
                        await self._waiter
                    finally:
                        self._waiter = None
                if self._saving is not None:
                    # A save is reading the learner in a thread: don't change it meanwhile.
                    await asyncio.wait([self._saving])
                core.collect()
        except BaseException as e:
            if not isinstance(e, asyncio.CancelledError):
                self._error = e
            raise
        finally:
            if self._saving is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([self._saving])
            try:
                core.finish()
            finally:
                self.end_time = time.time()
                if self.shutdown_executor and self.executor is not None:
                    await asyncio.to_thread(self._shutdown_executor)

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        if self.end_time is None:  # cancelled before it ever ran
            self.end_time = time.time()

    # -- control and status ----------------------------------------------------------------

    def status(self) -> RunnerStatus:
        """Return ``"running"``, ``"cancelled"``, ``"failed"`` or ``"finished"``.

        ``"cancelled"`` is reported as soon as :meth:`cancel` is called, even before the task
        has processed the cancellation.
        """
        task = self.task
        if not task.done():
            return RunnerStatus.CANCELLED if self._cancel_requested else RunnerStatus.RUNNING
        if task.cancelled():
            return RunnerStatus.CANCELLED
        if task.exception() is not None:
            return RunnerStatus.FAILED
        return RunnerStatus.FINISHED

    def cancel(self) -> None:
        """Stop the runner; results that have already arrived are kept.

        Equivalent to ``runner.task.cancel()``; safe to call from any thread.
        """
        if self.task.done():
            return
        self._cancel_requested = True
        running = _running_loop()
        if running is self.ioloop or not self.ioloop.is_running():
            self.task.cancel()
        else:
            self.ioloop.call_soon_threadsafe(self.task.cancel)

    def block_until_done(self) -> None:
        """Run the event loop until the runner is done (in a script).

        Raises
        ------
        RuntimeError
            When an event loop is already running here (e.g. in a Jupyter notebook): there,
            use ``await runner.task`` instead.
        """
        if self.ioloop.is_running() or _running_loop() is not None:
            msg = (
                "Cannot block: an event loop is already running here (e.g. a Jupyter kernel). "
                "Use `await runner.task` instead, or adaptive.BlockingRunner to block on purpose."
            )
            raise RuntimeError(msg)
        self.ioloop.run_until_complete(self.task)

    def _error_text(self, status: RunnerStatus) -> str | None:
        if status is RunnerStatus.FAILED:
            exc = self.task.exception()
            if exc is not None:
                return _one_line(exc)
        return None

    # -- periodic saving ---------------------------------------------------------------------

    def start_periodic_saving(
        self,
        save_kwargs: dict[str, Any] | None = None,
        interval: float = 30,
        method: Callable[..., Any] | None = None,
    ) -> asyncio.Task[None]:
        """Save the learner every ``interval`` seconds, and once more when the runner ends.

        The learner is pickled and written in a thread, so the event loop (and the kernel)
        keeps running; the runner does not change the learner while a save reads it. A save
        that fails emits a :class:`SaveFailedWarning` and shows in
        ``runner.snapshot().last_save_error``; the runner keeps going.

        Parameters
        ----------
        save_kwargs : dict, optional
            Keyword arguments for ``learner.save(**save_kwargs)``, e.g. ``dict(fname=...)``.
        interval : float
            Seconds between saves.
        method : callable, optional
            ``method(learner, **save_kwargs)`` is called instead of ``learner.save``.

        Returns
        -------
        asyncio.Task
            The saving task (also ``runner.saving_task``).
        """
        kwargs = dict(save_kwargs or {})
        if method is None and not kwargs:
            msg = "Pass save_kwargs=dict(fname=...) (or a method=) to start_periodic_saving."
            raise ValueError(msg)
        if not interval > 0:
            msg = f"interval must be a positive number of seconds, got {interval!r}."
            raise ValueError(msg)
        learner = self.learner

        def save() -> None:
            if method is None:
                learner.save(**kwargs)
            else:
                method(learner, **kwargs)

        if self.saving_task is not None and not self.saving_task.done():
            self.saving_task.cancel()  # one saver per runner: the new settings replace the old
        self.saving_task = self.ioloop.create_task(
            self._periodic_saver(save, interval), name=f"adaptive_nb.saver-{id(self):x}"
        )
        return self.saving_task

    async def _periodic_saver(self, save: Callable[[], None], interval: float) -> None:
        while True:
            finished = self.task.done()
            if not finished:
                await asyncio.wait([self.task], timeout=interval)
            await self._save_in_thread(save)
            if finished or self.task.done():
                if not finished:
                    continue  # the task ended during that save: save its final state
                return

    async def _save_in_thread(self, save: Callable[[], None]) -> None:
        while self._saving is not None:  # another saver's save is running: don't overlap
            await asyncio.wait([self._saving])
        saving = self.ioloop.run_in_executor(_save_pool(), save)
        self._saving = saving
        saving.add_done_callback(self._on_save_done)
        # wait (not await): the outcome is handled in _on_save_done, and cancelling the saver
        # does not cancel a save that is still writing
        await asyncio.wait([saving])

    def _on_save_done(self, fut: asyncio.Future[None]) -> None:
        self._saving = None
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is None:
            self._save_time = time.time()
            self._save_error = None
            return
        self._save_error = _one_line(exc)
        warnings.warn(
            f"Saving the learner of {self!r} failed ({self._save_error}); the runner keeps "
            "going and saving is retried at the next interval. Check the file name and the "
            "disk, or pass a different method= to start_periodic_saving.",
            SaveFailedWarning,
            stacklevel=1,  # called from the event loop: there is no user frame to point at
        )

    def _last_save_time(self) -> float | None:
        return self._save_time

    def _last_save_error(self) -> str | None:
        return self._save_error

    # -- notebook entry points (implemented in adaptive_nb.notebook_integration) ------------

    def live_info(self, *, update_interval: float = 0.1) -> Any:
        """Display a live status widget with a Cancel button (see ``adaptive_nb.live_info``)."""
        from adaptive_nb import notebook_integration

        return notebook_integration.live_info(self, update_interval=update_interval)

    def live_plot(
        self,
        *,
        plotter: Callable[[Any], Any] | None = None,
        update_interval: float = 2.0,
        name: str | None = None,
        normalize: bool = True,
    ) -> Any:
        """Display a live plot of the learner (see ``adaptive_nb.live_plot``)."""
        from adaptive_nb import notebook_integration

        return notebook_integration.live_plot(
            self, plotter=plotter, update_interval=update_interval, name=name, normalize=normalize
        )

    def live_info_terminal(
        self, *, update_interval: float = 0.5, overwrite_previous: bool = True
    ) -> asyncio.Task[None]:
        """Print the runner's status to the terminal every ``update_interval`` seconds.

        Parameters
        ----------
        update_interval : float
            Seconds between updates.
        overwrite_previous : bool
            Clear the terminal before each update (ANSI escape codes) instead of appending.

        Returns
        -------
        asyncio.Task
            The printing task; it ends after a last update once the runner has ended.
        """

        async def _print() -> None:
            while True:
                done = self.task.done()
                if overwrite_previous:
                    print("\033[H\033[J", end="")
                print(_info_text(self.snapshot()), flush=True)
                if done:
                    return
                await asyncio.wait([self.task], timeout=update_interval)

        return self.ioloop.create_task(_print(), name=f"adaptive_nb.terminal-{id(self):x}")

    def __repr__(self) -> str:
        return f"<AsyncRunner {type(self.learner).__name__} {self.status()}>"


Runner = AsyncRunner


def _info_text(snap: RunnerSnapshot) -> str:
    loss = "-" if snap.loss is None else f"{snap.loss:.3g}"
    parts = [
        f"status: {snap.status}",
        f"elapsed time: {timedelta(seconds=round(snap.elapsed_time))}",
        f"overhead: {snap.overhead:.1f}%",
        f"# of points: {snap.npoints}",
        f"latest loss: {loss}",
    ]
    if snap.n_failed:
        parts.append(f"# of failures: {snap.n_failed}")
    if snap.error:
        parts.append(f"error: {snap.error}")
    if snap.last_save_error:
        parts.append(f"save failed: {snap.last_save_error}")
    return "\t".join(parts)


def stop_after(*, seconds: float = 0, minutes: float = 0, hours: float = 0) -> GoalType:
    """Return a goal that is reached after the given time (use ``duration_goal=`` instead).

    Parameters
    ----------
    seconds, minutes, hours : float
        Added together.

    Returns
    -------
    Callable
        ``goal(learner) -> bool``, True once the time has passed (checked between points).
    """
    deadline = monotonic() + seconds + 60 * minutes + 3600 * hours
    return lambda _: monotonic() >= deadline


def simple(
    learner: Any,
    goal: GoalType | None = None,
    *,
    loss_goal: float | None = None,
    npoints_goal: int | None = None,
    end_time_goal: datetime | None = None,
    duration_goal: timedelta | float | None = None,
    points_per_ask: int = 1,
) -> None:
    """Run a learner in this thread, one batch of points at a time, until the goal is reached.

    Deterministic: the same learner and goal always give the same data. Exceptions from the
    function propagate directly, which makes this the tool for debugging a function.

    Parameters
    ----------
    learner : BaseLearner
        The learner to run.
    goal, loss_goal, npoints_goal, end_time_goal, duration_goal
        Exactly one goal, as for :class:`BlockingRunner`.
    points_per_ask : int
        Points requested from the learner at a time.
    """
    stop = make_goal(
        learner,
        goal,
        loss_goal=loss_goal,
        npoints_goal=npoints_goal,
        end_time_goal=end_time_goal,
        duration_goal=duration_goal,
        allow_running_forever=False,
    )
    if (
        isinstance(points_per_ask, bool)
        or not isinstance(points_per_ask, int)
        or points_per_ask < 1
    ):
        msg = f"points_per_ask must be a positive int, got {points_per_ask!r}."
        raise ValueError(msg)
    function = learner.function
    loop: asyncio.AbstractEventLoop | None = None
    if inspect.iscoroutinefunction(function):
        if _running_loop() is not None:
            msg = (
                "simple() cannot run an `async def` function inside a running event loop "
                "(e.g. Jupyter); use `runner = adaptive.Runner(learner, ...)`, `await runner.task`."
            )
            raise RuntimeError(msg)
        loop = asyncio.new_event_loop()
    try:
        while not stop(learner):
            xs, _ = learner.ask(points_per_ask)
            if not len(xs):
                break  # the learner has nothing left to suggest
            for x in xs:
                y = function(x) if loop is None else loop.run_until_complete(function(x))
                learner.tell(x, y)
    finally:
        if loop is not None:
            loop.close()


_REPLAYABLE = frozenset({"ask", "tell", "tell_many", "tell_pending", "remove_unfinished"})


def replay_log(learner: Any, log: Iterable[tuple[Any, ...]]) -> None:
    """Apply the learner calls recorded by a runner with ``log=True`` to another learner.

    Replaying ``runner.log`` on a fresh learner of the same kind reproduces
    ``runner.learner.data`` exactly.

    Parameters
    ----------
    learner : BaseLearner
        A learner in the state the logged one started from (usually a new one).
    log : list of tuple
        ``(method_name, *args)`` entries, e.g. ``runner.log``.
    """
    for entry in log:
        method, *args = entry
        if method not in _REPLAYABLE:
            msg = f"Cannot replay {entry!r}: only {sorted(_REPLAYABLE)} calls are replayable."
            raise ValueError(msg)
        getattr(learner, method)(*args)
