"""Per-triangle losses on a scipy ``LinearNDInterpolator``: the reference library's interface.

Users combine these in their own losses, and Learner2D evaluates a user's loss on a global
interpolator (the slow path, :func:`generic_losses`). The built-in losses are recognised
(:func:`_local_kind`) and replaced by their local, incremental equivalents in
:mod:`adaptive_nb.learner._loss2d`, which must stay consistent with the formulas here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._loss2d import LocalKind

if TYPE_CHECKING:
    from scipy.interpolate import LinearNDInterpolator

__all__ = [
    "areas",
    "choose_point_in_triangle",
    "default_loss",
    "deviations",
    "generic_losses",
    "interpolation_error_loss",
    "interpolation_error_loss_function",
    "minimize_triangle_surface_loss",
    "resolution_loss_function",
    "thresholded_loss_function",
    "triangle_loss",
    "uniform_loss",
]

Point = tuple[float, float]

# These take a scipy LinearNDInterpolator, like the reference's, so users can combine them in
# their own losses. Learner2D recognises the built-in ones and uses local equivalents instead.


def deviations(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
    """Deviation of each vertex's tangent plane from the linear interpolant, per triangle.

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    numpy.ndarray
        Shape ``(vdim, ntriangles)``: for each output component, the sum over a triangle's
        vertices of the largest deviation of that vertex's gradient estimate at the others.
    """
    # (imported here, as in generic_losses: scipy.interpolate is too heavy for import time)
    from scipy.interpolate import CloughTocher2DInterpolator

    values = ip.values / (np.ptp(ip.values, axis=0).max() or 1)
    grads = CloughTocher2DInterpolator(ip.tri, values, tol=1e-6).grad
    simplices = ip.tri.simplices
    pts = ip.tri.points[simplices]  # (m, 3, 2)
    vs = values[simplices]  # (m, 3, vdim)
    gs = grads[simplices]  # (m, 3, vdim, 2)
    diff = pts[:, None, :, :] - pts[:, :, None, :]  # diff[m, i, j] = p_j - p_i
    est = vs[:, :, None, :] + np.einsum("mijd,mivd->mijv", diff, gs)
    dev = np.abs(est - vs[:, None, :, :]).max(axis=2).sum(axis=1)  # (m, vdim)
    return np.asarray(dev.T)


def areas(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
    """Area of each triangle of ``ip.tri``.

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    numpy.ndarray
        Shape ``(ntriangles,)``.
    """
    p = ip.tri.points[ip.tri.simplices]
    u = p[:, 1] - p[:, 0]
    w = p[:, 2] - p[:, 0]
    return np.asarray(np.abs(u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0]) / 2)


def uniform_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
    """Loss that samples the domain uniformly: the square root of each triangle's area.

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    numpy.ndarray
        One loss per triangle of ``ip.tri``.

    Examples
    --------
    >>> learner = Learner2D(lambda xy: xy[0] * xy[1], [(-1, 1), (-1, 1)],
    ...                     loss_per_triangle=uniform_loss)
    """
    return np.asarray(np.sqrt(areas(ip)))


def default_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
    """Loss combining the deviation from linearity and the area of each triangle.

    ``sum(deviations) * sqrt(area) + 0.3 * area``, with values scaled to a range of 1.

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    numpy.ndarray
        One loss per triangle of ``ip.tri``.
    """
    dev = np.sum(deviations(ip), axis=0)
    a = areas(ip)
    return np.asarray(dev * np.sqrt(a) + 0.3 * a)


def minimize_triangle_surface_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
    """Loss equal to the area of each triangle lifted to the graph of the function.

    The 2D analogue of Learner1D's distance loss (values scaled to a range of 1).

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    numpy.ndarray
        One loss per triangle of ``ip.tri``.
    """
    simplices = ip.tri.simplices
    p = ip.tri.points[simplices]
    v = ip.values[simplices] / (np.ptp(ip.values, axis=0).max() or 1)
    u = np.concatenate([p[:, 1] - p[:, 0], v[:, 1] - v[:, 0]], axis=1)
    w = np.concatenate([p[:, 2] - p[:, 0], v[:, 2] - v[:, 0]], axis=1)
    uu = (u * u).sum(axis=1)
    ww = (w * w).sum(axis=1)
    uw = (u * w).sum(axis=1)
    return np.asarray(0.5 * np.sqrt(np.maximum(uu * ww - uw * uw, 0.0)))


def resolution_loss_function(
    min_distance: float = 0, max_distance: float = 1
) -> Callable[[LinearNDInterpolator], np.ndarray[Any, Any]]:
    """Make a ``default_loss`` with bounds on the triangles' areas.

    Triangles smaller than ``min_distance**2`` get loss 0, those larger than
    ``max_distance**2`` an infinite loss (areas in the rescaled unit square).

    Parameters
    ----------
    min_distance, max_distance
        Between 0 and 1 (the bounds are rescaled to a square of side 1).

    Returns
    -------
    callable
        A loss per triangle.

    Examples
    --------
    >>> loss = resolution_loss_function(min_distance=0.01, max_distance=1)
    >>> learner = Learner2D(lambda xy: xy[0] ** 2, [(-1, 1), (-1, 1)], loss_per_triangle=loss)
    """

    def resolution_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
        loss = default_loss(ip)
        a = areas(ip)
        loss[a < min_distance**2] = 0
        loss[a > max_distance**2] = np.inf
        return loss

    resolution_loss._adaptive_nb_local = ("resolution", (min_distance, max_distance))  # type: ignore[attr-defined]
    return resolution_loss


def thresholded_loss_function(
    lower_threshold: float | None = None,
    upper_threshold: float | None = None,
    priority_factor: float = 0.1,
) -> Callable[[LinearNDInterpolator], np.ndarray[Any, Any]]:
    """Make a ``default_loss`` that deprioritises triangles beyond thresholds.

    The loss of a triangle whose values all lie below ``lower_threshold``, or all above
    ``upper_threshold``, is multiplied by ``priority_factor``.

    Parameters
    ----------
    lower_threshold, upper_threshold
        The thresholds; None means no threshold on that side.
    priority_factor
        Factor applied to the loss of such triangles.

    Returns
    -------
    callable
        A loss per triangle.
    """

    def custom_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
        losses = default_loss(ip)
        values = ip.values[ip.tri.simplices]
        if lower_threshold is not None:
            losses[(values < lower_threshold).all(axis=(1, -1))] *= priority_factor
        if upper_threshold is not None:
            losses[(values > upper_threshold).all(axis=(1, -1))] *= priority_factor
        return losses

    custom_loss._adaptive_nb_local = (  # type: ignore[attr-defined]
        "thresholded",
        (lower_threshold, upper_threshold, priority_factor),
    )
    return custom_loss


def interpolation_error_loss_function(
    min_area: float = 1e-6, exploration: float = 0.3
) -> Callable[[LinearNDInterpolator], np.ndarray[Any, Any]]:
    """Make a loss that estimates each triangle's linear-interpolation error.

    The error of linear interpolation on a triangle is about ``curvature * width**2 / 8``. The
    curvature across each edge is estimated from the jump of the interpolant's gradient across
    that edge (the gradient of the neighbouring triangle's plane minus this triangle's, along
    the edge normal) divided by the distance between the two triangles' centroids; the width is
    the triangle's height over that edge. The loss is the largest of these estimates, relative
    to the range of the values, so it approximates the largest interpolation error relative to
    the data range: refining the triangle with the largest loss equidistributes the error.

    Two guards keep it robust: a *resolution floor* (a triangle smaller than ``min_area``, in
    the rescaled unit square, keeps only the exploration term, so a jump or a kink, whose
    estimate does not shrink with refinement, cannot absorb all points),
    and an *exploration* term (the loss is at least ``exploration * area``, so regions that
    look flat are still sampled and narrow features are found).

    Parameters
    ----------
    min_area
        Area (in the unit square the bounds are rescaled to) below which a triangle's error
        estimate is ignored.
    exploration
        Weight of the area term.

    Returns
    -------
    callable
        A loss per triangle; Learner2D evaluates it locally and incrementally.

    Examples
    --------
    >>> learner = Learner2D(f, [(-1, 1), (-1, 1)],
    ...                     loss_per_triangle=interpolation_error_loss_function(min_area=1e-5))
    """
    if not (min_area >= 0 and math.isfinite(min_area)):
        msg = f"min_area must be a finite number >= 0, got {min_area!r}."
        raise ValueError(msg)
    if not (exploration >= 0 and math.isfinite(exploration)):
        msg = f"exploration must be a finite number >= 0, got {exploration!r}."
        raise ValueError(msg)

    def interpolation_error_loss(ip: LinearNDInterpolator) -> np.ndarray[Any, Any]:
        return _interp_error_bulk(ip, min_area, exploration)

    interpolation_error_loss._adaptive_nb_local = ("interp", (min_area, exploration))  # type: ignore[attr-defined]
    return interpolation_error_loss


def _interp_error_bulk(
    ip: LinearNDInterpolator, min_area: float, exploration: float
) -> np.ndarray[Any, Any]:
    """:func:`interp_error_one` for every triangle of ``ip`` (numpy; not bit-identical)."""
    tri = ip.tri
    simp = tri.simplices
    pts = tri.points[simp]  # (m, 3, 2)
    vals = ip.values.reshape(len(tri.points), -1)
    finite = np.isfinite(vals).all(axis=1)
    ptp = np.ptp(vals[finite], axis=0).max() if finite.any() else 0.0
    inv = 1.0 / (ptp or 1.0)
    v = vals[simp] * inv  # (m, 3, nc)
    ux, uy = pts[:, 1, 0] - pts[:, 0, 0], pts[:, 1, 1] - pts[:, 0, 1]
    wx, wy = pts[:, 2, 0] - pts[:, 0, 0], pts[:, 2, 1] - pts[:, 0, 1]
    det = ux * wy - uy * wx
    area = 0.5 * np.abs(det)
    with np.errstate(divide="ignore", invalid="ignore"):
        du = v[:, 1] - v[:, 0]
        dw = v[:, 2] - v[:, 0]
        gx = (du * wy[:, None] - dw * uy[:, None]) / det[:, None]
        gy = (dw * ux[:, None] - du * wx[:, None]) / det[:, None]
        err = np.zeros(len(simp))
        for k in range(3):
            nb = tri.neighbors[:, k]
            has = nb >= 0
            nbs = np.where(has, nb, 0)
            p, q = pts[:, (k + 1) % 3], pts[:, (k + 2) % 3]
            ex, ey = q[:, 0] - p[:, 0], q[:, 1] - p[:, 1]
            ell = np.hypot(ex, ey)
            nx, ny = ey / ell, -ex / ell
            jump = np.abs((gx - gx[nbs]) * nx[:, None] + (gy - gy[nbs]) * ny[:, None]).max(axis=1)
            h = 2 * area / ell
            h2 = 2 * area[nbs] / ell
            e = 3 * jump * h * h / (8 * (h + h2))
            ok = has & finite[simp].all(axis=1) & finite[simp[nbs]].all(axis=1)
            err = np.maximum(err, np.where(ok & np.isfinite(e), e, 0.0))
    err = np.where(area < min_area, 0.0, err)
    return np.asarray(np.maximum(err, exploration * area))


interpolation_error_loss = interpolation_error_loss_function()
interpolation_error_loss.__doc__ = """Estimate each triangle's linear-interpolation error.

:func:`interpolation_error_loss_function` with its defaults (``min_area=1e-6``,
``exploration=0.3``); see there.

Parameters
----------
ip
    A ``scipy.interpolate.LinearNDInterpolator``.

Returns
-------
numpy.ndarray
    One loss per triangle of ``ip.tri``.
"""


def triangle_loss(ip: LinearNDInterpolator) -> list[float]:
    """Compute the mean volume of the tetrahedra a triangle forms with its neighbours.

    Each neighbour's far vertex makes a tetrahedron with the triangle in the (x, y, values)
    embedding (the LearnerND ``triangle_loss``). Slow; here for compatibility.

    Parameters
    ----------
    ip
        A ``scipy.interpolate.LinearNDInterpolator``.

    Returns
    -------
    list of float
        One loss per triangle of ``ip.tri``.
    """
    tri = ip.tri
    emb = np.concatenate([tri.points, ip.values.reshape(len(tri.points), -1)], axis=1)
    out = []
    for i, simplex in enumerate(tri.simplices):
        # Each distinct far vertex once (two neighbours can share one, around a vertex of
        # degree three).
        far = sorted(
            {int(v) for nb in tri.neighbors[i] if nb != -1 for v in tri.simplices[nb]}
            - set(simplex.tolist())
        )
        vols = []
        for v in far:
            m = emb[[*simplex.tolist(), v]]
            vecs = m[1:] - m[0]
            gram = vecs @ vecs.T
            vols.append(math.sqrt(max(float(np.linalg.det(gram)), 0.0)) / 6)
        out.append(sum(vols) / len(vols) if vols else 0.0)
    return out


def choose_point_in_triangle(
    triangle: np.ndarray[Any, Any], max_badness: float
) -> np.ndarray[Any, Any]:
    """Midpoint of the longest edge if the triangle is badly shaped, else its centroid.

    Parameters
    ----------
    triangle
        Vertex coordinates, shape (3, 2).
    max_badness
        Threshold on ``longest_edge**2 / area * sqrt(3) / 4`` (1 for an equilateral triangle).

    Returns
    -------
    numpy.ndarray
        The point, shape (2,).
    """
    t = np.asarray(triangle, dtype=float)
    (ax, ay), (bx, by), (cx, cy) = t.tolist()
    x, y = _choose(ax, ay, bx, by, cx, cy, max_badness)
    return np.array([x, y])


def _choose(  # noqa: PLR0917  (hot path: plain floats)
    ax: float, ay: float, bx: float, by: float, cx: float, cy: float, max_badness: float = 5
) -> Point:
    area = 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
    # Edge i joins vertex i and vertex i - 1; the first longest edge wins ties.
    e0 = (ax - cx) ** 2 + (ay - cy) ** 2
    e1 = (bx - ax) ** 2 + (by - ay) ** 2
    e2 = (cx - bx) ** 2 + (cy - by) ** 2
    if e0 >= e1 and e0 >= e2:
        longest, mid = e0, ((ax + cx) / 2, (ay + cy) / 2)
    elif e1 >= e2:
        longest, mid = e1, ((bx + ax) / 2, (by + ay) / 2)
    else:
        longest, mid = e2, ((cx + bx) / 2, (cy + by) / 2)
    if area > 0 and longest / area * (math.sqrt(3) / 4) <= max_badness:
        return (ax + bx + cx) / 3, (ay + by + cy) / 3
    return mid


_BUILTIN: dict[Any, LocalKind] = {
    default_loss: ("default", ()),
    uniform_loss: ("uniform", ()),
    minimize_triangle_surface_loss: ("surface", ()),
}
_REFERENCE_NAMES = {
    "default_loss": ("default", ()),
    "uniform_loss": ("uniform", ()),
    "minimize_triangle_surface_loss": ("surface", ()),
}


def _local_kind(loss: Callable[..., Any]) -> LocalKind | None:
    kind = _BUILTIN.get(loss)
    if kind is not None:
        return kind
    tagged = getattr(loss, "_adaptive_nb_local", None)
    if tagged is not None:
        return tagged  # type: ignore[no-any-return]
    # The reference library's own built-in losses (e.g. from a pickled reference learner).
    if getattr(loss, "__module__", None) == "adaptive.learner.learner2D":
        return _REFERENCE_NAMES.get(getattr(loss, "__qualname__", ""))
    return None


# ------------------------------------------------------------------------ slow path ---


def generic_losses(
    loss_per_triangle: Callable[[Any], Any],
    points: np.ndarray[Any, Any],
    values: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Evaluate a user's loss the reference's way, on a ``LinearNDInterpolator``.

    The points are sorted by (x, y) first so that Qhull, and hence the loss, sees the same
    input whatever order the data arrived in.

    Returns
    -------
    triangles, losses
        The triangles' vertex coordinates, shape (m, 3, 2), and their losses, shape (m,).
    """
    from scipy.interpolate import LinearNDInterpolator

    order = np.lexsort((points[:, 1], points[:, 0]))
    points = points[order]
    values = values[order]
    ip = LinearNDInterpolator(points, values)
    losses = np.asarray(loss_per_triangle(ip), dtype=float).reshape(-1)
    tri = ip.tri
    if len(losses) != len(tri.simplices):
        msg = (
            f"loss_per_triangle returned {len(losses)} losses for {len(tri.simplices)} "
            "triangles; it must return one loss per triangle of ip.tri."
        )
        raise ValueError(msg)
    return tri.points[tri.simplices], losses
