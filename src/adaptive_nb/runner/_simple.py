"""simple (run a learner in this thread, deterministically) and replay_log."""

from __future__ import annotations

import asyncio
import inspect
import threading
import warnings
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from adaptive_nb.exceptions import RunnerWarning
from adaptive_nb.runner._base import _check_timeout, _running_loop
from adaptive_nb.runner._core import _short_repr
from adaptive_nb.runner._goals import GoalType, make_goal
from adaptive_nb.runner._protocols import LearnerLike

__all__ = ["replay_log", "simple"]


def simple(
    learner: LearnerLike,
    goal: GoalType | None = None,
    *,
    loss_goal: float | None = None,
    npoints_goal: int | None = None,
    end_time_goal: datetime | None = None,
    duration_goal: timedelta | float | None = None,
    points_per_ask: int = 1,
    evaluation_timeout: float | None = None,
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
    evaluation_timeout : float, optional
        Seconds one evaluation may take (default: no limit). An evaluation that takes longer
        is a failure of its point, and ``simple`` has no retries, so it raises
        :class:`TimeoutError` naming the point (which stays in ``learner.pending_points``,
        like a point whose function raised). With a limit, each point is evaluated in a
        worker thread, which this thread waits for: a thread cannot be stopped, so an
        evaluation still running at the limit is abandoned, with a
        :class:`~adaptive_nb.exceptions.RunnerWarning`. It runs on in the background until it
        returns, and does not keep the interpreter from exiting (a daemon thread). An
        ``async def`` function is cancelled at the limit instead (if it awaits). To have hung
        evaluations stopped, run a process pool: ``BlockingRunner(learner, ...,
        evaluation_timeout=...)``.

    Raises
    ------
    TimeoutError
        An evaluation took longer than ``evaluation_timeout``.
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
    timeout = _check_timeout(evaluation_timeout)
    function = learner.function
    is_async = inspect.iscoroutinefunction(function)
    if is_async and _running_loop() is not None:
        msg = (
            "simple() cannot run an `async def` function inside a running event loop "
            "(e.g. Jupyter); use `runner = adaptive.Runner(learner, ...)`, `await runner.task`."
        )
        raise RuntimeError(msg)
    loop: asyncio.AbstractEventLoop | None = None
    if timeout is not None:
        evaluate: Callable[[Any], Any] = lambda x: _evaluate_in_thread(  # noqa: E731
            function, x, timeout, is_async=is_async
        )
    elif is_async:
        loop = asyncio.new_event_loop()
        evaluate = lambda x: loop.run_until_complete(function(x))  # noqa: E731
    else:
        evaluate = function
    try:
        while not stop(learner):
            xs, _ = learner.ask(points_per_ask)
            if not len(xs):
                break  # the learner has nothing left to suggest
            for x in xs:
                learner.tell(x, evaluate(x))
    finally:
        if loop is not None:
            loop.close()


class _Outcome:
    """What a worker thread's evaluation came to (written by the thread, read after ``done``)."""

    __slots__ = ("cancelled", "done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        self.cancelled = False  # an async function, cancelled at the limit


async def _bounded(function: Callable[[Any], Any], x: Any, timeout: float) -> tuple[bool, Any]:
    """Await ``function(x)`` for at most ``timeout`` s: ``(True, None)`` if it was cancelled."""
    limit = asyncio.timeout(timeout)
    try:
        async with limit:
            return False, await function(x)
    except TimeoutError:
        if limit.expired():
            return True, None
        raise  # the function's own TimeoutError


def _evaluate_in_thread(
    function: Callable[[Any], Any], x: Any, timeout: float, *, is_async: bool
) -> Any:
    """Return ``function(x)``, evaluated in a daemon thread; TimeoutError after ``timeout`` s."""
    outcome = _Outcome()

    def work() -> None:
        try:
            if is_async:
                outcome.cancelled, outcome.value = asyncio.run(_bounded(function, x, timeout))
            else:
                outcome.value = function(x)
        except BaseException as e:  # handed over to the waiting thread
            outcome.error = e
        finally:
            outcome.done.set()

    thread = threading.Thread(
        target=work, name=f"adaptive_nb simple: {_short_repr(x, 60)}", daemon=True
    )
    thread.start()
    # An async function is cancelled by its own loop at the limit: allow it a moment for that.
    finished = outcome.done.wait(timeout + 1.0 if is_async else timeout)
    if finished and not outcome.cancelled:
        if outcome.error is not None:
            raise outcome.error
        return outcome.value
    reason = f"learner.function({_short_repr(x)}) took longer than evaluation_timeout={timeout} s"
    if finished:
        msg = f"{reason}; it was cancelled, and simple() stopped."
        raise TimeoutError(msg)
    warnings.warn(
        f"{reason}. A thread cannot be stopped: the evaluation is abandoned and runs on in the "
        "background until it returns. Run a process pool (BlockingRunner(learner, ..., "
        "evaluation_timeout=...)) to have hung evaluations stopped.",
        RunnerWarning,
        stacklevel=4,  # the caller of simple()
    )
    msg = f"{reason}; it was abandoned (it still runs in a daemon thread), and simple() stopped."
    raise TimeoutError(msg)


_REPLAYABLE = frozenset({"ask", "tell", "tell_many", "tell_pending", "remove_unfinished"})


def replay_log(learner: LearnerLike, log: Iterable[tuple[Any, ...]]) -> None:
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
