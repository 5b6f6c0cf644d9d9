"""BlockingRunner: runs the core from a blocking wait on a ``threading.Event``.

It never touches an event loop, so it works in a script and inside a notebook cell (where a loop
is already running) alike.
"""

from __future__ import annotations

import inspect
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from adaptive_nb._status import RunnerStatus
from adaptive_nb.runner._base import _BaseRunner
from adaptive_nb.runner._executors import needs_event_loop
from adaptive_nb.runner._goals import GoalType
from adaptive_nb.runner._protocols import FutureLike, LearnerLike

__all__ = ["BlockingRunner"]


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
        prefetch for process pools and clusters so workers never wait for the next point
        (not for evaluations of 0.1 s or more, nor before the first result: there a queued
        point saves nothing and is chosen with less information). With the default,
        evaluations much shorter than the executor's round trip (process pools: under
        ~2 ms; dask: under ~50 ms) travel several points per task, each point
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
    evaluation_timeout : float, optional
        Seconds an evaluation may take (counted from its submission, with one point in flight
        per worker); a longer one is a failure of its point (``retries`` apply, its traceback
        says it timed out). Its worker is stopped where the executor allows it: loky's workers
        are killed and the pool replaced (the other points in flight are evaluated again, not
        charged); a ``ProcessPoolExecutor`` you passed in is broken by that, so the runner
        then stops with an error; dask tasks are cancelled; threads cannot be stopped, so the
        point is abandoned with a :class:`~adaptive_nb.exceptions.RunnerWarning`.

    A point whose evaluation kills its worker (``os._exit``, a signal, a crash) is found and
    charged alone: the points in flight with it are evaluated again, one at a time. Loky's
    default pool is replaced when broken; a broken pool you passed in ends the run with an
    error naming the point(s) it was evaluating. With ``shutdown_executor=True``, workers
    still running a point when the run ends are killed (threads: abandoned), never waited for.

    Exactly one goal is required.

    Raises
    ------
    EvaluationError
        When ``learner.function`` raised (after ``retries``), chained to the original error.
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
        retries: int = 0,
        raise_if_retries_exceeded: bool = True,
        evaluation_timeout: float | None = None,
    ) -> None:
        if inspect.iscoroutinefunction(learner.function):
            msg = (
                "BlockingRunner cannot evaluate an `async def` function; use "
                "`runner = adaptive.Runner(learner, ...)` and `await runner.task`."
            )
            raise ValueError(msg)
        if needs_event_loop(executor):
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
            evaluation_timeout=evaluation_timeout,
            allow_running_forever=False,
        )
        self._event = threading.Event()
        self._core.wake = self._event.set
        self._run()

    def _run(self) -> None:
        core, event = self._core, self._event
        try:
            if core.max_tasks() < 1:
                msg = "The executor has no workers; start some, or pass ntasks=."
                raise RuntimeError(msg)
            while not core.goal_reached():
                core.fill()
                if core.exhausted:
                    break
                if not core.has_results():
                    event.clear()
                    # Re-checked after the clear: a result that arrived in between set the
                    # event before the clear, and waiting now would miss it.
                    if not core.has_results():
                        event.wait(self._wait_time())
                core.expire()
                self._watch_workers()
                core.collect()
        finally:
            running: list[FutureLike] = []
            try:
                running = core.finish()
            finally:
                self.end_time = time.time()
                # Never waits for a hung evaluation: the goal is reached, return.
                self._release_executor(running)

    def status(self) -> RunnerStatus:
        """Return ``"finished"``.

        The run ends before the constructor returns, and a failure or an interrupt propagates
        out of the constructor, so a BlockingRunner one can ask is always finished.
        """
        return RunnerStatus.FINISHED
