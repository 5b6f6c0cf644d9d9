"""Tests of the incremental Delaunay triangulation behind Learner2D (exact predicates,
deterministic tie-break, incremental path equal to the bulk path)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay

from adaptive_nb.learner._mesh2d import (
    DuplicatePointError,
    Mesh2D,
    _incircle_sign,
    incircle_flip,
    orient,
)

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(points: list[tuple[float, float]]) -> Mesh2D:
    mesh = Mesh2D(-0.5, 0.5, -0.5, 0.5)
    for x, y in points:
        t, where = mesh.locate(x, y)
        mesh.insert(x, y, t, where)
    return mesh


def triangles(mesh: Mesh2D) -> set[frozenset[tuple[float, float]]]:
    return {
        frozenset((mesh.x[v], mesh.y[v]) for v in mesh.triangle(t)) for t in range(mesh.ntriangles)
    }


def grid(n: int) -> list[tuple[float, float]]:
    """Interior and border points of an n x n grid (corners excluded: they are vertices)."""
    ticks = [i / (n - 1) - 0.5 for i in range(n)]
    return [(x, y) for x in ticks for y in ticks if abs(x) != 0.5 or abs(y) != 0.5]


# A dyadic grid (exact floats, many cocircular quadruples) plus a few random points.
coords = st.integers(0, 16).map(lambda i: i / 16 - 0.5)
point_sets = st.lists(st.tuples(coords, coords), min_size=1, max_size=60, unique=True).map(
    lambda ps: [p for p in ps if abs(p[0]) != 0.5 or abs(p[1]) != 0.5]
)


def test_empty_mesh_is_two_triangles_with_the_deterministic_diagonal() -> None:
    mesh = Mesh2D(-0.5, 0.5, -0.5, 0.5)
    mesh.check()
    assert mesh.ntriangles == 2
    # The four corners are cocircular: the diagonal avoids the lexicographically smallest
    # corner (-0.5, -0.5), so it joins (-0.5, 0.5) and (0.5, -0.5).
    for t in range(2):
        assert {1, 2} <= set(mesh.triangle(t))


def test_orient_is_exact_for_nearly_collinear_points() -> None:
    a, b = (0.1, 0.1), (0.3, 0.3)
    c = (0.7, 0.7 + 2**-52)
    exact = (Fraction(b[0]) - Fraction(a[0])) * (Fraction(c[1]) - Fraction(a[1])) - (
        Fraction(b[1]) - Fraction(a[1])
    ) * (Fraction(c[0]) - Fraction(a[0]))
    assert np.sign(orient(*a, *b, *c)) == np.sign(float(exact)) != 0
    assert orient(*a, *b, 0.5, 0.5) == 0.0


def _incircle_by_fractions(pts: list[tuple[float, float]]) -> int:
    (a0, a1), (b0, b1), (c0, c1) = (
        (Fraction(x) - Fraction(pts[3][0]), Fraction(y) - Fraction(pts[3][1])) for x, y in pts[:3]
    )
    det = (
        (a0 * a0 + a1 * a1) * (b0 * c1 - c0 * b1)
        + (b0 * b0 + b1 * b1) * (c0 * a1 - a0 * c1)
        + (c0 * c0 + c1 * c1) * (a0 * b1 - b0 * a1)
    )
    return (det > 0) - (det < 0)


@SETTINGS
@given(
    st.floats(-1, 1, allow_subnormal=False),
    st.floats(-1, 1, allow_subnormal=False),
    st.floats(1e-9, 1),
    st.floats(0, 6.3),
    st.integers(-3, 3),
    st.sampled_from([1.0, 2.0**-40, 2.0**40]),
)
def test_incircle_sign_is_exact_near_cocircular_points(
    cx: float, cy: float, r: float, phase: float, ulps: int, mag: float
) -> None:
    # Four points on a circle (up to rounding) at several magnitudes, the fourth nudged by a
    # few ulps: the float filter cannot decide these, the exact fallback must.
    angles = [phase, phase + 2.0, phase + 4.0, phase + 5.0]
    pts = [(mag * (cx + r * np.cos(t)), mag * (cy + r * np.sin(t))) for t in angles]
    x, y = pts[3]
    pts[3] = (float(np.nextafter(x, np.inf * ulps)) if ulps else x, y)
    assert _incircle_sign(pts) == _incircle_by_fractions(pts)
    (ax, ay), (bx, by), (qx, qy) = pts[:3]
    o = orient(ax, ay, bx, by, qx, qy)
    exact = (Fraction(bx) - Fraction(ax)) * (Fraction(qy) - Fraction(ay)) - (
        Fraction(by) - Fraction(ay)
    ) * (Fraction(qx) - Fraction(ax))
    assert np.sign(o) == (exact > 0) - (exact < 0)


def test_cocircular_tie_break_depends_on_the_point_set_only() -> None:
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    seen = 0
    for a, b, c, d in itertools.permutations(square):
        # Triangle (a, b, c) counter-clockwise, d across the edge (b, c) from a.
        if orient(*a, *b, *c) <= 0 or orient(*b, *c, *d) >= 0:
            continue
        seen += 1
        # Edge (b, c) is kept iff the smallest point is not one of its ends.
        assert incircle_flip(a, b, c, d) is (min(square) in (b, c))
    assert seen == 4  # two diagonals, each seen from both sides


def test_locate_reports_duplicates_edges_and_outside() -> None:
    mesh = build([(0.0, 0.0)])
    with pytest.raises(DuplicatePointError):
        mesh.locate(0.0, 0.0)
    with pytest.raises(DuplicatePointError):
        mesh.locate(-0.5, 0.5)
    t, where = mesh.locate(0.25, 0.25)  # on the diagonal through (0, 0)
    assert where >= 0
    t, where = mesh.locate(0.0, -0.5)  # on the border
    assert where >= 0
    assert mesh.tn[3 * t + where] == -1
    with pytest.raises(ValueError, match="outside"):
        mesh.locate(0.6, 0.0)


def test_fan_lists_every_triangle_and_neighbour_once() -> None:
    mesh = build(grid(5))
    for v in range(mesh.nvertices):
        tris, nbrs = mesh.fan(v)
        assert sorted(tris) == sorted(t for t in range(mesh.ntriangles) if v in mesh.triangle(t))
        edges = {u for t in tris for u in mesh.triangle(t)} - {v}
        assert sorted(nbrs) == sorted(edges)


@SETTINGS
@given(point_sets, st.randoms(use_true_random=False))
def test_the_triangulation_does_not_depend_on_insertion_order(
    points: list[tuple[float, float]], rnd: random.Random
) -> None:
    first = build(points)
    first.check()
    shuffled = list(points)
    rnd.shuffle(shuffled)
    second = build(shuffled)
    second.check()
    assert triangles(first) == triangles(second)
    if points:
        xs, ys = zip(*points, strict=True)
        bulk = Mesh2D.from_points(-0.5, 0.5, -0.5, 0.5, xs, ys)
        bulk.check()
        assert triangles(bulk) == triangles(first)


@SETTINGS
@given(st.lists(st.tuples(st.floats(-0.5, 0.5), st.floats(-0.5, 0.5)), max_size=80, unique=True))
def test_random_points_incremental_equals_bulk(points: list[tuple[float, float]]) -> None:
    corners = {(-0.5, -0.5), (-0.5, 0.5), (0.5, -0.5), (0.5, 0.5)}
    points = [p for p in points if p not in corners]
    mesh = build(points)
    mesh.check()
    if points:
        xs, ys = zip(*points, strict=True)
        bulk = Mesh2D.from_points(-0.5, 0.5, -0.5, 0.5, xs, ys)
        bulk.check()
        assert triangles(bulk) == triangles(mesh)
    p = np.array(
        [[(mesh.x[v], mesh.y[v]) for v in mesh.triangle(t)] for t in range(mesh.ntriangles)]
    )
    u, w = p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]
    assert (u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0]).sum() / 2 == pytest.approx(1.0)


def test_qhull_s_triangulation_of_generic_points_is_ours() -> None:
    rng = np.random.default_rng(5)
    pts = rng.uniform(-0.5, 0.5, (300, 2))
    mesh = build([tuple(p) for p in pts.tolist()])
    allp = np.vstack([[mesh.x[i], mesh.y[i]] for i in range(4)] + [pts])
    tri = Delaunay(allp)
    qhull = {frozenset(map(tuple, allp[s].tolist())) for s in tri.simplices}
    assert qhull == triangles(mesh)


def test_bulk_build_of_a_large_cocircular_grid_matches_incremental() -> None:
    pts = grid(12)
    rnd = random.Random(3)
    rnd.shuffle(pts)
    incremental = build(pts)
    xs, ys = zip(*pts, strict=True)
    bulk = Mesh2D.from_points(-0.5, 0.5, -0.5, 0.5, xs, ys)
    bulk.check()
    assert triangles(bulk) == triangles(incremental)


def test_check_detects_a_corrupted_mesh() -> None:
    mesh = build(grid(4))
    mesh.check()
    mesh.tv[0], mesh.tv[1] = mesh.tv[1], mesh.tv[0]  # clockwise triangle
    with pytest.raises(AssertionError):
        mesh.check()
