"""Learner2D with a user's own loss (the reference's interpolator interface)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import adaptive
import numpy as np

import adaptive_nb
from adaptive_nb.learner.learner2D import areas


def _sqrt_area(ip: Any) -> Any:
    return np.sqrt(areas(ip))


def _asked_as_a_runner_asks(lib: Any, loss: Any, n: int) -> list[tuple[float, float]]:
    """Two points first (two workers), then one per arrived result, as a Runner does."""
    learner = lib.Learner2D(lambda xy: float(np.hypot(*xy)), [(-1, 1), (-1, 1)], loss)
    pending, asked = [], []
    points, _ = learner.ask(2)
    pending += points
    asked += points
    for _ in range(n):
        x = pending.pop(0)
        learner.tell(x, float(np.hypot(*x)))
        points, _ = learner.ask(1)
        pending += points
        asked += points
    return [(float(x), float(y)) for x, y in asked]


def test_a_users_loss_gets_the_references_placement() -> None:
    # The reference puts a point at a triangle's centroid unless it is a sliver; a user's loss
    # is written for that rule. Its first points agree exactly (later ones differ in ties).
    ref = adaptive.learner.learner2D.areas  # the reference's own helper, for its own learner

    def ref_loss(ip: Any) -> Any:
        return np.sqrt(ref(ip))

    ours = _asked_as_a_runner_asks(adaptive_nb, _sqrt_area, 10)
    theirs = _asked_as_a_runner_asks(adaptive, ref_loss, 10)
    np.testing.assert_allclose(ours[:9], theirs[:9], rtol=0, atol=1e-12)
    assert (0.0, 0.0) not in ours


def test_a_function_singular_at_the_centre_runs_as_in_the_reference_tutorial() -> None:
    # The custom-loss tutorial's 2D example: 1 / (x² + y²) on [-1, 1]², run by two workers.
    def divergent(xy: tuple[float, float]) -> float:
        x, y = xy
        return 1 / (x**2 + y**2)

    learner = adaptive_nb.Learner2D(divergent, [(-1, 1), (-1, 1)], loss_per_triangle=_sqrt_area)
    with ThreadPoolExecutor(2) as pool:
        runner = adaptive_nb.BlockingRunner(
            learner, goal=lambda lrn: lrn.loss() < 0.03 or lrn.npoints > 300, executor=pool
        )
    assert not runner.failed
    assert learner.npoints > 300 or learner.loss() < 0.03
