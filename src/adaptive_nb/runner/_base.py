"""What AsyncRunner and BlockingRunner share: arguments, the core, and the read-only views.

Both runner classes drive the same :class:`~adaptive_nb.runner._core.RunnerCore`: the AsyncRunner
from an asyncio task on the event loop (the kernel's loop in Jupyter), the BlockingRunner from a
blocking wait on a ``threading.Event``.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from datetime import datetime, timedelta
from typing import Any

from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.runner._core import RunnerCore
from adaptive_nb.runner._executors import adapt_executor
from adaptive_nb.runner._goals import GoalType, make_goal
from adaptive_nb.runner._protocols import ExecutorAdapter, FutureLike, LearnerLike


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


class _BaseRunner:
    """What AsyncRunner and BlockingRunner share: arguments, the core, and read-only views."""

    def __init__(
        self,
        learner: LearnerLike,
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
        # The user's learner, as the class it is (widgets read learner-specific members).
        self.learner: Any = learner
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
        self._executor: ExecutorAdapter = self._adapt(executor)
        self.executor: Any = self._executor.executor
        self.shutdown_executor = shutdown_executor
        self._ntasks = ntasks

        self.start_time = time.time()
        self.end_time: float | None = None
        self._core = RunnerCore(
            learner,
            self.goal,
            functools.partial(self._executor.submit, learner.function),
            self._max_tasks,
            log=log,
            retries=retries,
            raise_if_retries_exceeded=raise_if_retries_exceeded,
            submit_many=(
                functools.partial(self._executor.submit_many, learner.function)
                if self._executor.batches
                else None
            ),
        )
        self.retries = retries
        self.raise_if_retries_exceeded = raise_if_retries_exceeded

    def _adapt(self, executor: Any) -> ExecutorAdapter:
        return adapt_executor(executor)

    def _max_tasks(self) -> int:
        if self._ntasks is not None:
            return self._ntasks
        return self._executor.max_tasks(self._core.latency)

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
        ntasks = max(1, self._executor.auto_ntasks or self._ntasks or 1)
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
        return None

    def _last_save_time(self) -> float | None:
        return None

    def _last_save_error(self) -> str | None:
        return None

    def _shutdown_executor(self) -> None:
        if self.shutdown_executor and self.executor is not None:
            self._executor.shutdown()
