"""LearnerND's plots: slices read a cached interpolator that follows the learner's data.

The reference's LearnerND tutorial renders a HoloMap of 108 one-dimensional slices of one learner;
each slice must not rebuild the interpolation (its first evaluation is the expensive part), and a
slice taken after new data arrives must show that data.
"""

from __future__ import annotations

import itertools
import pickle
from typing import Any

import adaptive
import numpy as np
import pytest
from scipy import interpolate

import adaptive_nb

pytest.importorskip("holoviews")


def bump(xyz: tuple[float, float, float]) -> float:
    x, y, z = xyz
    return float(x + z**2 + np.exp(-((x**2 + y**2 + z**2 - 0.5) ** 2) / 0.05))


def _learn(module: Any, n: int) -> Any:
    learner = module.LearnerND(bump, bounds=[(-1, 1), (-1, 1), (-1, 1)])
    module.runner.simple(learner, npoints_goal=n)
    return learner


def _path_ys(path: object) -> np.ndarray:
    return np.asarray(path.dimension_values(1))  # type: ignore[attr-defined]


def test_interpolator_is_reused_while_the_data_is_unchanged() -> None:
    learner = _learn(adaptive_nb, 60)
    first = learner._ip()
    assert learner._ip() is first
    learner.plot_slice({0: 0.1, 1: 0.2}, n=20)
    assert learner._ip() is first


def test_slice_after_new_data_shows_the_new_data() -> None:
    learner = _learn(adaptive_nb, 25)
    before = _path_ys(learner.plot_slice({0: 0.1, 1: 0.2}, n=50))
    adaptive_nb.runner.simple(learner, npoints_goal=80)
    after = _path_ys(learner.plot_slice({0: 0.1, 1: 0.2}, n=50))
    pts, vals = learner._mesh_points()
    xs = np.linspace(-1, 1, 50)
    expected = interpolate.LinearNDInterpolator(pts, vals)(0.1, 0.2, xs)
    np.testing.assert_allclose(after, expected)
    assert not np.allclose(before, after)


def test_slice_matches_the_reference_on_the_same_data() -> None:
    ours = _learn(adaptive_nb, 100)
    ref = adaptive.LearnerND(bump, bounds=[(-1, 1), (-1, 1), (-1, 1)])
    ref.tell_many(list(ours.data), list(ours.data.values()))
    for cut in ({0: 0.1, 1: 0.2}, {0: -0.3, 2: 0.7}):
        np.testing.assert_allclose(
            _path_ys(ours.plot_slice(cut, n=40)),
            _path_ys(ref.plot_slice(cut, n=40)),
        )


def test_pickled_learner_does_not_carry_the_interpolator() -> None:
    learner = _learn(adaptive_nb, 60)
    size = len(pickle.dumps(learner))
    learner.plot_slice({0: 0.1, 1: 0.2}, n=20)
    assert len(pickle.dumps(learner)) == size


def quartic(xyz: tuple[float, float, float]) -> float:
    x, y, z = xyz
    return float(x**4 + y**4 + z**4 - (x**2 + y**2 + z**2) ** 2)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the plotly methods hand to ``plotly.offline.iplot`` (the notebook display)."""
    plotly_offline = pytest.importorskip("plotly.offline")
    figures: list[Any] = []
    monkeypatch.setattr(plotly_offline, "iplot", figures.append)
    return figures


def test_isosurface_on_a_hull_domain_lies_on_the_level(shown: list[Any]) -> None:
    # The LearnerND tutorial's last cell: a domain given as a scipy ConvexHull, a surface at -0.5.
    from scipy.spatial import ConvexHull

    corners = [(-1, -1, -1), (-1, 1, -1), (-1, -1, 1), (-1, 1, 1), (1, 1, -1), (1, -1, -1)]
    learner = adaptive_nb.LearnerND(quartic, ConvexHull(corners))
    adaptive_nb.runner.simple(learner, npoints_goal=150)
    learner.plot_isosurface(-0.5)
    [(surface, hull)] = shown
    assert surface.type == hull.type == "mesh3d"
    on_surface = np.column_stack([surface.x, surface.y, surface.z])
    assert len(on_surface) > 0
    # Each surface vertex is where the linear interpolant along an edge of the learner's own
    # triangulation crosses the level (scipy's Delaunay of the same points may split degenerate
    # cells differently, so it is not the reference for this).
    pts, vals = learner._mesh_points()
    tri = learner.tri
    assert tri is not None
    edges = np.array(
        sorted({e for s in tri.simplices for e in itertools.combinations(sorted(s), 2)})
    )
    a, b = pts[edges[:, 0]], pts[edges[:, 1]]
    va, vb = vals[edges[:, 0]], vals[edges[:, 1]]
    crossing = (np.minimum(va, vb) < -0.5) & (np.maximum(va, vb) >= -0.5)
    t = (-0.5 - va[crossing]) / (vb[crossing] - va[crossing])
    expected = a[crossing] + t[:, None] * (b[crossing] - a[crossing])
    distance = np.linalg.norm(on_surface[:, None, :] - expected[None, :, :], axis=2).min(axis=1)
    np.testing.assert_allclose(distance, 0, atol=1e-9)
    assert len(hull.i) == len(ConvexHull(corners).simplices)


def test_isosurface_of_a_linear_function_is_the_exact_plane_section(shown: list[Any]) -> None:
    def plane(xyz: tuple[float, float, float]) -> float:
        return float(sum(xyz))

    learner = adaptive_nb.LearnerND(plane, bounds=[(-1, 1)] * 3)
    adaptive_nb.runner.simple(learner, npoints_goal=100)
    learner.plot_isosurface(0.0, hull_opacity=0)
    [fig] = shown
    surface = fig.data[0]
    v = np.column_stack([surface.x, surface.y, surface.z])
    triangles = v[np.column_stack([surface.i, surface.j, surface.k])]
    area = 0.5 * np.linalg.norm(
        np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0]), axis=1
    )
    # x + y + z = 0 cuts the cube [-1, 1]^3 in a regular hexagon of side sqrt(2).
    assert area.sum() == pytest.approx(3 * np.sqrt(3))


def test_plot_3d_shows_every_evaluated_point() -> None:
    pytest.importorskip("plotly")
    learner = _learn(adaptive_nb, 50)
    fig = learner.plot_3D(with_triangulation=True, return_fig=True)
    edges, markers = fig.data
    assert markers.mode == "markers"
    assert edges.mode == "lines"
    shown = {tuple(p) for p in np.column_stack([markers.x, markers.y, markers.z])}
    assert shown == {tuple(map(float, p)) for p in learner.data}
