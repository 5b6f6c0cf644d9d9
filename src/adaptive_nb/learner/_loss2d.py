"""Per-triangle losses of Learner2D.

The public losses take a scipy ``LinearNDInterpolator`` (the reference library's interface, kept
for users' own losses, which Learner2D evaluates on a slow path); the built-in ones also have
local, incremental equivalents here.

Local losses
------------
The reference library computes its losses on a global ``LinearNDInterpolator`` (its
``deviations`` uses the gradients of a global Clough-Tocher fit). Here the gradient at a vertex
is a weighted least-squares fit of the slopes to its Delaunay neighbours (weights
``1 / distance**2``), so a new point changes the gradients of itself and its neighbours only,
and the losses of the triangles touching those vertices: a tell touches a few dozen triangles.

Every formula is written once and evaluated either on Python floats (one triangle, the
incremental path) or on numpy arrays (all triangles, the bulk path); both use only correctly
rounded operations in the same order, on the triangle's vertices sorted by (x, y) and on each
vertex's neighbours sorted by (x, y), so a loss is bit-identical whichever path computed it. That
is what makes the learner's choices independent of the order of tells and of save/load.

The value scale that normalises the deviations is the data's range rounded up to a power of
``2**(1/8)``: a function of the data only, and it changes (forcing a recomputation of all
losses) a handful of times per run instead of at every new extreme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.interpolate import CloughTocher2DInterpolator, LinearNDInterpolator

__all__ = [
    "LocalKind",
    "default_loss_scalar",
    "generic_losses",
    "grad_bulk",
    "grad_one",
    "grad_one_scalar",
    "loss_bulk",
    "loss_one",
    "quantized_scale",
]

Point = tuple[float, float]

# ("default" | "uniform" | "surface", ()) or ("resolution", (min, max)) or
# ("thresholded", (lower, upper, factor)).
LocalKind = tuple[str, tuple[Any, ...]]


def quantized_scale(ptp: float) -> float:
    """Round the data range up to a power of 2**(1/8); 1 for an empty or flat range."""
    if not ptp > 0 or not math.isfinite(ptp):
        return 1.0
    return float(2.0 ** (math.ceil(8.0 * math.log2(ptp)) / 8.0))


# ------------------------------------------------------------------------ gradients ---


def grad_one(
    xi: float,
    yi: float,
    vis: Sequence[float],
    nbrs: Sequence[tuple[float, float, Sequence[float]]],
) -> tuple[list[float], list[float]]:
    """Least-squares gradient (per component) at one vertex from its neighbours.

    ``nbrs`` must be sorted by (x, y) and hold only neighbours with finite values.
    """
    nc = len(vis)
    sxx = sxy = syy = 0.0
    sxv = [0.0] * nc
    syv = [0.0] * nc
    for xj, yj, vjs in nbrs:
        dx = xj - xi
        dy = yj - yi
        d2 = dx * dx + dy * dy
        if d2 == 0.0:  # closer than floats can square: no slope information
            continue
        w = 1.0 / d2
        wdx = w * dx
        wdy = w * dy
        sxx = sxx + wdx * dx
        sxy = sxy + wdx * dy
        syy = syy + wdy * dy
        for c in range(nc):
            dv = vjs[c] - vis[c]
            sxv[c] = sxv[c] + wdx * dv
            syv[c] = syv[c] + wdy * dv
    det = sxx * syy - sxy * sxy
    if not det > 1e-9 * (sxx * syy):
        return [0.0] * nc, [0.0] * nc
    gx = [(syy * sxv[c] - sxy * syv[c]) / det for c in range(nc)]
    gy = [(sxx * syv[c] - sxy * sxv[c]) / det for c in range(nc)]
    return gx, gy


def grad_one_scalar(
    xi: float, yi: float, vi: float, nbrs: Sequence[tuple[float, float, float]]
) -> tuple[float, float]:
    """:func:`grad_one` for one output component (same operations, same order)."""
    sxx = sxy = syy = sxv = syv = 0.0
    for xj, yj, vj in nbrs:
        dx = xj - xi
        dy = yj - yi
        d2 = dx * dx + dy * dy
        if d2 == 0.0:  # as in grad_one
            continue
        w = 1.0 / d2
        wdx = w * dx
        wdy = w * dy
        sxx = sxx + wdx * dx
        sxy = sxy + wdx * dy
        syy = syy + wdy * dy
        dv = vj - vi
        sxv = sxv + wdx * dv
        syv = syv + wdy * dv
    det = sxx * syy - sxy * sxy
    if not det > 1e-9 * (sxx * syy):
        return 0.0, 0.0
    return (syy * sxv - sxy * syv) / det, (sxx * syv - sxy * sxv) / det


def default_loss_scalar(  # noqa: PLR0917  (hot path: plain floats, no packing)
    ax: float,
    ay: float,
    bx: float,
    by: float,
    cx: float,
    cy: float,
    va: float,
    vb: float,
    vc: float,
    gax: float,
    gay: float,
    gbx: float,
    gby: float,
    gcx: float,
    gcy: float,
    inv_scale: float,
) -> float:
    """Compute the default loss of one triangle with one finite component, as :func:`_core`."""
    area = 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
    d1 = abs(va + (gax * (bx - ax) + gay * (by - ay)) - vb)
    d2 = abs(va + (gax * (cx - ax) + gay * (cy - ay)) - vc)
    da = d1 if d1 >= d2 else d2
    d1 = abs(vb + (gbx * (ax - bx) + gby * (ay - by)) - va)
    d2 = abs(vb + (gbx * (cx - bx) + gby * (cy - by)) - vc)
    db = d1 if d1 >= d2 else d2
    d1 = abs(vc + (gcx * (ax - cx) + gcy * (ay - cy)) - va)
    d2 = abs(vc + (gcx * (bx - cx) + gcy * (by - cy)) - vb)
    dc = d1 if d1 >= d2 else d2
    return (((da + db) + dc) * inv_scale) * math.sqrt(area) + 0.3 * area


def grad_bulk(
    xs: np.ndarray[Any, Any],
    ys: np.ndarray[Any, Any],
    vals: np.ndarray[Any, Any],
    simplices: np.ndarray[Any, Any],
    neighbors: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """:func:`grad_one` for every vertex at once; ``vals`` has shape (nvertices, ncomp).

    ``simplices`` are counter-clockwise and ``neighbors[t, k]`` is the triangle across the edge
    opposite vertex ``k`` (-1 on the boundary), as in :class:`~._mesh2d.Mesh2D`.
    """
    n, nc = vals.shape
    # Every directed edge once: consistently oriented triangles hold each interior edge once in
    # each direction, and a boundary edge (no neighbour across it) once, so add its reverse.
    s0, s1, s2 = simplices[:, 0], simplices[:, 1], simplices[:, 2]
    src = np.concatenate([s0, s1, s2])
    dst = np.concatenate([s1, s2, s0])
    opp = np.concatenate([neighbors[:, 2], neighbors[:, 0], neighbors[:, 1]])
    hull = opp < 0
    src, dst = np.concatenate([src, dst[hull]]), np.concatenate([dst, src[hull]])
    finite = np.isfinite(vals).all(axis=1)
    ok = finite[dst]
    src, dst = src[ok], dst[ok]
    order = np.lexsort((ys[dst], xs[dst], src))
    src, dst = src[order], dst[order]
    counts = np.bincount(src, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(src)) - starts[src]
    sxx = np.zeros(n)
    sxy = np.zeros(n)
    syy = np.zeros(n)
    sxv = np.zeros((n, nc))
    syv = np.zeros((n, nc))
    err = np.errstate(divide="ignore", over="ignore", invalid="ignore")
    err.__enter__()
    for k in range(int(counts.max()) if len(counts) else 0):
        sel = pos == k
        i = src[sel]
        j = dst[sel]
        dx = xs[j] - xs[i]
        dy = ys[j] - ys[i]
        d2 = dx * dx + dy * dy
        keep = d2 != 0.0  # as in grad_one; the others add exact zeros
        w = np.where(keep, 1.0 / np.where(keep, d2, 1.0), 0.0)
        wdx = np.where(keep, w * dx, 0.0)
        wdy = np.where(keep, w * dy, 0.0)
        sxx[i] = sxx[i] + wdx * dx
        sxy[i] = sxy[i] + wdx * dy
        syy[i] = syy[i] + wdy * dy
        dv = vals[j] - vals[i]
        sxv[i] = sxv[i] + wdx[:, None] * dv
        syv[i] = syv[i] + wdy[:, None] * dv
    det = sxx * syy - sxy * sxy
    good = (det > 1e-9 * (sxx * syy)) & finite
    gx = (syy[:, None] * sxv - sxy[:, None] * syv) / det[:, None]
    gy = (sxx[:, None] * syv - sxy[:, None] * sxv) / det[:, None]
    err.__exit__(None, None, None)
    gx = np.where(good[:, None], gx, 0.0)
    gy = np.where(good[:, None], gy, 0.0)
    return gx, gy


# --------------------------------------------------------------------------- losses ---


def _core(  # noqa: PLR0917  (one formula for floats and arrays)
    kind: LocalKind,
    ax: Any,
    ay: Any,
    bx: Any,
    by: Any,
    cx: Any,
    cy: Any,
    comps: Sequence[tuple[Any, ...]],
    inv_scale: float,
    mx: Callable[[Any, Any], Any],
    sqrt: Callable[[Any], Any],
) -> tuple[Any, Any]:
    """Return (loss, area) of triangles a, b, c (vertices sorted by (x, y)).

    ``comps`` holds per output component ``(va, vb, vc, gax, gay, gbx, gby, gcx, gcy)``.
    Works on floats and on numpy arrays alike (``mx``/``sqrt`` from math or numpy).
    """
    area = 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
    name = kind[0]
    if name == "uniform":
        return sqrt(area), area
    if name == "surface":
        uu = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
        ww = (cx - ax) * (cx - ax) + (cy - ay) * (cy - ay)
        uw = (bx - ax) * (cx - ax) + (by - ay) * (cy - ay)
        for comp in comps:
            du = (comp[1] - comp[0]) * inv_scale
            dw = (comp[2] - comp[0]) * inv_scale
            uu = uu + du * du
            ww = ww + dw * dw
            uw = uw + du * dw
        return 0.5 * sqrt(mx(uu * ww - uw * uw, 0.0)), area
    dev = 0.0
    for va, vb, vc, gax, gay, gbx, gby, gcx, gcy in comps:
        # Deviation of each vertex's tangent plane at the other two vertices.
        da = mx(
            abs(va + (gax * (bx - ax) + gay * (by - ay)) - vb),
            abs(va + (gax * (cx - ax) + gay * (cy - ay)) - vc),
        )
        db = mx(
            abs(vb + (gbx * (ax - bx) + gby * (ay - by)) - va),
            abs(vb + (gbx * (cx - bx) + gby * (cy - by)) - vc),
        )
        dc = mx(
            abs(vc + (gcx * (ax - cx) + gcy * (ay - cy)) - va),
            abs(vc + (gcx * (bx - cx) + gcy * (by - cy)) - vb),
        )
        dev = dev + ((da + db) + dc)
    return (dev * inv_scale) * sqrt(area) + 0.3 * area, area


def loss_one(
    kind: LocalKind,
    coords: tuple[float, float, float, float, float, float],
    comps: Sequence[tuple[float, ...]],
    inv_scale: float,
) -> float:
    """Return the loss of one triangle (floats); see :func:`_core` for the arguments."""
    ax, ay, bx, by, cx, cy = coords
    for comp in comps:
        if not (math.isfinite(comp[0]) and math.isfinite(comp[1]) and math.isfinite(comp[2])):
            area = 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
            return _adjust(kind, flat_loss(kind, area, math.sqrt), area, None)
    loss, area = _core(kind, ax, ay, bx, by, cx, cy, comps, inv_scale, max, math.sqrt)
    if math.isnan(loss):  # e.g. from an overflow
        return _adjust(kind, flat_loss(kind, area, math.sqrt), area, None)
    return _adjust(kind, loss, area, comps)


def flat_loss(kind: LocalKind, area: Any, sqrt: Callable[[Any], Any]) -> Any:
    """Return the loss of a triangle as if the function were constant on it.

    Used where a vertex value is NaN or infinite: such triangles are refined like a flat
    region, neither starved nor favoured (the reference library's NaN losses would make it
    sample there forever).
    """
    name = kind[0]
    if name == "uniform":
        return sqrt(area)
    if name == "surface":
        return area
    return 0.3 * area


def _adjust(
    kind: LocalKind, loss: float, area: float, comps: Sequence[tuple[float, ...]] | None
) -> float:
    """Apply the resolution limits, and the thresholds unless ``comps`` is None."""
    name, params = kind
    if name == "resolution":
        lo, hi = params
        if area < lo * lo:
            return 0.0
        if area > hi * hi:
            return math.inf
    elif name == "thresholded" and comps is not None:
        lower, upper, factor = params
        if lower is not None and all(max(c[0], c[1], c[2]) < lower for c in comps):
            loss = loss * factor
        if upper is not None and all(min(c[0], c[1], c[2]) > upper for c in comps):
            loss = loss * factor
    return loss


def loss_bulk(  # noqa: PLR0917  (the columns of the mesh)
    kind: LocalKind,
    xs: np.ndarray[Any, Any],
    ys: np.ndarray[Any, Any],
    vals: np.ndarray[Any, Any],
    gx: np.ndarray[Any, Any],
    gy: np.ndarray[Any, Any],
    tri: np.ndarray[Any, Any],
    inv_scale: float,
) -> np.ndarray[Any, Any]:
    """:func:`loss_one` for every triangle; ``tri`` (m, 3) must have rows sorted by (x, y)."""
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    comps = [
        (
            vals[a, k],
            vals[b, k],
            vals[c, k],
            gx[a, k],
            gy[a, k],
            gx[b, k],
            gy[b, k],
            gx[c, k],
            gy[c, k],
        )
        for k in range(vals.shape[1])
    ]
    with np.errstate(invalid="ignore", over="ignore"):
        loss, area = _core(
            kind, xs[a], ys[a], xs[b], ys[b], xs[c], ys[c], comps, inv_scale, np.maximum, np.sqrt
        )
    loss = np.asarray(loss, dtype=float)
    finite = np.isfinite(vals[a]).all(axis=1) & np.isfinite(vals[b]).all(axis=1)
    finite &= np.isfinite(vals[c]).all(axis=1)
    good = finite & ~np.isnan(loss)
    loss = np.where(good, loss, flat_loss(kind, area, np.sqrt))
    name, params = kind
    if name == "resolution":
        lo, hi = params
        loss = np.where(area < lo * lo, 0.0, loss)
        loss = np.where(area > hi * hi, np.inf, loss)
    elif name == "thresholded":
        lower, upper, factor = params
        v3 = np.stack([vals[a], vals[b], vals[c]], axis=1)  # (m, 3, ncomp)
        if lower is not None:
            loss = np.where(good & (v3.max(axis=1) < lower).all(axis=1), loss * factor, loss)
        if upper is not None:
            loss = np.where(good & (v3.min(axis=1) > upper).all(axis=1), loss * factor, loss)
    return loss


def sort_rows_xy(
    tri: np.ndarray[Any, Any], xs: np.ndarray[Any, Any], ys: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Sort each row of vertex indices by the vertices' (x, y)."""
    tri = tri.copy()

    def swap(i: int, j: int) -> None:
        u, v = tri[:, i], tri[:, j]
        gt = (xs[u] > xs[v]) | ((xs[u] == xs[v]) & (ys[u] > ys[v]))
        tmp = u[gt].copy()
        tri[gt, i] = v[gt]
        tri[gt, j] = tmp

    swap(0, 1)
    swap(1, 2)
    swap(0, 1)
    return tri


# --------------------------------------------------------- losses on an interpolator ---
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


def plane_gradient(  # noqa: PLR0917  (plain floats)
    ax: float,
    ay: float,
    bx: float,
    by: float,
    cx: float,
    cy: float,
    va: float,
    vb: float,
    vc: float,
) -> tuple[float, float]:
    """Gradient of the plane through three points (vertices sorted by (x, y)); (0, 0) if flat."""
    ux, uy, wx, wy = bx - ax, by - ay, cx - ax, cy - ay
    det = ux * wy - uy * wx
    if det == 0.0:
        return 0.0, 0.0
    du, dw = vb - va, vc - va
    return (du * wy - dw * uy) / det, (dw * ux - du * wx) / det


def edge_error(  # noqa: PLR0917  (plain floats)
    px: float,
    py: float,
    qx: float,
    qy: float,
    area: float,
    area_other: float,
    jx: float,
    jy: float,
) -> float:
    """Error estimate of a triangle across one edge ``p``-``q`` (sorted by (x, y)).

    ``(jx, jy)`` is the gradient difference between the two triangles (one component), the
    areas are this triangle's and the neighbour's: the curvature across the edge is the normal
    jump over the centroid distance ``(h + h') / 3``, times ``h**2 / 8`` for this triangle's
    height ``h``.
    """
    ex, ey = qx - px, qy - py
    ell = math.sqrt(ex * ex + ey * ey)
    if ell == 0.0:
        return 0.0
    jump = abs(jx * ey - jy * ex) / ell
    h = 2.0 * area / ell
    hh = h + 2.0 * area_other / ell
    if not hh > 0.0:
        return 0.0
    return 3.0 * jump * h * h / (8.0 * hh)


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


def _place(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> Point:  # noqa: PLR0917
    """Where Learner2D puts a new point in a triangle: its circumcentre, or an edge midpoint.

    A clearly acute triangle (longest edge squared below 0.8 times the sum of the other two
    squared) gets its circumcentre, which lies inside it: Delaunay refinement at circumcentres
    keeps the triangles well shaped, and well-shaped triangles interpolate better at equal N
    than the slivers that centroid insertion tends to leave. Other triangles (right, obtuse,
    or nearly so, whose circumcentre is on or near an edge or outside) get the midpoint of their
    longest edge. Measured at 1000 and 4000 points (benchmarks/bench_learner2d.py), this
    placement lowers the max error on peaks by 10-35% against the centroid rule, and the RMS
    error by a few per cent; on the ring the two are within noise of each other.
    A function of the coordinates only (the learner passes them sorted by (x, y)).
    """
    e0 = (ax - cx) * (ax - cx) + (ay - cy) * (ay - cy)
    e1 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    e2 = (cx - bx) * (cx - bx) + (cy - by) * (cy - by)
    if e0 >= e1 and e0 >= e2:
        longest, others, mid = e0, e1 + e2, ((ax + cx) / 2, (ay + cy) / 2)
    elif e1 >= e2:
        longest, others, mid = e1, e0 + e2, ((bx + ax) / 2, (by + ay) / 2)
    else:
        longest, others, mid = e2, e0 + e1, ((cx + bx) / 2, (cy + by) / 2)
    if longest >= _ACUTE * others:
        return mid
    ux, uy, wx, wy = bx - ax, by - ay, cx - ax, cy - ay
    d = 2.0 * (ux * wy - uy * wx)
    if d == 0.0:  # degenerate (cannot happen for an acute triangle, but floats)
        return mid
    uu = ux * ux + uy * uy
    ww = wx * wx + wy * wy
    return ax + (wy * uu - uy * ww) / d, ay + (ux * ww - wx * uu) / d


_ACUTE = 0.8


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
