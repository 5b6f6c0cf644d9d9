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
import warnings
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.exceptions import RunnerWarning
from adaptive_nb.runner._core import RunnerCore
from adaptive_nb.runner._executors import adapt_executor
from adaptive_nb.runner._goals import GoalType, make_goal
from adaptive_nb.runner._protocols import ExecutorAdapter, FutureLike, LearnerLike


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# An elastic executor (a cluster) is re-counted this often while a runner waits (seconds) ...
_WORKER_CHECK_INTERVAL = 2.0
# When a run reaches its goal, evaluations still running (prefetched points it no longer needs)
# usually finish within milliseconds: shutting the executor down waits this long for them before
# treating them as hung (killing a pool's workers, abandoning threads with a warning). A
# cancelled run does not wait: cancel() ends the task at once.
_SHUTDOWN_GRACE = 2.0
# ... and a RunnerWarning is issued once it has had no worker for this long.
NO_WORKERS_WARNING_AFTER = 30.0


def _check_timeout(evaluation_timeout: object) -> float | None:
    if evaluation_timeout is None:
        return None
    if (
        isinstance(evaluation_timeout, bool)
        or not isinstance(evaluation_timeout, int | float)
        or not 0 < evaluation_timeout < math.inf
    ):
        msg = (
            "evaluation_timeout must be a positive number of seconds (or None for no limit), "
            f"got {evaluation_timeout!r}."
        )
        raise ValueError(msg)
    return float(evaluation_timeout)


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
        evaluation_timeout: float | None = None,
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
        timeout = _check_timeout(evaluation_timeout)
        self._executor: ExecutorAdapter = self._adapt(executor)
        if timeout is not None:
            if type(self._executor.executor).__name__ == "SequentialExecutor":
                msg = (
                    "evaluation_timeout cannot apply to a SequentialExecutor: it evaluates in "
                    "the runner's own thread, which cannot be interrupted. Use a process pool "
                    "(executor=None for loky)."
                )
                raise ValueError(msg)
            # Queued points would count their time in the queue: one point per worker.
            self._executor.prefetches = False
        self.evaluation_timeout = timeout
        self.shutdown_executor = shutdown_executor
        self._ntasks = ntasks
        self._next_worker_check = -math.inf
        self._no_workers_since: float | None = None
        self._warned_no_workers = False

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
            evaluation_timeout=timeout,
            faults=self._executor,
        )
        self.retries = retries
        self.raise_if_retries_exceeded = raise_if_retries_exceeded

    def _adapt(self, executor: Any) -> ExecutorAdapter:
        return adapt_executor(executor)

    @property
    def executor(self) -> Any:
        """The executor the points are evaluated on (a broken pool of ours is replaced)."""
        return self._executor.executor

    @property
    def waiting_for_workers(self) -> bool:
        """Whether the runner is running and its cluster had no worker at its latest count."""
        return self._no_workers_since is not None and self.status() == "running"

    def _wait_time(self) -> float | None:
        """How long the driver may wait for a result before looking at timeouts and workers."""
        wait = self._core.wait_time()
        if self._executor.elastic and (wait is None or wait > _WORKER_CHECK_INTERVAL):
            return _WORKER_CHECK_INTERVAL
        return wait

    def _watch_workers(self) -> None:
        """Notice a cluster without workers; warn once when it stays so for a while."""
        if not self._executor.elastic:
            return
        now = monotonic()
        if now < self._next_worker_check:
            return
        self._next_worker_check = now + _WORKER_CHECK_INTERVAL
        try:
            nworkers = self._executor.nworkers()
        except Exception:  # the scheduler is unreachable: the next count will tell
            return
        if nworkers > 0:
            self._no_workers_since = None
            return
        if self._no_workers_since is None:
            self._no_workers_since = now
        elif not self._warned_no_workers and now - self._no_workers_since >= (
            NO_WORKERS_WARNING_AFTER
        ):
            self._warned_no_workers = True
            waited = now - self._no_workers_since
            warnings.warn(
                f"{self!r} has been waiting for workers for {waited:.0f} s: "
                f"{self._executor.describe()} has none. Scale the cluster up (e.g. "
                "cluster.scale(n) or cluster.adapt(minimum=1)); the runner goes on as soon "
                "as workers join.",
                RunnerWarning,
                stacklevel=2,
            )

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
            waiting_for_workers=self.waiting_for_workers,
        )

    def _error_text(self, status: RunnerStatus) -> str | None:
        return None

    def _last_save_time(self) -> float | None:
        return None

    def _last_save_error(self) -> str | None:
        return None

    def _release_executor(self, running: list[FutureLike]) -> None:
        """After the run: shut the executor down if asked, never waiting for ``running``.

        ``running`` are evaluations the run no longer wants that could not be cancelled. A
        runner with an ``evaluation_timeout`` stops them on a pool it may replace: one of
        them may be hung, and a hung worker of loky's pool keeps the interpreter from exiting.
        """
        if self.shutdown_executor and self.executor is not None:
            deadline = monotonic() + (0.0 if self.status() == "cancelled" else _SHUTDOWN_GRACE)
            while running and monotonic() < deadline:
                running = [f for f in running if not f.done()]
                if running:
                    time.sleep(0.01)
            self._executor.shutdown(kill=bool(running))
        elif running and self.evaluation_timeout is not None and self._executor.replaceable:
            self._executor.stop(running)
