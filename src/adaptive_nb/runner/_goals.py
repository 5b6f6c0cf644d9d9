"""Turning the runner's goal arguments into one cheap ``goal(learner) -> bool`` callable."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

__all__ = ["GoalType", "auto_goal", "make_goal", "stop_after"]

GoalType = Callable[[Any], bool]

# Looked up at call time, so tests can replace them with a fake clock (monkeypatch these names).
_monotonic = monotonic


def _now(tz: Any = None) -> datetime:
    return datetime.now(tz)


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
        done_goal = _done_goal(learner)
        if done_goal is not None:
            return done_goal
        if not allow_running_forever:
            msg = (
                "This runner needs a goal, otherwise it would block forever: pass one of goal=, "
                "loss_goal=, npoints_goal=, end_time_goal= or duration_goal=."
            )
            raise ValueError(msg)
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
        return _LossGoal(loss_goal)
    target = _unwrap_datasaver(learner)
    if npoints_goal is not None:
        if isinstance(npoints_goal, bool) or not isinstance(npoints_goal, int):
            msg = f"npoints_goal must be an int, got {npoints_goal!r}."
            raise TypeError(msg)
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
    if math.isnan(seconds):
        msg = "duration_goal must not be NaN."
        raise ValueError(msg)
    return _DurationGoal(seconds)


class _DoneGoal:
    """The goal of a learner that knows when it is finished (SequenceLearner, IntegratorLearner)."""

    def __init__(self, target: Any = None) -> None:
        self.target = target  # the learner inside a DataSaver, else None (use the argument)

    def __call__(self, learner: Any) -> bool:
        lrn = learner if self.target is None else self.target
        return bool(lrn.done())

    def __repr__(self) -> str:
        return "until the learner is done"


def _finishes_by_itself(learner: Any) -> bool:
    # The reference stops these two learners at done() when no goal is given; the check is by
    # class, not by a `done` attribute, so a user's learner with a done() helper is not affected.
    from adaptive_nb import learner as learners

    kinds = tuple(
        getattr(learners, name)
        for name in ("SequenceLearner", "IntegratorLearner")
        if hasattr(learners, name)
    )
    return isinstance(learner, kinds)


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
    done_goal = _done_goal(learner)
    if done_goal is not None:
        return done_goal
    if not allow_running_forever:
        msg = (
            "No goal given, so the learner would run forever: pass one of loss=, npoints=, "
            "end_time= or duration= (or allow_running_forever=True)."
        )
        raise ValueError(msg)
    warnings.warn("No goal given: the runner continues until cancelled.", stacklevel=2)
    return _NeverGoal()


def _done_goal(learner: Any) -> GoalType | None:
    """Return the "until done" goal if ``learner`` finishes by itself, else None."""
    from adaptive_nb.learner.balancing_learner import BalancingLearner

    target = _unwrap_datasaver(learner)
    if isinstance(target, BalancingLearner):
        children = [_done_goal(child) for child in target.learners]
        if children and all(goal is not None for goal in children):
            return _AllDoneGoal(target)
        return None
    if _finishes_by_itself(target):
        return _DoneGoal(None if target is learner else target)
    return None


class _AllDoneGoal:
    """Every child of a BalancingLearner is done (children that finish by themselves)."""

    def __init__(self, balancing: Any) -> None:
        self.balancing = balancing

    def __call__(self, learner: Any) -> bool:
        return all(_unwrap_datasaver(child).done() for child in self.balancing.learners)

    def __repr__(self) -> str:
        return "until every child learner is done"


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
