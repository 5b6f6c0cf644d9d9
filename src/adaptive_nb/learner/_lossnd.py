"""Loss functions of LearnerND and the choice of a new point inside a simplex.

Every loss takes ``(simplex, values, value_scale)`` (plus ``neighbors, neighbor_values`` for the
ones tagged ``uses_nth_neighbors(1)``), the calling convention of the reference library, so a
user's own loss written for the reference works unchanged. ``simplex`` holds the N + 1 corners in
coordinates scaled to the unit cube, ``values`` the function values scaled by ``value_scale``.

The default loss also has a batched form, :func:`default_loss_batch`, which the learner uses to
price all simplices created by one insertion with a few numpy calls instead of one Python call
each; it computes the same quantity as :func:`default_loss`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner._simplex_geometry import (
    EPS,
    barycentric,
    circum,
    edge_det,
    point_in_simplex,
    simplex_volume_in_embedding,
)
from adaptive_nb.learner.base_learner import uses_nth_neighbors

__all__ = [
    "choose_point_in_simplex",
    "curvature_loss_function",
    "default_loss",
    "default_loss_batch",
    "orientation",
    "std_loss",
    "to_list",
    "triangle_loss",
    "uniform_loss",
    "volume",
]


def to_list(inp: Any) -> list[Any]:
    """Return ``inp`` as a list (a scalar becomes a one-element list)."""
    if isinstance(inp, Iterable):
        return list(inp)
    return [inp]


def volume(simplex: Any, ys: Any = None) -> float:
    """Return the volume of a simplex given by its N + 1 corners.

    Parameters
    ----------
    simplex
        Array-like of shape (N + 1, N).
    ys
        Ignored; lets ``volume`` serve as a loss function.

    Returns
    -------
    float
    """
    del ys
    pts = [tuple(map(float, p)) for p in simplex]
    return abs(edge_det(pts)) / math.factorial(len(pts) - 1)


def orientation(simplex: Any) -> int:
    """Return the orientation (sign of the signed volume) of a simplex: -1, 0 or +1."""
    pts = np.asarray(simplex, dtype=float)
    sign, _ = np.linalg.slogdet(pts[:-1] - pts[-1])
    return int(sign)


def uniform_loss(simplex: Any, values: Any, value_scale: float) -> float:
    """Loss equal to the simplex's volume: samples the domain uniformly.

    Parameters
    ----------
    simplex
        The N + 1 corners, scaled to the unit cube.
    values
        The scaled function values at the corners.
    value_scale
        The factor the values were scaled by.

    Returns
    -------
    float
    """
    return volume(simplex)


def std_loss(simplex: Any, values: Any, value_scale: float) -> float:
    """Loss from the standard deviation of the values at the corners, plus the volume.

    Parameters
    ----------
    simplex
        The N + 1 corners, scaled to the unit cube.
    values
        The scaled function values at the corners.
    value_scale
        The factor the values were scaled by.

    Returns
    -------
    float
        ``|std(values)| * volume ** (1 / N) + volume``.
    """
    spread = float(np.linalg.norm(np.std(np.asarray(values, dtype=float), axis=0)))
    vol = volume(simplex)
    dim = len(simplex) - 1
    return float(spread * vol ** (1.0 / dim) + vol)


def _embed(simplex: Any, values: Any) -> list[tuple[float, ...]]:
    return [(*map(float, x), *map(float, to_list(y))) for x, y in zip(simplex, values, strict=True)]


def default_loss(simplex: Any, values: Any, value_scale: float) -> float:
    """Loss equal to the volume of the simplex lifted onto the graph of the function.

    The corners ``(x, f(x))`` span a simplex in N + M dimensions; its volume grows with both the
    size of the simplex and the variation of the function over it.

    Parameters
    ----------
    simplex
        The N + 1 corners, scaled to the unit cube.
    values
        The scaled function values at the corners (scalars or vectors of length M).
    value_scale
        The factor the values were scaled by.

    Returns
    -------
    float
    """
    return simplex_volume_in_embedding(_embed(simplex, values))


def default_loss_batch(xs: np.ndarray[Any, Any], ys: np.ndarray[Any, Any]) -> list[float]:
    """Return :func:`default_loss` of many simplices at once.

    Parameters
    ----------
    xs
        Scaled corners, shape (k, N + 1, N).
    ys
        Scaled values, shape (k, N + 1, M).

    Returns
    -------
    list of float
    """
    z = np.concatenate([xs, ys], axis=2)
    edges = z[:, 1:] - z[:, :1]
    gram = edges @ edges.transpose(0, 2, 1)
    det = np.linalg.det(gram)
    dim = xs.shape[1] - 1
    vol = np.sqrt(np.maximum(det, 0.0)) / math.factorial(dim)
    return vol.tolist()  # type: ignore[no-any-return]


@uses_nth_neighbors(1)
def triangle_loss(
    simplex: Any,
    values: Any,
    value_scale: float,
    neighbors: Sequence[Any],
    neighbor_values: Sequence[Any],
) -> float:
    """Mean volume of the lifted simplex joined with each neighbouring (opposite) vertex.

    Parameters
    ----------
    simplex
        The N + 1 corners, scaled to the unit cube.
    values
        The scaled function values at the corners.
    value_scale
        The factor the values were scaled by.
    neighbors
        The vertex opposite each corner across the opposite face (None on the hull).
    neighbor_values
        The scaled values at those vertices (None on the hull).

    Returns
    -------
    float
        0 when the simplex has no neighbour.
    """
    lifted = _embed(simplex, values)
    others = [
        (*map(float, x), *map(float, to_list(y)))
        for x, y in zip(neighbors, neighbor_values, strict=True)
        if x is not None and y is not None
    ]
    if not others:
        return 0.0
    return math.fsum(simplex_volume_in_embedding([*lifted, o]) for o in others) / len(others)


def curvature_loss_function(exploration: float = 0.05) -> Callable[..., float]:
    """Make a loss that favours curved regions, with a share of pure exploration.

    Parameters
    ----------
    exploration
        Weight of the simplex's volume against its curvature (:func:`triangle_loss`).

    Returns
    -------
    callable
        A loss function tagged ``uses_nth_neighbors(1)``.
    """

    @uses_nth_neighbors(1)
    def curvature_loss(
        simplex: Any,
        values: Any,
        value_scale: float,
        neighbors: Sequence[Any],
        neighbor_values: Sequence[Any],
    ) -> float:
        dim = len(simplex[0])
        curvature = triangle_loss(simplex, values, value_scale, neighbors, neighbor_values)
        vol = volume(simplex)
        return float((curvature + exploration * vol ** ((2 + dim) / dim)) ** (1 / (2 + dim)))

    return curvature_loss


def choose_point_in_simplex(simplex: Any, transform: Any = None) -> np.ndarray[Any, Any]:
    """Choose where to split a simplex.

    The centroid if the simplex is well shaped (its circumcentre lies inside it), otherwise the
    middle of its longest edge; both judged after ``transform``.

    Parameters
    ----------
    simplex
        The corners, shape (N + 1, N).
    transform
        N x N matrix applied (as ``simplex @ transform``) before choosing.

    Returns
    -------
    numpy.ndarray
        The new point, in the original coordinates.
    """
    pts = np.asarray(simplex, dtype=float)
    if transform is not None:
        transform = np.asarray(transform, dtype=float)
        pts = pts @ transform
    rows = [tuple(r) for r in pts.tolist()]
    center, _ = circum(rows)
    if all(math.isfinite(c) for c in center) and point_in_simplex(center, rows):
        point = pts.mean(axis=0)
    else:
        best, bi, bj = -1.0, 0, 1
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                d2 = sum((a - b) ** 2 for a, b in zip(rows[i], rows[j], strict=True))
                if d2 > best:
                    best, bi, bj = d2, i, j
        point = (pts[bi] + pts[bj]) / 2
    if transform is not None:
        point = np.linalg.solve(transform.T, point)
    return point  # type: ignore[no-any-return]


def choose_point_scaled(
    corners: Sequence[Sequence[float]], scale: Sequence[float]
) -> tuple[float, ...]:
    """Return :func:`choose_point_in_simplex` for a diagonal ``transform``, on Python floats.

    ``scale`` is the diagonal. The arithmetic is the same as numpy's on the matrix (the
    off-diagonal zeros add nothing), so both give the same point to the last bit.
    """
    pts = [tuple([c * f for c, f in zip(p, scale, strict=True)]) for p in corners]
    center, _ = circum(pts)
    bary = barycentric(pts, center) if all(math.isfinite(c) for c in center) else None
    if bary is not None and min(bary) >= -EPS:
        n = len(pts)
        point = [sum(col) / n for col in zip(*pts, strict=True)]
    else:
        best, bi, bj = -1.0, 0, 1
        for i in range(len(pts)):
            for j in range(i + 1, len(pts)):
                d2 = sum((a - b) ** 2 for a, b in zip(pts[i], pts[j], strict=True))
                if d2 > best:
                    best, bi, bj = d2, i, j
        point = [(a + b) / 2 for a, b in zip(pts[bi], pts[bj], strict=True)]
    return tuple([c / f for c, f in zip(point, scale, strict=True)])
