"""Tests of the incremental Delaunay triangulation: invariants, reference API, errors."""

from __future__ import annotations

import itertools
import math
import pickle
import random
from typing import Any

import numpy as np
import pytest
import scipy.spatial
from adaptive.learner import triangulation as reftri  # the reference, adaptive 1.5
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_nb.learner import triangulation as tri_mod
from adaptive_nb.learner._simplex_geometry import barycentric
from adaptive_nb.learner.triangulation import (
    Triangulation,
    circumsphere,
    fast_2d_circumcircle,
    fast_3d_circumcircle,
    is_iterable_and_sized,
    orientation,
    point_in_simplex,
    simplex_volume_in_embedding,
)

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cube(dim: int) -> list[tuple[float, ...]]:
    return [tuple(map(float, c)) for c in itertools.product((0, 1), repeat=dim)]


def random_points(dim: int, n: int, seed: int) -> list[tuple[float, ...]]:
    rng = random.Random(seed)
    return [tuple(rng.random() for _ in range(dim)) for _ in range(n)]


def check_invariants(tri: Triangulation, hull_points: Any = None) -> None:
    """Delaunay (no vertex strictly inside a circumsphere), volumes fill the hull, consistency."""
    assert tri.reference_invariant()
    pts = np.array(tri.vertices)
    used = sorted({v for s in tri.simplices for v in s})
    for s in tri.simplices:
        center, radius = circumsphere(pts[list(s)])
        dist = np.linalg.norm(pts[used] - center, axis=1)
        assert (dist >= radius * (1 - 1e-6)).all(), s
        assert tri.volume(s) > 0
    hull = scipy.spatial.ConvexHull(pts if hull_points is None else hull_points)
    assert math.isclose(sum(tri.volumes()), hull.volume, rel_tol=1e-9)
    # every face is shared by at most two simplices (raises otherwise)
    assert tri.hull <= set(range(len(pts)))


point_lists = st.integers(2, 3).flatmap(
    lambda d: st.lists(
        st.tuples(*[st.floats(0.01, 0.99, allow_nan=False) for _ in range(d)]),
        min_size=1,
        max_size=40,
        unique=True,
    )
)


@SETTINGS
@given(point_lists)
def test_incremental_insertion_keeps_a_delaunay_mesh_that_fills_the_hull(points: list) -> None:
    dim = len(points[0])
    tri = Triangulation(cube(dim))
    for p in points:
        try:
            tri.add_point(p)
        except ValueError:  # within 1e-8 of an existing vertex
            assert min(np.linalg.norm(np.subtract(tri.vertices, p), axis=1)) < 1e-6
    check_invariants(tri)


@SETTINGS
@given(point_lists, st.randoms(use_true_random=False))
def test_each_point_lies_in_exactly_one_simplex(points: list, rng: random.Random) -> None:
    dim = len(points[0])
    tri = Triangulation(cube(dim))
    for p in points:
        with_simplex = tri.locate_point(p)
        assert with_simplex
        if len(tri.get_reduced_simplex(p, with_simplex)) > 1:
            tri.add_point(p, with_simplex)
    for _ in range(20):
        probe = np.array([rng.random() for _ in range(dim)])
        inside_closure = [s for s in tri.simplices if tri.point_in_simplex(probe, s, eps=1e-12)]
        strictly = [s for s in tri.simplices if tri.point_in_simplex(probe, s, eps=-1e-9)]
        assert len(inside_closure) >= 1
        assert len(strictly) <= 1
        located = tri.locate_point(probe)
        assert located in inside_closure or tri.point_in_simplex(probe, located)


@pytest.mark.parametrize("dim", [2, 3, 4])
def test_same_mesh_as_qhull_and_the_reference_in_general_position(dim: int) -> None:
    # Random points only: the corners of a cube lie on one sphere, where meshes are not unique.
    start, *pts = random_points(dim, 30 if dim < 4 else 15, seed=dim)
    ours = Triangulation([start, *np.eye(dim).tolist()])
    ref = reftri.Triangulation([start, *np.eye(dim).tolist()])
    for p in pts:
        ours.add_point(p)
        ref.add_point(p)
    assert ours.simplices == ref.simplices
    qhull = scipy.spatial.Delaunay(np.array(ours.vertices))
    assert ours.simplices == {tuple(sorted(map(int, s))) for s in qhull.simplices}
    for s in sorted(ours.simplices)[:10]:
        assert ours.get_opposing_vertices(s) == ref.get_opposing_vertices(s)
    assert ours.hull == ref.hull
    check_invariants(ours)


def test_points_outside_the_hull_extend_it_like_the_reference() -> None:
    start = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]
    ours, ref = Triangulation(start), reftri.Triangulation(start)
    for p in [(1.0, 1.0), (2.0, 0.5), (-1.0, -0.3), (0.4, 3.0)]:
        assert ours.locate_point(p) == ()
        d1, a1 = ours.add_point(p)
        d2, a2 = ref.add_point(p)
        assert (d1, a1) == (d2, a2)
    assert ours.simplices == ref.simplices
    check_invariants(ours)


@pytest.mark.parametrize("dim", [2, 3])
def test_degenerate_grid_insertion_never_corrupts_the_mesh(dim: int) -> None:
    tri = Triangulation(cube(dim))
    grid = [tuple(c) for c in itertools.product(np.linspace(0, 1, 5), repeat=dim)]
    random.Random(0).shuffle(grid)
    for p in grid:
        before = (set(tri.simplices), len(tri.vertices))
        try:
            tri.add_point(p)
        except ValueError:  # a cube corner again, or a degenerate cavity: nothing changed
            assert (set(tri.simplices), len(tri.vertices)) == before
    assert len(tri.vertices) == 5**dim
    assert math.isclose(sum(tri.volumes()), 1.0, rel_tol=1e-12)
    assert tri.reference_invariant()
    # no overlaps: interior probes lie strictly inside at most one simplex
    rng = random.Random(1)
    for _ in range(50):
        probe = [rng.random() for _ in range(dim)]
        assert sum(tri.point_in_simplex(probe, s, eps=-1e-9) for s in tri.simplices) <= 1


def test_errors_leave_the_triangulation_unchanged() -> None:
    tri = Triangulation(cube(2))
    tri.add_point((0.3, 0.4))
    state = (set(tri.simplices), list(tri.vertices))
    with pytest.raises(ValueError, match="already in the triangulation"):
        tri.add_point((0.3, 0.4))
    far = next(s for s in sorted(tri.simplices) if not tri.point_in_simplex((0.9, 0.9), s))
    with pytest.raises(ValueError, match="outside of the specified simplex"):
        tri.add_point((0.9, 0.9), far)
    with pytest.raises(ValueError, match="finite"):
        tri.add_point((math.nan, 0.5))
    with pytest.raises(ValueError, match="not part of the triangulation"):
        tri.add_point((0.5, 0.5), (0, 1, 99))
    assert (set(tri.simplices), list(tri.vertices)) == state
    assert len(tri.vertex_to_simplices) == len(tri.vertices)


@pytest.mark.parametrize(
    ("coords", "error"),
    [
        (5, TypeError),
        ([1, 2, 3], TypeError),
        ([], ValueError),
        ([(0, 0), (1, 0, 0), (0, 1)], ValueError),
        ([(0,), (1,)], ValueError),
        ([(0, 0), (1, 0)], ValueError),
        ([(0, 0), (1, 1), (2, 2)], ValueError),
    ],
)
def test_constructor_errors_match_the_reference(coords: Any, error: type) -> None:
    with pytest.raises(error):
        reftri.Triangulation(coords)
    with pytest.raises(error):
        Triangulation(coords)


def test_queries_agree_with_the_reference() -> None:
    pts = [*cube(3), *random_points(3, 20, seed=5)]
    ours, ref = Triangulation(pts), reftri.Triangulation(pts)
    assert ours.simplices == ref.simplices
    assert ours.vertex_to_simplices == ref.vertex_to_simplices
    assert ours.vertices == ref.vertices
    s = min(ours.simplices)
    assert sorted(ours.faces(simplices=[s])) == sorted(ref.faces(simplices=[s]))
    assert sorted(ours.faces(dim=2, vertices=s)) == sorted(ref.faces(dim=2, vertices=s))
    assert ours.containing(s[:3]) == ref.containing(s[:3])
    centroid = np.mean([ours.vertices[i] for i in s], axis=0)
    assert ours.get_reduced_simplex(centroid, s) == ref.get_reduced_simplex(centroid, s)
    mid = np.mean([ours.vertices[i] for i in s[:2]], axis=0)
    assert ours.get_reduced_simplex(mid, s) == ref.get_reduced_simplex(mid, s) == list(s[:2])
    assert ours.locate_point(centroid) == ref.locate_point(centroid) == s
    assert math.isclose(ours.volume(s), ref.volume(s))
    assert sorted(ours.volumes()) == pytest.approx(sorted(ref.volumes()))
    t = np.diag([2.0, 1.0, 0.5])
    (c1, r1), (c2, r2) = ours.circumscribed_circle(s, t), ref.circumscribed_circle(s, t)
    assert np.allclose(c1, c2)
    assert math.isclose(r1, r2)
    assert ours.point_in_cicumcircle(0, s, t) == ref.point_in_cicumcircle(0, s, t)
    assert ours.get_simplices_attached_to_points(s) == ref.get_simplices_attached_to_points(s)
    assert np.array_equal(ours.default_transform, np.eye(3))
    assert ours.dim == 3
    assert ours.convex_invariant()
    assert ours.convex_invariant(0)
    assert all(ours.vertex_invariant(v) for v in range(len(pts)))
    with pytest.raises(ValueError, match="not part"):
        ours.get_opposing_vertices((0, 1, 2, 99))


def test_transform_changes_the_delaunay_criterion_like_the_reference() -> None:
    start = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
    t = np.diag([1.0, 10.0])
    ours, ref = Triangulation(start), reftri.Triangulation(start)
    for p in random_points(2, 25, seed=3):
        ours.add_point(p, transform=t)
        ref.add_point(p, transform=t)
    assert ours.simplices == ref.simplices
    scaled = np.array(ours.vertices) @ t
    assert ours.simplices == {
        tuple(sorted(map(int, s))) for s in scipy.spatial.Delaunay(scaled).simplices
    }


def test_pickle_round_trip_keeps_working() -> None:
    tri = Triangulation(cube(3))
    for p in random_points(3, 20, seed=2):
        tri.add_point(p)
    clone = pickle.loads(pickle.dumps(tri))
    assert clone.simplices == tri.simplices
    extra = (0.5, 0.5, 0.51)
    assert clone.add_point(extra) == tri.add_point(extra)


@pytest.mark.parametrize("dim", [2, 3, 4])
def test_geometry_helpers_agree_with_the_reference(dim: int) -> None:
    rng = np.random.default_rng(dim)
    for _ in range(5):
        simplex = rng.random((dim + 1, dim))
        (c1, r1), (c2, r2) = circumsphere(simplex), reftri.circumsphere(simplex)
        assert np.allclose(c1, c2)
        assert math.isclose(r1, r2)
        point = rng.random(dim)
        assert point_in_simplex(point, simplex) == reftri.point_in_simplex(point, simplex)
        assert point_in_simplex(simplex.mean(axis=0), simplex)
        face = simplex[:dim]
        assert orientation(face, point) == reftri.orientation(face, point)
        lifted = np.hstack([simplex, rng.random((dim + 1, 1))])
        assert math.isclose(
            simplex_volume_in_embedding(lifted), reftri.simplex_volume_in_embedding(lifted)
        )
        assert math.isclose(
            tri_mod.fast_det(simplex[1:] - simplex[0]), np.linalg.det(simplex[1:] - simplex[0])
        )
    if dim == 2:
        tri = rng.random((3, 2))
        (c1, r1), (c2, r2) = fast_2d_circumcircle(tri), reftri.fast_2d_circumcircle(tri)
        assert np.allclose(c1, c2)
        assert math.isclose(r1, r2)
    if dim == 3:
        tet = rng.random((4, 3))
        (c1, r1), (c2, r2) = fast_3d_circumcircle(tet), reftri.fast_3d_circumcircle(tet)
        assert np.allclose(c1, c2)
        assert math.isclose(r1, r2)
    assert math.isclose(tri_mod.fast_norm([3.0, 4.0]), 5.0)
    assert is_iterable_and_sized([1])
    assert not is_iterable_and_sized(iter([1]))


def test_public_names_of_the_reference_module_exist() -> None:
    wanted = {
        name
        for name in dir(reftri)
        if not name.startswith("_")
        and callable(getattr(reftri, name))
        and getattr(getattr(reftri, name), "__module__", "") == reftri.__name__
    }
    missing = {n for n in wanted - {"FakeDelaunay"} if not hasattr(tri_mod, n)}
    assert not missing
    ref_methods = {m for m in dir(reftri.Triangulation) if not m.startswith("_")}
    assert ref_methods <= set(dir(Triangulation))


def test_point_location_walks_instead_of_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    tri = Triangulation(cube(3))
    for p in random_points(3, 400, seed=7):
        tri.add_point(p)
    calls = 0

    def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return barycentric(*args)

    # the walk calls the name bound in the triangulation module
    monkeypatch.setattr(tri_mod, "barycentric", counting)
    for p in random_points(3, 20, seed=8):
        assert tri.point_in_simplex(p, tri.locate_point(p))
    # a scan would test ~1200 simplices per point; a walk crosses a few dozen at most
    assert calls < 20 * 60
