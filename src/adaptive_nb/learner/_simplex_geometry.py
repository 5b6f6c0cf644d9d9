"""Geometry of simplices on plain floats: the helpers of ``triangulation`` and LearnerND.

In 2 and 3 dimensions everything is closed-form on Python floats, which is several times faster
than numpy on arrays of three or four numbers; higher dimensions use numpy's linear algebra.
The public names are re-exported by :mod:`adaptive_nb.learner.triangulation` under the names the
reference library uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence, Sized
from typing import Any, TypeAlias

import numpy as np

__all__ = [
    "circumsphere",
    "fast_2d_circumcircle",
    "fast_2d_point_in_simplex",
    "fast_3d_circumcircle",
    "fast_det",
    "fast_norm",
    "is_iterable_and_sized",
    "orientation",
    "point_in_simplex",
    "simplex_volume_in_embedding",
]

Point = tuple[float, ...]
# What the public functions accept as a point / a list of corners: sequences or numpy arrays
# (arrays are the usual input; the functions convert to floats themselves).
PointLike: TypeAlias = Sequence[float] | np.ndarray[Any, Any]
PointsLike: TypeAlias = Sequence[Sequence[float]] | np.ndarray[Any, Any]

EPS = 1e-8  # relative tolerance of "on the boundary" tests, as in the reference library


def fast_norm(v: Sequence[float]) -> float:
    """Return the Euclidean norm of a vector (closed form for 2 and 3 components).

    Parameters
    ----------
    v
        The vector.

    Returns
    -------
    float
    """
    return math.sqrt(math.fsum(float(c) * float(c) for c in v))


def fast_det(matrix: Any) -> float:
    """Return the determinant of a square matrix (closed form for 2x2 and 3x3).

    Parameters
    ----------
    matrix
        A square array-like.

    Returns
    -------
    float
    """
    m = np.asarray(matrix, dtype=float)
    if m.shape == (2, 2):
        return float(m[0, 0] * m[1, 1] - m[1, 0] * m[0, 1])
    if m.shape == (3, 3):
        return det3(*m.ravel().tolist())
    return float(np.linalg.det(m))


def det3(  # noqa: PLR0917 - the nine entries, row by row, on the hot path
    a: float, b: float, c: float, d: float, e: float, f: float, g: float, h: float, i: float
) -> float:
    """Return the determinant of the 3x3 matrix given row by row."""
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)


def edge_det(pts: Sequence[Sequence[float]]) -> float:
    """Return the determinant of the edge vectors ``pts[1:] - pts[0]`` (signed d! x volume)."""
    p0 = pts[0]
    if len(p0) == 2:
        (x0, y0), (x1, y1), (x2, y2) = pts[0], pts[1], pts[2]
        return (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    if len(p0) == 3:
        x0, y0, z0 = p0
        (x1, y1, z1), (x2, y2, z2), (x3, y3, z3) = pts[1], pts[2], pts[3]
        return det3(x1 - x0, y1 - y0, z1 - z0, x2 - x0, y2 - y0, z2 - z0, x3 - x0, y3 - y0, z3 - z0)
    arr = np.asarray(pts, dtype=float)
    return float(np.linalg.det(arr[1:] - arr[0]))


def measure(pts: Sequence[Sequence[float]]) -> tuple[float, bool]:
    """Return ``|det|`` of the edge vectors and whether the simplex is almost flat.

    Almost flat: volume / (mean absolute edge component) ** N < 1e-8, a size-independent
    measure of shape (the reference library's criterion).
    """
    p0 = pts[0]
    d = len(p0)
    if d == 3:  # the hot path of LearnerND in 3D, unrolled
        x0, y0, z0 = p0
        a, b, c = pts[1][0] - x0, pts[1][1] - y0, pts[1][2] - z0
        e, f, g = pts[2][0] - x0, pts[2][1] - y0, pts[2][2] - z0
        h, i, j = pts[3][0] - x0, pts[3][1] - y0, pts[3][2] - z0
        det = abs(a * (f * j - g * i) - b * (e * j - g * h) + c * (e * i - f * h))
        total = abs(a) + abs(b) + abs(c) + abs(e) + abs(f) + abs(g) + abs(h) + abs(i) + abs(j)
    else:
        total = 0.0
        for q in pts[1:]:
            for u, v in zip(q, p0, strict=True):
                total += abs(u - v)
        det = abs(edge_det(pts))
    mean_edge = total / (d * d)
    if mean_edge == 0:
        return det, True
    return det, det / _FACTORIAL[d] / mean_edge**d < EPS


_FACTORIAL = [math.factorial(k) for k in range(21)]


def barycentric(pts: Sequence[Sequence[float]], p: Sequence[float]) -> list[float] | None:
    """Return the barycentric coordinates of ``p`` in the simplex ``pts`` (None if flat)."""
    d = len(p)
    if d == 2:
        (x0, y0), (x1, y1), (x2, y2) = pts[0], pts[1], pts[2]
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x0, y2 - y0
        det = ax * by - ay * bx
        if det == 0:
            return None
        px, py = p[0] - x0, p[1] - y0
        l1 = (px * by - py * bx) / det
        l2 = (ax * py - ay * px) / det
        return [1.0 - l1 - l2, l1, l2]
    if d == 3:
        x0, y0, z0 = pts[0]
        (x1, y1, z1), (x2, y2, z2), (x3, y3, z3) = pts[1], pts[2], pts[3]
        a, b, c = x1 - x0, x2 - x0, x3 - x0  # columns are the edge vectors
        e, f, g = y1 - y0, y2 - y0, y3 - y0
        h, i, j = z1 - z0, z2 - z0, z3 - z0
        det = det3(a, b, c, e, f, g, h, i, j)
        if det == 0:
            return None
        px, py, pz = p[0] - x0, p[1] - y0, p[2] - z0
        l1 = det3(px, b, c, py, f, g, pz, i, j) / det
        l2 = det3(a, px, c, e, py, g, h, pz, j) / det
        l3 = det3(a, b, px, e, f, py, h, i, pz) / det
        return [1.0 - l1 - l2 - l3, l1, l2, l3]
    arr = np.asarray(pts, dtype=float)
    try:
        alpha = np.linalg.solve((arr[1:] - arr[0]).T, np.asarray(p, dtype=float) - arr[0])
    except np.linalg.LinAlgError:
        return None
    return [1.0 - float(alpha.sum()), *alpha.tolist()]


def fast_2d_point_in_simplex(point: PointLike, simplex: PointsLike, eps: float = EPS) -> bool:
    """Return whether a 2D point lies in a triangle (closure, with tolerance ``eps``).

    Parameters
    ----------
    point
        The point ``(x, y)``.
    simplex
        The three corners of the triangle.
    eps
        Tolerance on the barycentric coordinates.

    Returns
    -------
    bool
    """
    return point_in_simplex(point, simplex, eps)


def point_in_simplex(point: PointLike, simplex: PointsLike, eps: float = EPS) -> bool:
    """Return whether ``point`` lies in the closed simplex (barycentric coordinates >= -eps).

    Parameters
    ----------
    point
        Coordinates of the point, length N.
    simplex
        The N + 1 corners of the simplex.
    eps
        Tolerance on the barycentric coordinates.

    Returns
    -------
    bool
        False also for a flat simplex.
    """
    pts = [tuple(map(float, v)) for v in simplex]
    bary = barycentric(pts, tuple(map(float, point)))
    if bary is None:
        return False
    return all(b >= -eps for b in bary[1:]) and bary[0] >= -eps


def circum(pts: Sequence[Sequence[float]]) -> tuple[Point, float]:
    """Return the circumcentre and squared radius of a simplex (inf radius when it is flat)."""
    d = len(pts[0])
    if d == 2:
        x0, y0 = pts[0]
        x1, y1 = pts[1][0] - x0, pts[1][1] - y0
        x2, y2 = pts[2][0] - x0, pts[2][1] - y0
        a = 2.0 * (x1 * y2 - x2 * y1)
        if a == 0:
            return (math.nan, math.nan), math.inf
        l1 = x1 * x1 + y1 * y1
        l2 = x2 * x2 + y2 * y2
        cx = (l1 * y2 - l2 * y1) / a
        cy = (l2 * x1 - l1 * x2) / a
        return (cx + x0, cy + y0), cx * cx + cy * cy
    if d == 3:
        x0, y0, z0 = pts[0]
        x1, y1, z1 = pts[1][0] - x0, pts[1][1] - y0, pts[1][2] - z0
        x2, y2, z2 = pts[2][0] - x0, pts[2][1] - y0, pts[2][2] - z0
        x3, y3, z3 = pts[3][0] - x0, pts[3][1] - y0, pts[3][2] - z0
        a = 2.0 * det3(x1, y1, z1, x2, y2, z2, x3, y3, z3)
        if a == 0:
            return (math.nan, math.nan, math.nan), math.inf
        l1 = x1 * x1 + y1 * y1 + z1 * z1
        l2 = x2 * x2 + y2 * y2 + z2 * z2
        l3 = x3 * x3 + y3 * y3 + z3 * z3
        cx = det3(l1, y1, z1, l2, y2, z2, l3, y3, z3) / a
        cy = det3(x1, l1, z1, x2, l2, z2, x3, l3, z3) / a
        cz = det3(x1, y1, l1, x2, y2, l2, x3, y3, l3) / a
        return (cx + x0, cy + y0, cz + z0), cx * cx + cy * cy + cz * cz
    arr = np.asarray(pts, dtype=float)
    edges = arr[1:] - arr[0]
    try:
        c = np.linalg.solve(2.0 * edges, (edges * edges).sum(axis=1))
    except np.linalg.LinAlgError:
        return tuple([math.nan] * d), math.inf
    return tuple((c + arr[0]).tolist()), float(c @ c)


def fast_2d_circumcircle(points: Any) -> tuple[tuple[float, float], float]:
    """Return the centre and radius of the circle through the three corners of a triangle.

    Parameters
    ----------
    points
        Array-like of shape (3, 2).

    Returns
    -------
    (center, radius)
    """
    pts = [tuple(map(float, p)) for p in points]
    center, r2 = circum(pts)
    return (center[0], center[1]), math.sqrt(r2)


def fast_3d_circumcircle(points: Any) -> tuple[tuple[float, float, float], float]:
    """Return the centre and radius of the sphere through the four corners of a tetrahedron.

    Parameters
    ----------
    points
        Array-like of shape (4, 3).

    Returns
    -------
    (center, radius)
    """
    pts = [tuple(map(float, p)) for p in points]
    center, r2 = circum(pts)
    return (center[0], center[1], center[2]), math.sqrt(r2)


def circumsphere(pts: Any) -> tuple[tuple[float, ...], float]:
    """Return the centre and radius of the sphere through the N + 1 corners of a simplex.

    Parameters
    ----------
    pts
        Array-like of shape (N + 1, N).

    Returns
    -------
    center, radius
        For a flat simplex the centre is NaN and the radius infinite.

    Raises
    ------
    ValueError
        If ``pts`` does not have the shape (N + 1, N).
    """
    arr = np.asarray(pts, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] + 1:
        msg = f"circumsphere needs N + 1 points of N coordinates, got shape {arr.shape}."
        raise ValueError(msg)
    center, r2 = circum([tuple(p) for p in arr.tolist()])
    return tuple(center), math.sqrt(r2)


def orientation(face: Any, origin: Any) -> int:
    """Return on which side of the hyperplane through ``face`` the point ``origin`` lies.

    Parameters
    ----------
    face
        N points spanning a hyperplane in N dimensions (their order fixes the sign).
    origin
        The point to test.

    Returns
    -------
    int
        0 if ``origin`` lies (numerically) in the hyperplane, else -1 or +1; two points on the
        same side get the same sign.
    """
    vectors = np.asarray(face, dtype=float) - np.asarray(origin, dtype=float)
    sign, logdet = np.linalg.slogdet(vectors)
    if logdet < -50:
        return 0
    return int(sign)


def is_iterable_and_sized(obj: object) -> bool:
    """Return whether ``obj`` is both iterable and has a length."""
    return isinstance(obj, Iterable) and isinstance(obj, Sized)


def simplex_volume_in_embedding(vertices: Any) -> float:
    """Return the k-volume of a k-simplex given by k + 1 points in D >= k dimensions.

    E.g. the area of a triangle in 3D. Computed from the Gram determinant of the edge vectors.

    Parameters
    ----------
    vertices
        Array-like of shape (k + 1, D).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the points cannot form a k-simplex (fewer coordinates than k).
    """
    arr = np.asarray(vertices, dtype=float)
    k = arr.shape[0] - 1
    if arr.ndim != 2 or arr.shape[1] < k:
        msg = f"{k + 1} points of {arr.shape[-1]} coordinates do not span a {k}-simplex."
        raise ValueError(msg)
    edges = arr[1:] - arr[0]
    gram = edges @ edges.T
    det = float(np.linalg.det(gram)) if k > 3 else small_det(gram.tolist())
    return math.sqrt(det) / math.factorial(k) if det > 0 else 0.0


def small_det(m: list[list[float]]) -> float:
    if len(m) == 1:
        return m[0][0]
    if len(m) == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return det3(*m[0], *m[1], *m[2])
