"""Progress toward a runner's goal, with an ETA, and each learner's natural measure of progress.

``GoalProgress`` is fed one runner snapshot per ``live_info`` update and reads ``runner.goal``
(the goal objects of ``adaptive_nb.runner._goals``; nothing is added to the runner):

* ``npoints_goal``: progress ``npoints / target``; ETA = points left / the measured point rate.
* ``duration_goal`` and ``end_time_goal``: progress and ETA are clock arithmetic.
* ``loss_goal``: progress on a log scale from the first loss seen to the target; the ETA follows
  the loss-against-points trend, a least-squares line through ``(log npoints, log loss)`` over
  the recent history, extrapolated to the target and divided by the point rate. Adaptive
  sampling losses fall roughly as a power of the number of points, which is a line in log-log.
* a learner that finishes by itself (``SequenceLearner``, ``IntegratorLearner``): the fraction
  done, or the integrator's error against ``tol * |igral|`` like a loss goal.

The ETA is None when it cannot be estimated (no rate yet, a loss that does not fall).
"""

from __future__ import annotations

import math
import time
from collections import deque
from datetime import datetime
from typing import Any

from adaptive_nb._status import RunnerSnapshot
from adaptive_nb.learner.average_learner import AverageLearner
from adaptive_nb.learner.data_saver import DataSaver
from adaptive_nb.learner.integrator_learner import IntegratorLearner
from adaptive_nb.learner.sequence_learner import SequenceLearner
from adaptive_nb.notebook._live_views import sample_counts
from adaptive_nb.runner._goals import (
    _AllChildrenGoal,
    _DoneGoal,
    _DurationGoal,
    _EndTimeGoal,
    _LossGoal,
    _NeverGoal,
    _NpointsGoal,
)

__all__ = ["GoalProgress", "loglog_points_needed", "natural_loss"]

#: Seconds of history the point rate is measured over.
RATE_WINDOW = 20.0
#: Distinct (npoints, loss) pairs the log-log fit uses (the most recent ones).
FIT_POINTS = 24


def _g(v: float) -> str:
    return f"{v:.3g}"


def _unwrap(learner: Any) -> Any:
    while isinstance(learner, DataSaver):
        learner = learner.learner
    return learner


def natural_loss(learner: Any) -> str | None:
    """Describe how far ``learner`` is, in its own terms (None for learners without one).

    Parameters
    ----------
    learner
        The runner's learner (a DataSaver shows its inner learner).

    Returns
    -------
    str or None
        E.g. ``"err 1.2e-07 vs tol·|igral| 3.3e-10"`` for an IntegratorLearner.
    """
    lrn = _unwrap(learner)
    counts = sample_counts(lrn)
    if counts is not None:
        total = sum(counts.values())
        errors = [e for e in lrn.error.values() if math.isfinite(e)]
        worst = f", largest error {_g(max(errors))}" if errors else ""
        return f"{total} samples at {len(lrn.data)} points{worst}"
    if isinstance(lrn, AverageLearner):
        if lrn.npoints < lrn.min_npoints:
            return f"{lrn.npoints} samples (the error needs {lrn.min_npoints})"
        se = lrn.std / math.sqrt(lrn.npoints)
        tols = [f"{k} {_g(v)}" for k, v in (("atol", lrn.atol), ("rtol", lrn.rtol)) if v < math.inf]
        return f"mean {lrn.mean:.6g} ± {_g(se)} (target {', '.join(tols)})"
    if isinstance(lrn, IntegratorLearner):
        target = lrn.tol * abs(lrn.igral)
        return f"igral {lrn.igral:.10g}, err {_g(lrn.err)} vs tol·|igral| {_g(target)}"
    if isinstance(lrn, SequenceLearner):
        total = len(lrn.sequence)
        pct = 100.0 * lrn.npoints / total if total else 100.0
        return f"{lrn.npoints} / {total} done ({pct:.1f} %)"
    return None


def loglog_points_needed(history: list[tuple[int, float]], target: float) -> float | None:
    """Points at which the loss trend of ``history`` reaches ``target``, or None.

    Parameters
    ----------
    history
        ``(npoints, loss)`` pairs with positive values, oldest first.
    target
        The loss to reach.

    Returns
    -------
    float or None
        From a least-squares line through ``(log n, log loss)``, anchored at the latest pair;
        None with fewer than 3 pairs, no spread in ``n`` or a loss that does not fall.
    """
    if len(history) < 3 or target <= 0:
        return None
    xs = [math.log(n) for n, _ in history]
    ys = [math.log(loss) for _, loss in history]
    mx = sum(xs) / len(xs)
    my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 1e-12:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    if slope >= -1e-3:
        return None
    n_last, loss_last = history[-1]
    if loss_last <= target:
        return float(n_last)
    # n_last * (target / loss_last) ** (1 / slope), in logs to stay finite for tiny slopes.
    log_n = math.log(n_last) + (math.log(target) - math.log(loss_last)) / slope
    return math.exp(min(log_n, 700.0))


def _goal_text(goal: Any) -> str:
    """Return the goal's repr; a plain function (``goal=``) by name, not address."""
    if goal is None:
        return ""
    name = getattr(goal, "__qualname__", None)
    return f"goal={name}" if isinstance(name, str) else repr(goal)


class GoalProgress:
    """Track a runner's progress toward its goal across ``live_info`` updates.

    Parameters
    ----------
    runner
        The runner; its ``goal`` and ``learner`` are read on every update.
    """

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self._rate_samples: deque[tuple[float, int]] = deque()
        self._losses: deque[tuple[int, float]] = deque(maxlen=FIT_POINTS)
        self._first_loss: float | None = None

    def _rate(self, now: float, npoints: int) -> float | None:
        samples = self._rate_samples
        if not samples or samples[-1][1] != npoints:
            samples.append((now, npoints))
        while len(samples) > 2 and now - samples[0][0] > RATE_WINDOW:
            samples.popleft()
        (t0, n0), (t1, n1) = samples[0], (now, npoints)
        if t1 - t0 <= 0 or n1 <= n0:
            return None
        return (n1 - n0) / (t1 - t0)

    def _toward(
        self, value: float | None, target: float, npoints: int, rate: float | None
    ) -> tuple[float | None, float | None]:
        """(progress, ETA) of a loss-like ``value`` falling toward ``target``."""
        if value is None or not math.isfinite(value) or value <= 0 or target <= 0:
            return (1.0, 0.0) if value is not None and value <= target else (None, None)
        if npoints > 0 and (not self._losses or self._losses[-1][0] != npoints):
            self._losses.append((npoints, value))
        if self._first_loss is None:
            self._first_loss = value
        if value <= target:
            return 1.0, 0.0
        first = max(self._first_loss, value)
        span = math.log(first / target)
        progress = math.log(first / value) / span if span > 0 else 0.0
        needed = loglog_points_needed(list(self._losses), target)
        eta = None if needed is None or not rate else max(needed - npoints, 0.0) / rate
        return progress, eta

    def update(self, snap: RunnerSnapshot, now: float | None = None) -> dict[str, Any]:
        """Return the goal, progress (0 to 1) and ETA (seconds) after ``snap``.

        Parameters
        ----------
        snap
            The runner's latest snapshot.
        now
            ``time.monotonic()`` of the snapshot (for tests).

        Returns
        -------
        dict
            ``goal`` (text), ``kind``, ``target``, ``progress``, ``eta``, ``rate`` (points per
            second) and ``natural`` (see :func:`natural_loss`); values None when unknown.
        """
        now = time.monotonic() if now is None else now
        goal = getattr(self.runner, "goal", None)
        learner = self.runner.learner
        npoints = snap.npoints
        rate = self._rate(now, npoints)
        kind, target, progress, eta = "other", None, None, None
        if isinstance(goal, _NpointsGoal | _AllChildrenGoal):
            kind, target = "npoints", float(goal.npoints)
            if isinstance(goal, _AllChildrenGoal):
                counts = [c.npoints for c in goal.balancing.learners]
            else:
                counts = [(goal.target or learner).npoints]
            left = sum(max(goal.npoints - c, 0) for c in counts)
            progress = min(counts) / goal.npoints if goal.npoints > 0 else 1.0
            eta = 0.0 if not left else (left / rate if rate else None)
        elif isinstance(goal, _DurationGoal):
            kind, target = "duration", float(goal.seconds)
            progress = snap.elapsed_time / goal.seconds if goal.seconds > 0 else 1.0
            eta = max(goal.seconds - snap.elapsed_time, 0.0)
        elif isinstance(goal, _EndTimeGoal):
            kind = "end_time"
            left = (goal.end_time - datetime.now(goal.end_time.tzinfo)).total_seconds()
            eta = max(left, 0.0)
            total = snap.elapsed_time + eta
            progress = snap.elapsed_time / total if total > 0 else 1.0
        elif isinstance(goal, _LossGoal):
            kind, target = "loss", goal.loss
            progress, eta = self._toward(snap.loss, goal.loss, npoints, rate)
        elif isinstance(goal, _DoneGoal):
            kind = "done"
            progress, eta = self._done(goal.learners, npoints, rate)
        elif isinstance(goal, _NeverGoal) or goal is None:
            kind = "none"
        if snap.status != "running":
            eta = None
        if progress is not None:
            progress = min(max(progress, 0.0), 1.0)
        return {
            "goal": _goal_text(goal),
            "kind": kind,
            "target": target,
            "progress": progress,
            "eta": eta,
            "rate": rate,
            "natural": natural_loss(learner),
        }

    def _done(
        self, learners: list[Any], npoints: int, rate: float | None
    ) -> tuple[float | None, float | None]:
        leaves = [_unwrap(lrn) for lrn in learners]
        leaves = [c for lrn in leaves for c in getattr(lrn, "learners", [lrn])]
        if leaves and all(isinstance(lrn, SequenceLearner) for lrn in leaves):
            total = sum(len(lrn.sequence) for lrn in leaves)
            done = sum(lrn.npoints for lrn in leaves)
            progress = done / total if total else 1.0
            return progress, (0.0 if done >= total else ((total - done) / rate if rate else None))
        if len(leaves) == 1 and isinstance(leaves[0], IntegratorLearner):
            lrn = leaves[0]
            return self._toward(lrn.err, lrn.tol * abs(lrn.igral), npoints, rate)
        return None, None
