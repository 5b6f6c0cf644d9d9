"""Turning the runner's goal arguments into one cheap ``goal(learner) -> bool`` callable."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from adaptive_nb._stacklevel import user_stacklevel
from adaptive_nb.exceptions import RunnerWarning

__all__ = ["GoalType", "auto_goal", "make_goal", "stop_after"]

GoalType = Callable[[Any], bool]

# Looked up at call time, so tests can replace them with a fake clock (monkeypatch these names).
_monotonic = monotonic


def _now(tz: Any = None) -> datetime:
    return datetime.now(tz)


# The reference library warns here too: a runner without a goal only stops when cancelled.
_NO_GOAL_MESSAGE = (
    "No goal given, so this runner continues until you cancel it (runner.cancel() or the Cancel "
    "button of runner.live_info()). To stop on its own, pass npoints_goal=, loss_goal=, "
    "duration_goal=, end_time_goal= or goal=."
)


class _NeverGoal:
    """The goal of a runner without a goal: it runs until cancelled."""

    def __call__(self, learner: Any) -> bool:
        return False

    def __repr__(self) -> str:
        return "no goal (runs until cancelled)"


class _LossGoal:
    def __init__(self, loss: float) -> None:
        self.loss = float(loss)

    def __call__(self, learner: Any) -> bool:
        return bool(learner.loss() <= self.loss)

    def __repr__(self) -> str:
        return f"loss_goal={self.loss}"


class _NpointsGoal:
    def __init__(self, npoints: int, target: Any = None) -> None:
        self.npoints = npoints
        self.target = target  # the learner inside a DataSaver, else None (use the argument)

    def __call__(self, learner: Any) -> bool:
        lrn = learner if self.target is None else self.target
        return bool(lrn.npoints >= self.npoints)

    def __repr__(self) -> str:
        return f"npoints_goal={self.npoints}"


class _EndTimeGoal:
    def __init__(self, end_time: datetime) -> None:
        self.end_time = end_time

    def __call__(self, learner: Any) -> bool:
        return _now(self.end_time.tzinfo) >= self.end_time

    def __repr__(self) -> str:
        return f"end_time_goal={self.end_time.isoformat()}"


class _DurationGoal:
    """Reached ``seconds`` after the first check (the runner checks its goal when it starts)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline: float | None = None

    def __call__(self, learner: Any) -> bool:
        now = _monotonic()
        if self._deadline is None:
            self._deadline = now + self.seconds
        return now >= self._deadline

    def __repr__(self) -> str:
        return f"duration_goal={self.seconds}s"


class _AllChildrenGoal:
    """``npoints_goal`` for a BalancingLearner: every child must reach it (reference semantics)."""

    def __init__(self, npoints: int, balancing: Any) -> None:
        self.npoints = npoints
        self.balancing = balancing

    def __call__(self, learner: Any) -> bool:
        return all(child.npoints >= self.npoints for child in self.balancing.learners)

    def __repr__(self) -> str:
        return f"npoints_goal={self.npoints} (for every child learner)"


class _DoneGoal:
    """The goal of a runner without a goal whose learner can finish (``learner.done()``).

    A BalancingLearner is done when every child is; a DataSaver when its learner is.
    """

    def __init__(self, learners: list[Any]) -> None:
        self.learners = learners

    def __call__(self, learner: Any) -> bool:
        return all(lrn.done() for lrn in self.learners)

    def __repr__(self) -> str:
        return "learner.done()"


def _finishing_learners(learner: Any) -> list[Any] | None:
    """Return the learners whose ``done()`` ends a run without a goal (None: some has none)."""
    from adaptive_nb.learner.balancing_learner import BalancingLearner

    learner = _unwrap_datasaver(learner)
    children = learner.learners if isinstance(learner, BalancingLearner) else [learner]
    children = [_unwrap_datasaver(c) for c in children]
    if all(callable(getattr(c, "done", None)) for c in children):
        return children
    return None


def _unwrap_datasaver(learner: Any) -> Any:
    from adaptive_nb.learner.data_saver import DataSaver

    while isinstance(learner, DataSaver):
        learner = learner.learner
    return learner


def make_goal(  # noqa: PLR0911, PLR0912 - one branch per goal kind
    learner: Any,
    goal: GoalType | None,
    *,
    loss_goal: float | None = None,
    npoints_goal: int | None = None,
    end_time_goal: datetime | None = None,
    duration_goal: timedelta | float | None = None,
    allow_running_forever: bool = True,
) -> GoalType:
    """Return the goal callable described by exactly one (or, when allowed, none) of the options.

    Parameters
    ----------
    learner
        The learner the goal is for (a BalancingLearner gets ``npoints_goal`` per child).
    goal
        A callable ``goal(learner) -> bool``.
    loss_goal, npoints_goal, end_time_goal, duration_goal
        Shortcuts for common goals; see the runners' docstrings.
    allow_running_forever
        If False, giving no goal at all is an error (``simple`` and ``BlockingRunner``).

    Returns
    -------
    Callable
        ``goal(learner) -> bool``, True once the runner should stop.

    Raises
    ------
    ValueError
        When several goals are given, or none where one is required.
    TypeError
        When a goal has the wrong type.
    """
    given = {
        name: value
        for name, value in [
            ("goal", goal),
            ("loss_goal", loss_goal),
            ("npoints_goal", npoints_goal),
            ("end_time_goal", end_time_goal),
            ("duration_goal", duration_goal),
        ]
        if value is not None
    }
    if len(given) > 1:
        listed = ", ".join(f"{name}={value!r}" for name, value in given.items())
        msg = (
            f"Got several goals ({listed}); give exactly one of goal, loss_goal, npoints_goal, "
            "end_time_goal or duration_goal."
        )
        raise ValueError(msg)
    if not given:
        finishing = _finishing_learners(learner)
        if finishing is not None:  # e.g. SequenceLearner: run until every element is done
            return _DoneGoal(finishing)
        if not allow_running_forever:
            msg = (
                "This runner needs a goal, otherwise it would block forever: pass one of goal=, "
                "loss_goal=, npoints_goal=, end_time_goal= or duration_goal=."
            )
            raise ValueError(msg)
        warnings.warn(_NO_GOAL_MESSAGE, RunnerWarning, stacklevel=user_stacklevel())
        return _NeverGoal()
    if goal is not None:
        if not callable(goal):
            msg = (
                f"goal must be a callable goal(learner) -> bool, got {goal!r}. For a target loss "
                f"use loss_goal={goal!r}; for a number of points use npoints_goal=."
            )
            raise TypeError(msg)
        return goal
    if loss_goal is not None:
        if isinstance(loss_goal, bool) or not isinstance(loss_goal, int | float):
            msg = f"loss_goal must be a number, got {loss_goal!r}."
            raise TypeError(msg)
        if not loss_goal >= 0:  # also NaN
            msg = (
                f"loss_goal must be >= 0, got {loss_goal!r}: a learner's loss is never "
                "negative, so the runner would never stop."
            )
            raise ValueError(msg)
        return _LossGoal(loss_goal)
    target = _unwrap_datasaver(learner)
    if npoints_goal is not None:
        if isinstance(npoints_goal, bool) or not isinstance(npoints_goal, int):
            msg = f"npoints_goal must be an int, got {npoints_goal!r}."
            raise TypeError(msg)
        if npoints_goal < 0:
            msg = f"npoints_goal must be >= 0, got {npoints_goal!r}."
            raise ValueError(msg)
        from adaptive_nb.learner.balancing_learner import BalancingLearner

        if isinstance(target, BalancingLearner):
            return _AllChildrenGoal(npoints_goal, target)
        return _NpointsGoal(npoints_goal, None if target is learner else target)
    if end_time_goal is not None:
        if not isinstance(end_time_goal, datetime):
            msg = f"end_time_goal must be a datetime.datetime, got {end_time_goal!r}."
            raise TypeError(msg)
        return _EndTimeGoal(end_time_goal)
    assert duration_goal is not None
    if isinstance(duration_goal, timedelta):
        seconds = duration_goal.total_seconds()
    elif isinstance(duration_goal, int | float) and not isinstance(duration_goal, bool):
        seconds = float(duration_goal)
    else:
        msg = f"duration_goal must be a number of seconds or a timedelta, got {duration_goal!r}."
        raise TypeError(msg)
    if not seconds >= 0:  # also NaN
        msg = f"duration_goal must be a non-negative number of seconds, got {duration_goal!r}."
        raise ValueError(msg)
    return _DurationGoal(seconds)


def auto_goal(
    *,
    loss: float | None = None,
    npoints: int | None = None,
    end_time: datetime | None = None,
    duration: timedelta | float | None = None,
    learner: Any = None,
    allow_running_forever: bool = True,
) -> GoalType:
    """Build the goal a runner uses for ``loss_goal=``, ``npoints_goal=``, ... (reference API).

    Parameters
    ----------
    loss
        Stop once ``learner.loss() <= loss``.
    npoints
        Stop once the learner has at least this many points (every child of a BalancingLearner,
        the wrapped learner of a DataSaver).
    end_time
        Stop at this ``datetime``.
    duration
        Stop this long after the goal is built: a ``timedelta`` or a number of seconds.
    learner
        The learner the goal is for; it decides the meaning of ``npoints`` (see above) and of no
        goal at all.
    allow_running_forever
        With no goal given: if True, return a goal that never stops (with a warning); if False,
        raise. A SequenceLearner or IntegratorLearner (also inside a DataSaver or as every child
        of a BalancingLearner) then stops once ``done()``, whatever this flag says.

    Returns
    -------
    Callable
        ``goal(learner) -> bool``, True once the runner should stop.

    Raises
    ------
    ValueError
        When several of ``loss``, ``npoints``, ``end_time``, ``duration`` are given, or none while
        ``allow_running_forever`` is False and the learner does not finish by itself.
    """
    given = [v for v in (loss, npoints, end_time, duration) if v is not None]
    if len(given) > 1:
        msg = "Give only one of loss, npoints, end_time and duration to auto_goal."
        raise ValueError(msg)
    if given:
        return make_goal(
            learner,
            None,
            loss_goal=loss,
            npoints_goal=npoints,
            end_time_goal=end_time,
            duration_goal=duration,
        )
    finishing = _finishing_learners(learner)
    if finishing is not None:
        return _DoneGoal(finishing)
    if not allow_running_forever:
        msg = (
            "No goal given, so the learner would run forever: pass one of loss=, npoints=, "
            "end_time= or duration= (or allow_running_forever=True)."
        )
        raise ValueError(msg)
    warnings.warn(_NO_GOAL_MESSAGE, RunnerWarning, stacklevel=user_stacklevel())
    return _NeverGoal()


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
