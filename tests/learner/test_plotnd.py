"""LearnerND's plots: slices read a cached interpolator that follows the learner's data.

The reference's LearnerND tutorial renders a HoloMap of 108 one-dimensional slices of one learner;
each slice must not rebuild the interpolation (its first evaluation is the expensive part), and a
slice taken after new data arrives must show that data.
"""

from __future__ import annotations

import pickle

import adaptive
import numpy as np
import pytest
from scipy import interpolate

import adaptive_nb

pytest.importorskip("holoviews")


def bump(xyz: tuple[float, float, float]) -> float:
    x, y, z = xyz
    return float(x + z**2 + np.exp(-((x**2 + y**2 + z**2 - 0.5) ** 2) / 0.05))


def _learn(module: object, n: int) -> object:
    learner = module.LearnerND(bump, bounds=[(-1, 1), (-1, 1), (-1, 1)])  # type: ignore[attr-defined]
    module.runner.simple(learner, npoints_goal=n)  # type: ignore[attr-defined]
    return learner


def _path_ys(path: object) -> np.ndarray:
    return np.asarray(path.dimension_values(1))  # type: ignore[attr-defined]


def test_interpolator_is_reused_while_the_data_is_unchanged() -> None:
    learner = _learn(adaptive_nb, 60)
    first = learner._ip()  # type: ignore[attr-defined]
    assert learner._ip() is first  # type: ignore[attr-defined]
    learner.plot_slice({0: 0.1, 1: 0.2}, n=20)  # type: ignore[attr-defined]
    assert learner._ip() is first  # type: ignore[attr-defined]


def test_slice_after_new_data_shows_the_new_data() -> None:
    learner = _learn(adaptive_nb, 25)
    before = _path_ys(learner.plot_slice({0: 0.1, 1: 0.2}, n=50))  # type: ignore[attr-defined]
    adaptive_nb.runner.simple(learner, npoints_goal=80)
    after = _path_ys(learner.plot_slice({0: 0.1, 1: 0.2}, n=50))  # type: ignore[attr-defined]
    pts, vals = learner._mesh_points()  # type: ignore[attr-defined]
    xs = np.linspace(-1, 1, 50)
    expected = interpolate.LinearNDInterpolator(pts, vals)(0.1, 0.2, xs)
    np.testing.assert_allclose(after, expected)
    assert not np.allclose(before, after)


def test_slice_matches_the_reference_on_the_same_data() -> None:
    ours = _learn(adaptive_nb, 100)
    ref = adaptive.LearnerND(bump, bounds=[(-1, 1), (-1, 1), (-1, 1)])
    ref.tell_many(list(ours.data), list(ours.data.values()))  # type: ignore[attr-defined]
    for cut in ({0: 0.1, 1: 0.2}, {0: -0.3, 2: 0.7}):
        np.testing.assert_allclose(
            _path_ys(ours.plot_slice(cut, n=40)),  # type: ignore[attr-defined]
            _path_ys(ref.plot_slice(cut, n=40)),
        )


def test_pickled_learner_does_not_carry_the_interpolator() -> None:
    learner = _learn(adaptive_nb, 60)
    size = len(pickle.dumps(learner))
    learner.plot_slice({0: 0.1, 1: 0.2}, n=20)  # type: ignore[attr-defined]
    assert len(pickle.dumps(learner)) == size
