"""The runner core: ask / submit / collect / retry / log, written once for both runners.

The core is synchronous and knows nothing about how it is driven. ``AsyncRunner`` drives it from
an asyncio task and ``BlockingRunner`` from a plain blocking wait; both call the same methods in
the same order::

    while not core.goal_reached():
        core.fill()              # ask the learner for points and submit them
        <wait until core.has_results(), at most core.wait_time() seconds>
        core.expire()            # fail the evaluations that exceeded the timeout
        core.collect()           # tell the learner what arrived (retry or raise on failures)
    core.finish()                # tell what has arrived, cancel the rest, forget pending points

Completion is reported by a done-callback (run in whatever thread finished the future) that
appends to a deque and calls the driver's ``wake`` function, so the driver never polls and never
wraps each future in another future.

Failures
--------
A point fails when its evaluation raises, exceeds ``evaluation_timeout``, kills its worker, or
returns a value ``learner.tell`` refuses; each failure is recorded in ``tracebacks`` and costs one
of the point's ``retries``. A dead worker takes every evaluation in flight on its pool with it,
and the error does not say which one killed it. So the points that fail with a worker death are
*suspects*, not failures: the pool is replaced (``FaultHandler.recover``) and the suspects are
evaluated again one at a time, each alone on the pool, until one kills a worker alone: that one
is the culprit and the only point charged. Every state a point can be in::

    in flight (``_pending``) -> told | retry queue | suspects | failed for good
    retry queue / suspects   -> in flight (suspects one at a time, nothing else in flight)
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
from adaptive_nb.runner._protocols import (
    FaultHandler,
    FutureLike,
    LearnerLike,
    StopOutcome,
    cancel_all,
)

__all__ = ["FutureLike", "RunnerCore"]


def _format_exception(e: BaseException) -> str:
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))


def _short_repr(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


# An evaluation's clock starts when its pool has shown it is up (a first result from the
# pool's generation): a new process pool spends its first seconds starting its workers. If no
# result comes from a generation at all, its clocks start this long after submission.
STARTUP_ALLOWANCE = 10.0

_STOPPED = {
    "cancelled": "it was cancelled",
    "replaced": "its worker was stopped and the pool replaced",
    "broken": "its worker was stopped",
    "abandoned": "nothing can stop it on this executor: it runs on, abandoned",
}


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
    evaluation_timeout
        Seconds after its submission at which an evaluation counts as failed (None: never).
    faults
        Recognises worker deaths, replaces broken pools and stops hung evaluations (the
        executor adapter); without it every error is an ordinary failure of its point and a
        timed-out future is only cancelled.

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
        evaluation_timeout: float | None = None,
        faults: FaultHandler | None = None,
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
        self.evaluation_timeout = evaluation_timeout
        self.faults = faults

        # future -> (point id, t_submit, generation of the pool it was submitted to)
        self._pending: dict[FutureLike, tuple[int, float, int]] = {}
        self._arrived: deque[tuple[FutureLike, float]] = deque()  # (future, t_done), thread-safe
        self._retry_queue: deque[int] = deque()  # ids waiting to be re-submitted
        self._suspects: deque[int] = deque()  # ids to evaluate alone (a worker died with them)
        self._id_to_point: dict[int, Any] = {}
        self._to_retry: dict[int, int] = {}  # id -> number of failures so far
        self._tracebacks: dict[int, str] = {}
        self._failed: dict[int, None] = {}  # ids that used up their retries (ordered set)
        self._next_id = itertools.count().__next__
        # A new generation starts whenever the pool is replaced; a worker death is charged to
        # a point only if nothing else of its generation was in flight or died with it.
        self._generation = 0
        self._death_generations: set[int] = set()  # generations in which a worker died
        self._killed_generations: set[int] = set()  # ... whose workers we stopped (timeouts)
        self._submit_error: BaseException | None = None  # why _submit_now stopped short
        self._ready: dict[int, float] = {}  # generation -> when its first result arrived
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
        """Ask the learner for points to keep ``max_tasks()`` evaluations in flight.

        While there are suspects of a worker death, nothing else is submitted: they are
        evaluated one at a time, each alone on the pool, once the work in flight has drained.
        """
        if self._suspects:
            if not self._pending:
                self._submit_ids([self._suspects.popleft()], alone=True)
            return
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
        if ids:
            self._submit_ids(ids)
        if not self._pending and not self._arrived:
            self.exhausted = True

    def _submit_ids(self, ids: list[int], *, alone: bool = False) -> None:
        submitted = self._submit_now(ids, alone=alone)
        if submitted == len(ids):
            return
        # The pool broke before the failures of the evaluations in flight on it arrived:
        # replace it (those failures then arrive as deaths of the old generation), try again.
        error = self._submit_error
        self._submit_error = None
        assert error is not None
        self._replace_pool(error, self._in_flight(self._generation))
        rest = ids[submitted:]
        if self._submit_now(rest, alone=alone) < len(rest):
            error = self._submit_error
            self._submit_error = None
            assert error is not None
            raise error

    def _submit_now(self, ids: list[int], *, alone: bool) -> int:
        """Submit ``ids``; return how many were (fewer only if the pool is broken)."""
        pending, on_done, gen = self._pending, self._on_done, self._generation
        id_to_point = self._id_to_point
        faults = self.faults
        if self._submit_many is not None and not alone:
            t0 = monotonic()
            try:
                futs = self._submit_many([id_to_point[pid] for pid in ids])
            except Exception as e:
                if faults is None or not faults.is_worker_death(e):
                    raise
                self._submit_error = e
                return 0
            for pid, fut in zip(ids, futs, strict=True):
                pending[fut] = (pid, t0, gen)
                fut.add_done_callback(on_done)
            return len(ids)
        submit = self._submit
        for i, pid in enumerate(ids):
            t0 = monotonic()
            try:
                fut = submit(id_to_point[pid])
            except Exception as e:
                if faults is None or not faults.is_worker_death(e):
                    raise
                self._submit_error = e
                return i
            pending[fut] = (pid, t0, gen)
            fut.add_done_callback(on_done)
        return len(ids)

    def _on_done(self, fut: FutureLike) -> None:
        # Runs in the thread that finished the future: keep it tiny and thread-safe
        # (deque.append is atomic).
        if self._closed:
            return
        self._arrived.append((fut, monotonic()))
        self.wake()

    def wait_time(self) -> float | None:
        """Return how long the driver may wait for results before calling :meth:`expire`.

        ``None`` (wait as long as it takes) unless an ``evaluation_timeout`` is set and
        something is in flight.
        """
        timeout = self.evaluation_timeout
        if timeout is None or not self._pending:
            return None
        earliest = min(self._clock_start(t0, gen) for _, t0, gen in self._pending.values())
        return max(0.0, earliest + timeout - monotonic())

    def _clock_start(self, t_submit: float, gen: int) -> float:
        ready = self._ready.get(gen)
        if ready is None:
            return t_submit + STARTUP_ALLOWANCE
        return max(t_submit, ready)

    def expire(self) -> None:
        """Fail every evaluation in flight for longer than ``evaluation_timeout``; stop them.

        Raises
        ------
        EvaluationError
            When a timed-out point has used up its retries and ``raise_if_retries_exceeded``,
            or when stopping it broke a pool the runner may not replace.
        """
        timeout = self.evaluation_timeout
        if timeout is None or not self._pending:
            return
        now = monotonic()
        start = self._clock_start
        late = [
            (fut, entry)
            for fut, entry in self._pending.items()
            if now - start(entry[1], entry[2]) >= timeout and not fut.done()
        ]
        if not late:
            return
        for fut, _ in late:
            del self._pending[fut]
        futures = [fut for fut, _ in late]
        outcome: StopOutcome
        if self.faults is not None:
            outcome = self.faults.stop(futures)
        else:
            outcome = "cancelled" if cancel_all(futures) else "abandoned"
        if outcome in ("replaced", "broken"):
            # Every other evaluation on the killed pool dies with it: not their fault.
            self._killed_generations.add(self._generation)
            self._generation += 1
        points = [self._id_to_point[entry[0]] for _, entry in late]
        for x, (_, (pid, _, _)) in zip(points, late, strict=True):
            reason = f"learner.function({_short_repr(x)}) took longer than evaluation_timeout"
            text = f"TimeoutError: {reason}={timeout} s; {_STOPPED[outcome]}.\n"
            self._failed_once(pid, text, TimeoutError(text), may_raise=True, reason=reason)
        if outcome == "broken":
            assert self.faults is not None
            reason = (
                f"learner.function({_short_repr(points[0])}) took longer than "
                f"evaluation_timeout={timeout} s, and stopping its worker broke "
                f"{self.faults.describe()}"
            )
            text = (
                f"{reason}. A broken pool accepts no more work: pass executor=None (loky), "
                "whose workers the runner replaces, to go on after a timeout."
            )
            raise EvaluationError(points[0], text, reason=reason)

    def collect(self) -> None:
        """Tell the learner every result that arrived; handle failures.

        Raises
        ------
        EvaluationError
            When a point failed more than ``retries`` times and ``raise_if_retries_exceeded``,
            or a worker died and its pool may not be replaced by the runner.
        """
        arrived = self._arrived
        while arrived:
            fut, t_done = arrived.popleft()
            entry = self._pending.pop(fut, None)
            if entry is None:  # already handled
                continue
            pid, t0, gen = entry
            if fut.cancelled():
                # Cancelled behind our back (e.g. a dask worker was lost): evaluate it again.
                self._retry_queue.append(pid)
                continue
            if gen not in self._ready:
                self._ready[gen] = t_done
            self._handle(fut, pid, t_done - t0, gen, may_raise=True)

    def _handle(self, fut: FutureLike, pid: int, dt: float, gen: int, *, may_raise: bool) -> None:
        # exception(), not result() in a try: a raised exception's traceback would hold this
        # frame, and through it the caller's (which name other futures); the failed future
        # holds the exception, so finished futures, and their results on a dask cluster, would
        # stay alive in a reference cycle until the cyclic garbage collector runs.
        e = fut.exception()
        if e is not None:
            if not isinstance(e, Exception):  # KeyboardInterrupt, SystemExit: not a failed point
                raise e
            if self.faults is not None and self.faults.is_worker_death(e):
                self._worker_died(pid, gen, e, may_raise=may_raise)
            else:
                self._failed_once(pid, _format_exception(e), e, may_raise=may_raise)
            return
        y = fut.result()
        self.function_time += dt
        latency = self.latency
        self.latency = dt if latency is None else 0.9 * latency + 0.1 * dt
        x = self._id_to_point[pid]
        try:
            self.learner.tell(x, y)
        except Exception as err:  # the learner refused the value: a failure of this point
            reason = (
                f"learner.tell refused the value y={_short_repr(y)} that "
                f"learner.function({_short_repr(x)}) returned"
            )
            text = f"{reason}:\n{_format_exception(err)}"
            self._failed_once(pid, text, err, may_raise=may_raise, reason=reason)
            return
        if self.log is not None:
            self.log.append(("tell", x, y))
        del self._id_to_point[pid]
        if pid in self._to_retry:
            del self._to_retry[pid]
            self._tracebacks.pop(pid, None)

    def _failed_once(
        self,
        pid: int,
        tb: str,
        error: BaseException,
        *,
        may_raise: bool,
        reason: str | None = None,
        alone: bool = False,
    ) -> None:
        """Record one failure of ``pid``: retry it (``alone``: as a suspect), or give up."""
        self._tracebacks[pid] = tb
        self.last_traceback = tb
        nfails = self._to_retry.get(pid, 0) + 1
        if nfails <= self.retries and may_raise:
            self._to_retry[pid] = nfails
            (self._suspects if alone else self._retry_queue).append(pid)
            return
        self._to_retry.pop(pid, None)
        self._failed[pid] = None
        if may_raise and self.raise_if_retries_exceeded:
            raise EvaluationError(self._id_to_point[pid], tb, reason=reason) from error

    def _in_flight(self, gen: int) -> list[int]:
        return [pid for pid, _, g in self._pending.values() if g == gen]

    def _worker_died(self, pid: int, gen: int, error: Exception, *, may_raise: bool) -> None:
        if gen in self._killed_generations:
            # We stopped this pool's workers ourselves (a timeout): not this point's fault.
            self._retry_queue.append(pid)
            return
        others = self._in_flight(gen)
        culprit = gen not in self._death_generations and not others
        self._death_generations.add(gen)
        if may_raise and gen == self._generation:
            self._replace_pool(error, [pid, *others])
        if not culprit:
            self._suspects.append(pid)  # evaluated again alone; charged only if it dies alone
            return
        x = self._id_to_point[pid]
        reason = f"The worker evaluating learner.function({_short_repr(x)}) died"
        text = (
            f"{reason} (the evaluation ended the process, e.g. os._exit, a signal such as "
            f"SIGKILL from the out-of-memory killer, or a crash), with nothing else in flight "
            f"on its pool:\n{_format_exception(error)}"
        )
        self._failed_once(pid, text, error, may_raise=may_raise, reason=reason, alone=True)

    def _replace_pool(self, error: BaseException, candidates: list[int]) -> None:
        """Replace the broken pool (a new generation), or stop naming the suspects."""
        assert self.faults is not None
        if self.faults.recover():
            self._generation += 1
            return
        points = [self._id_to_point[c] for c in candidates]
        pool = self.faults.describe()
        if len(points) == 1:
            reason = f"The worker evaluating learner.function({_short_repr(points[0])}) died"
            self._tracebacks[candidates[0]] = reason
            self._failed[candidates[0]] = None
        elif points:
            reason = (
                f"A worker of {pool} died while evaluating one of the points "
                f"{_short_repr(points, 400)}"
            )
        else:
            reason = f"A worker of {pool} died"
        text = (
            f"{reason}, and {pool} is broken: it accepts no more work. Pass a new pool, or "
            "executor=None (loky), whose broken workers the runner replaces (then only the "
            f"point that killed its worker is charged).\n\n{_format_exception(error)}"
        )
        raise EvaluationError(
            points[0] if len(points) == 1 else tuple(points), text, reason=reason
        ) from error

    def finish(self) -> list[FutureLike]:
        """End the run: keep every result that has arrived, cancel everything else.

        Results of finished futures are told to the learner (failures only recorded), the
        other futures are cancelled without waiting for them (a running task on a cluster may
        not be cancellable, and waiting for it would hang), and the learner forgets the points
        that are still pending, whatever happens on the way.

        Returns
        -------
        list of FutureLike
            The futures that could not be cancelled (their evaluations are running).
        """
        self._closed = True
        running: list[FutureLike] = []
        try:
            arrived = self._arrived
            while arrived:
                fut, t_done = arrived.popleft()
                entry = self._pending.pop(fut, None)
                if entry is not None and not fut.cancelled():
                    self._handle(fut, entry[0], t_done - entry[1], entry[2], may_raise=False)
            now = monotonic()
            for fut, (pid, t0, gen) in list(self._pending.items()):
                del self._pending[fut]
                if fut.done() and not fut.cancelled():
                    self._handle(fut, pid, now - t0, gen, may_raise=False)
                elif not fut.cancel():
                    running.append(fut)
        finally:
            for fut in self._pending:  # only left if a KeyboardInterrupt came through
                fut.cancel()
            self._pending.clear()
            self._retry_queue.clear()
            self._suspects.clear()
            self.learner.remove_unfinished()
        return running

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
        return [(fut, self._id_to_point[pid]) for fut, (pid, _, _) in list(self._pending.items())]
