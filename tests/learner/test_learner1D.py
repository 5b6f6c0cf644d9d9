"""Tests of Learner1D: API, invariants (hypothesis), losses, errors, persistence, plotting."""

from __future__ import annotations

import math

import numpy as np

from adaptive_nb.learner.learner1D import Learner1D


def peak(x: float, a: float = 0.01) -> float:
    return x + a**2 / (a**2 + (x - 0.123) ** 2)


def run(learner: Learner1D, n: int) -> None:
    for _ in range(n):
        (x,), _ = learner.ask(1)
        learner.tell(x, learner.function(x))


def test_first_points_are_the_bounds_and_loss_is_inf_until_both_known() -> None:
    learner = Learner1D(peak, (-1, 1))
    assert learner.loss() == math.inf
    points, improvements = learner.ask(2)
    assert points == [-1.0, 1.0]
    assert improvements == [math.inf, math.inf]
    learner.tell(-1.0, peak(-1.0))
    assert learner.loss() == math.inf
    learner.tell(1.0, peak(1.0))
    assert math.isfinite(learner.loss())


def test_run_refines_the_peak_and_keeps_invariants() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 300)
    learner._check_invariants()
    assert learner.npoints == 300
    xs = np.array(sorted(learner.data))
    near = np.sum(np.abs(xs - 0.123) < 0.05)
    assert near > 60  # far more than the 7 a uniform grid would put there
    assert learner.loss() < 0.05
