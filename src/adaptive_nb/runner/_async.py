"""AsyncRunner (= Runner): runs the core from an asyncio task, in the background."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from adaptive_nb import _hooks
from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.runner._base import _BaseRunner, _one_line, _running_loop
from adaptive_nb.runner._executors import event_loop_executor
from adaptive_nb.runner._goals import GoalType
from adaptive_nb.runner._protocols import ExecutorAdapter, FutureLike, LearnerLike
from adaptive_nb.runner._saving import _PeriodicSaving

__all__ = ["AsyncRunner", "Runner"]


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


class AsyncRunner(_PeriodicSaving, _BaseRunner):
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
        How many points to evaluate at once (default: workers plus a prefetch for
        evaluations under 0.1 s; short ones then travel several points per task, see
        :class:`BlockingRunner`).
    log : bool
        Record the learner calls in ``runner.log`` (see :func:`replay_log`).
    shutdown_executor : bool
        Shut the executor down when the runner ends.
    ioloop : asyncio.AbstractEventLoop, optional
        The loop to run on; default: the running loop, or (outside one) a loop of our own,
        which :meth:`block_until_done` runs.
    retries, raise_if_retries_exceeded, evaluation_timeout
        As for :class:`BlockingRunner`; a failure that ends the runner makes
        ``runner.task.result()`` raise :class:`EvaluationError`. An ``async def`` function
        that exceeds ``evaluation_timeout`` is cancelled.

    Attributes
    ----------
    task : asyncio.Task
        The task doing the work; ``await runner.task`` waits for the end.
    learner, log, tracebacks, to_retry, failed, pending_points, start_time, end_time
        See the reference library; all readable while running.
    """

    def __init__(
        self,
        learner: LearnerLike,
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
        evaluation_timeout: float | None = None,
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
            evaluation_timeout=evaluation_timeout,
            allow_running_forever=True,
        )
        self._cancel_requested = False
        self._waiter: asyncio.Future[None] | None = None
        self._wake_scheduled = False
        self._core.wake = self._wake_threadsafe
        self._init_saving()
        self.task: asyncio.Task[None] = self.ioloop.create_task(
            self._run(), name=f"adaptive_nb.AsyncRunner-{id(self):x}"
        )
        _hooks.runner_started(self)  # registers it in active_runners(); tells the observers
        self.task.add_done_callback(self._on_task_done)

    def _adapt(self, executor: Any) -> ExecutorAdapter:
        if not inspect.iscoroutinefunction(self.learner.function):
            return super()._adapt(executor)
        if executor is not None:
            msg = (
                "learner.function is an `async def` function: it runs on the event loop, "
                "not in an executor. Remove executor=, or make the function synchronous."
            )
            raise ValueError(msg)
        return event_loop_executor(self.ioloop)

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

    async def _run(self) -> None:
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
                else:
                    await self._wait_for_results(loop)
                if self._saving is not None:
                    # A save is reading the learner in a thread: don't change it meanwhile.
                    await asyncio.wait([self._saving])
                core.expire()
                self._watch_workers()
                core.collect()
        finally:
            if self._saving is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([self._saving])
            running: list[FutureLike] = []
            try:
                running = core.finish()
            finally:
                self.end_time = time.time()
                if running or (self.shutdown_executor and self.executor is not None):
                    # Never waits for a hung evaluation: a cancel ends the task at once.
                    await asyncio.to_thread(self._release_executor, running)

    async def _wait_for_results(self, loop: asyncio.AbstractEventLoop) -> None:
        # A result arriving from now on wakes the waiter: the wake-up it schedules runs on
        # this loop, after the waiter exists. A timeout or a cluster to watch bounds the wait.
        self._waiter = waiter = loop.create_future()
        try:
            wait = self._wait_time()
            if wait is None:
                await waiter
            else:
                await asyncio.wait([waiter], timeout=wait)
        finally:
            self._waiter = None

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
        x_name: str | None = None,
        y_name: str | None = None,
        z_name: str | None = None,
    ) -> Any:
        """Display a live plot of the learner (see ``adaptive_nb.live_plot``).

        ``x_name``, ``y_name`` and ``z_name`` label the axes (defaults: ``x``, the function's
        name applied to the inputs; see ``adaptive_nb.notebook.live_plot``).
        """
        from adaptive_nb import notebook_integration

        given = {"x_name": x_name, "y_name": y_name, "z_name": z_name}
        labels = {key: value for key, value in given.items() if value is not None}
        return notebook_integration.live_plot(
            self,
            plotter=plotter,
            update_interval=update_interval,
            name=name,
            normalize=normalize,
            **labels,
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
