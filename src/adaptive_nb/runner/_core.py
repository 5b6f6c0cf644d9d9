"""The runner core: ask / submit / collect / retry / log, written once for both runners.

The core is synchronous and knows nothing about how it is driven. ``AsyncRunner`` drives it from
an asyncio task and ``BlockingRunner`` from a plain blocking wait; both call the same four
methods in the same order::

    while not core.goal_reached():
        core.fill()              # ask the learner for points and submit them
        <wait until core.has_results()>
        core.collect()           # tell the learner what arrived (retry or raise on failures)
    core.finish()                # tell what has arrived, cancel the rest, forget pending points

Completion is reported by a done-callback (run in whatever thread finished the future) that
appends to a deque and calls the driver's ``wake`` function, so the driver never polls and never
wraps each future in another future.
"""

from __future__ import annotations

import itertools
import traceback
from collections import deque
from collections.abc import Callable
from time import monotonic
from typing import Any

from adaptive_nb.exceptions import EvaluationError
from adaptive_nb.runner._goals import GoalType
from adaptive_nb.runner._protocols import FutureLike, LearnerLike

__all__ = ["FutureLike", "RunnerCore"]


def _format_exception(e: BaseException) -> str:
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))


class RunnerCore:
    """State and logic shared by every runner.

    Parameters
    ----------
    learner
        The learner.
    goal
        ``goal(learner) -> bool``.
    submit
        ``submit(point) -> future``: evaluates ``learner.function(point)`` somewhere.
    submit_many
        Optional ``submit_many(points) -> futures`` doing the same for a batch at once, for
        executors where one call per batch is cheaper than one per point (dask).
    max_tasks
        ``max_tasks() -> int``: how many points to keep in flight (called at every fill, so it
        must be cheap).
    log
        Record ``("ask", n)`` and ``("tell", x, y)`` entries (replayable with ``replay_log``).
    retries
        How many times a failing point is re-submitted before it counts as failed.
    raise_if_retries_exceeded
        Raise :class:`EvaluationError` (ending the run) when a point has failed for good.

    Notes
    -----
    Per point the core does O(1) bookkeeping plus the learner's own ``ask`` and ``tell``; the
    goal is checked once per batch of results, not per point, so a goal that costs O(1) (as
    ``loss_goal`` does with Learner1D) keeps the whole loop O(1) per point.
    """

    def __init__(
        self,
        learner: LearnerLike,
        goal: GoalType,
        submit: Callable[[Any], FutureLike],
        max_tasks: Callable[[], int],
        *,
        log: bool,
        retries: int,
        raise_if_retries_exceeded: bool,
        submit_many: Callable[[list[Any]], list[FutureLike]] | None = None,
    ) -> None:
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            msg = f"retries must be a non-negative int, got {retries!r}."
            raise ValueError(msg)
        self.learner = learner
        self.goal = goal
        self._submit = submit
        self._submit_many = submit_many
        self.max_tasks = max_tasks
        self.log: list[tuple[Any, ...]] | None = [] if log else None
        self.retries = retries
        self.raise_if_retries_exceeded = raise_if_retries_exceeded

        self._pending: dict[FutureLike, tuple[int, float]] = {}  # future -> (point id, t_submit)
        self._arrived: deque[tuple[FutureLike, float]] = deque()  # (future, t_done), thread-safe
        self._retry_queue: deque[int] = deque()  # ids waiting to be re-submitted
        self._id_to_point: dict[int, Any] = {}
        self._to_retry: dict[int, int] = {}  # id -> number of failures so far
        self._tracebacks: dict[int, str] = {}
        self._failed: dict[int, None] = {}  # ids that used up their retries (ordered set)
        self._next_id = itertools.count().__next__
        self._closed = False
        self.wake: Callable[[], None] = lambda: None
        self.function_time = 0.0  # summed submit->done latency of successful evaluations
        self.latency: float | None = None  # moving average of submit->done, in seconds
        self.last_traceback: str | None = None
        self.exhausted = False  # the learner had no point to give and nothing was in flight

    # -- called by the drivers -------------------------------------------------------------

    def goal_reached(self) -> bool:
        """Return whether the goal is met (the goal is the user's; it may raise)."""
        return bool(self.goal(self.learner))

    def has_results(self) -> bool:
        """Return whether futures have finished since the last ``collect``."""
        return bool(self._arrived)

    def fill(self) -> None:
        """Ask the learner for points to keep ``max_tasks()`` evaluations in flight."""
        n = self.max_tasks() - len(self._pending)
        if n <= 0:
            return
        ids: list[int] = []
        while self._retry_queue and len(ids) < n:
            ids.append(self._retry_queue.popleft())
        k = n - len(ids)
        if k > 0:
            if self.log is not None:
                self.log.append(("ask", k))
            points, _ = self.learner.ask(k)
            id_to_point = self._id_to_point
            for point in points:
                pid = self._next_id()
                id_to_point[pid] = point
                ids.append(pid)
        pending, on_done = self._pending, self._on_done
        if self._submit_many is not None and ids:
            t0 = monotonic()
            futs = self._submit_many([self._id_to_point[pid] for pid in ids])
            for pid, fut in zip(ids, futs, strict=True):
                pending[fut] = (pid, t0)
                fut.add_done_callback(on_done)
        else:
            submit, id_to_point = self._submit, self._id_to_point
            for pid in ids:
                t0 = monotonic()
                fut = submit(id_to_point[pid])
                pending[fut] = (pid, t0)
                fut.add_done_callback(on_done)
        if not self._pending and not self._arrived:
            self.exhausted = True

    def _on_done(self, fut: FutureLike) -> None:
        # Runs in the thread that finished the future: keep it tiny and thread-safe
        # (deque.append is atomic).
        if self._closed:
            return
        self._arrived.append((fut, monotonic()))
        self.wake()

    def collect(self) -> None:
        """Tell the learner every result that arrived; handle failures.

        Raises
        ------
        EvaluationError
            When a point failed more than ``retries`` times and ``raise_if_retries_exceeded``.
        """
        arrived = self._arrived
        while arrived:
            fut, t_done = arrived.popleft()
            entry = self._pending.pop(fut, None)
            if entry is None:  # already handled
                continue
            pid, t0 = entry
            if fut.cancelled():
                # Cancelled behind our back (e.g. a dask worker was lost): evaluate it again.
                self._retry_queue.append(pid)
                continue
            self._handle(fut, pid, t_done - t0, may_raise=True)

    def _handle(self, fut: FutureLike, pid: int, dt: float, *, may_raise: bool) -> None:
        # exception(), not result() in a try: a raised exception's traceback would hold this
        # frame, and through it the caller's (which name other futures); the failed future
        # holds the exception, so finished futures, and their results on a dask cluster, would
        # stay alive in a reference cycle until the cyclic garbage collector runs.
        e = fut.exception()
        if e is not None:
            if not isinstance(e, Exception):  # KeyboardInterrupt, SystemExit: not a failed point
                raise e
            tb = _format_exception(e)
            self._tracebacks[pid] = tb
            self.last_traceback = tb
            nfails = self._to_retry.get(pid, 0) + 1
            if nfails <= self.retries and may_raise:
                self._to_retry[pid] = nfails
                self._retry_queue.append(pid)
                return
            self._to_retry.pop(pid, None)
            self._failed[pid] = None
            if may_raise and self.raise_if_retries_exceeded:
                raise EvaluationError(self._id_to_point[pid], tb) from e
            return
        y = fut.result()
        self.function_time += dt
        latency = self.latency
        self.latency = dt if latency is None else 0.9 * latency + 0.1 * dt
        if pid in self._to_retry:
            del self._to_retry[pid]
            self._tracebacks.pop(pid, None)
        x = self._id_to_point.pop(pid)
        if self.log is not None:
            self.log.append(("tell", x, y))
        self.learner.tell(x, y)

    def finish(self) -> None:
        """End the run: keep every result that has arrived, cancel everything else.

        Results of finished futures are told to the learner (failures only recorded), the
        other futures are cancelled without waiting for them (a running task on a cluster may
        not be cancellable, and waiting for it would hang), and the learner forgets the points
        that are still pending.
        """
        self._closed = True
        arrived = self._arrived
        while arrived:
            fut, t_done = arrived.popleft()
            entry = self._pending.pop(fut, None)
            if entry is not None and not fut.cancelled():
                self._handle(fut, entry[0], t_done - entry[1], may_raise=False)
        now = monotonic()
        for fut, (pid, t0) in list(self._pending.items()):
            if fut.done() and not fut.cancelled():
                self._handle(fut, pid, now - t0, may_raise=False)
            else:
                fut.cancel()
        self._pending.clear()
        self._retry_queue.clear()
        self.learner.remove_unfinished()

    # -- read by the runners' public properties --------------------------------------------

    @property
    def n_pending(self) -> int:
        """Number of points in flight."""
        return len(self._pending)

    @property
    def n_failed(self) -> int:
        """Number of points with a recorded failure."""
        return len(self._tracebacks)

    def tracebacks(self) -> list[tuple[Any, str]]:
        """Return ``(point, traceback text)`` for points whose last evaluation failed."""
        return [(self._id_to_point[pid], tb) for pid, tb in self._tracebacks.items()]

    def to_retry(self) -> list[tuple[Any, int]]:
        """Return ``(point, number of failures)`` for points that will be tried again."""
        return [(self._id_to_point[pid], n) for pid, n in self._to_retry.items()]

    def failed(self) -> list[Any]:
        """Return the points that failed more than ``retries`` times."""
        return [self._id_to_point[pid] for pid in self._failed]

    def pending_points(self) -> list[tuple[FutureLike, Any]]:
        """Return ``(future, point)`` for every point in flight."""
        return [(fut, self._id_to_point[pid]) for fut, (pid, _) in list(self._pending.items())]
