"""Tests of Learner1D's loss functions (learner/_loss1d.py), against the reference library's."""

from __future__ import annotations

import itertools
import math
import pickle
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from adaptive.learner import learner1D as ref1d  # noqa: N813  (the reference, adaptive 1.5)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adaptive_nb.learner import learner1D
from adaptive_nb.learner._loss1d import _check_loss
from adaptive_nb.learner.learner1D import (
    abs_min_log_loss,
    curvature_loss_function,
    default_loss,
    resolution_loss_function,
    triangle_loss,
    uniform_loss,
    uses_nth_neighbors,
)

PUBLIC = [
    uniform_loss,
    default_loss,
    abs_min_log_loss,
    triangle_loss,
    curvature_loss_function,
    resolution_loss_function,
]

# Neighbours at least 1e-6 apart: closer than that, the reference's triangle measure (a square
# root of a Cayley-Menger determinant) is rounding noise (~1e-9, ~3e-5 after curvature's square
# root) where ours is exact, and the comparison would test the reference's rounding.
xs4 = (
    st.lists(st.floats(-1, 1), min_size=4, max_size=4, unique=True)
    .map(sorted)
    .filter(lambda xs: min(b - a for a, b in itertools.pairwise(xs)) > 1e-6)
)
ys4 = st.lists(st.floats(-10, 10).filter(lambda y: abs(y) > 1e-6), min_size=4, max_size=4)
vec4 = st.lists(
    st.lists(st.floats(-10, 10).filter(lambda y: abs(y) > 1e-6), min_size=3, max_size=3),
    min_size=4,
    max_size=4,
)


def _nearly_collinear(xs: list[float], ys: list[float]) -> bool:
    """Whether three consecutive points are collinear, or within 1e-6 of it (exact arithmetic).

    There the reference's triangle areas (a Cayley-Menger square root) are rounding noise of
    order 1e-5 where ours are exact; the comparison would test the reference's rounding.
    """
    for i in range(len(xs) - 2):
        fx = [Fraction(v) for v in xs[i : i + 3]]
        fy = [Fraction(v) for v in ys[i : i + 3]]
        cross = (fx[1] - fx[0]) * (fy[2] - fy[0]) - (fy[1] - fy[0]) * (fx[2] - fx[0])
        if abs(cross) <= Fraction(1, 10**6):
            return True
    return False


def pairs() -> list[tuple[str, Callable[..., Any], Callable[..., Any]]]:
    return [
        ("uniform", uniform_loss, ref1d.uniform_loss),
        ("default", default_loss, ref1d.default_loss),
        ("abs_min_log", abs_min_log_loss, ref1d.abs_min_log_loss),
        ("triangle", triangle_loss, ref1d.triangle_loss),
        ("curvature", curvature_loss_function(), ref1d.curvature_loss_function()),
        (
            "resolution",
            resolution_loss_function(0.01, 0.5),
            ref1d.resolution_loss_function(0.01, 0.5),
        ),
    ]


@settings(max_examples=60, deadline=None)
@given(xs=xs4, ys=ys4, vys=vec4, edge=st.sampled_from(["none", "left", "right"]))
@pytest.mark.parametrize(("name", "ours", "ref"), pairs(), ids=[p[0] for p in pairs()])
def test_losses_agree_with_the_reference(
    name: str,
    ours: Callable[..., Any],
    ref: Callable[..., Any],
    xs: list[float],
    ys: list[float],
    vys: list[list[float]],
    edge: str,
) -> None:
    assert ours.nth_neighbors == ref.nth_neighbors  # type: ignore[attr-defined]
    if name in ("triangle", "curvature"):
        assume(not _nearly_collinear(xs, ys))
        assume(not any(_nearly_collinear(xs, [v[k] for v in vys]) for k in range(3)))
    for values in (ys, [np.array(v) for v in vys]):
        if ours.nth_neighbors == 0:  # type: ignore[attr-defined]
            args: tuple[tuple[Any, ...], tuple[Any, ...]] = (tuple(xs[1:3]), tuple(values[1:3]))
        else:
            x = list[Any](xs)
            y = list[Any](values)
            if edge == "left":
                x[0] = y[0] = None
            elif edge == "right":
                x[3] = y[3] = None
            args = (tuple(x), tuple(y))
        assert ours(*args) == pytest.approx(float(ref(*args)), rel=1e-9, abs=1e-12)


def test_public_losses_live_under_the_reference_module_name() -> None:
    for f in PUBLIC:
        assert f.__module__ == "adaptive_nb.learner.learner1D"
        assert getattr(learner1D, f.__name__) is f
        assert pickle.loads(pickle.dumps(f)) is f
        assert f.__module__.encode() in pickle.dumps(f)


def test_check_loss_returns_the_loss_and_its_neighbours() -> None:
    assert _check_loss(default_loss) == (default_loss, 0)
    curv = curvature_loss_function()
    assert _check_loss(curv) == (curv, 1)
    assert _check_loss(lambda xs, ys: 1.0)[1] == 0
    assert _check_loss(max)[1] == 0  # a builtin: no signature to check


def test_loss_functions_by_hand() -> None:
    assert uniform_loss((0.0, 0.5), (3.0, 4.0)) == 0.5
    assert default_loss((0.0, 0.3), (0.0, 0.4)) == pytest.approx(0.5)
    vec = default_loss((0.0, 0.3), (np.array([0.0, 0.0]), np.array([0.4, 0.1])))
    assert vec == pytest.approx(0.5)
    assert abs_min_log_loss((0.0, 1.0), (1.0, math.e)) == pytest.approx(math.sqrt(2))
    # triangle (0,0), (1,1), (2,0) has area 1; without neighbours: the width
    assert triangle_loss((0.0, 1.0, 2.0, None), (0.0, 1.0, 0.0, None)) == pytest.approx(1.0)
    assert triangle_loss((None, 1.0, 2.0, None), (None, 1.0, 0.0, None)) == 1.0
    curv = curvature_loss_function(area_factor=1, euclid_factor=0, horizontal_factor=0)
    assert curv((0.0, 1.0, 2.0, None), (0.0, 1.0, 0.0, None)) == pytest.approx(1.0)
    assert curv.nth_neighbors == 1  # type: ignore[attr-defined]


def test_bad_loss_factory_arguments() -> None:
    with pytest.raises(ValueError, match="must not exceed"):
        resolution_loss_function(min_length=0.5, max_length=0.1)
    with pytest.raises(ValueError, match="min_length"):
        resolution_loss_function(min_length=-1)
    with pytest.raises(TypeError, match="area_factor"):
        curvature_loss_function(area_factor="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="nth_neighbors"):
        uses_nth_neighbors(-1)
