"""simple (run a learner in this thread, deterministically) and replay_log."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from adaptive_nb.runner._base import _running_loop
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
