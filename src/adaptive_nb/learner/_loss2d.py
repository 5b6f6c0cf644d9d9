"""Local, incremental per-triangle losses of Learner2D, and where a point goes in a triangle.

The public losses (:mod:`adaptive_nb.learner._loss2d_ip`) take a scipy
``LinearNDInterpolator``, the reference library's interface; the built-in ones have the local
equivalents here, which LossMesh2D evaluates one triangle at a time.

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

The default loss weighs the deviation by ``area**0.4`` where the reference (and the public
``default_loss``) uses ``sqrt(area)``: ``dev * area**0.4 + 0.3 * area``, area in units of the
rescaled bounds (a square of area 1), so the weight is scale-free. For a smooth function
(deviation ~ curvature * h**2) a weight ``area**p`` equidistributes ``curvature * h**(2 + 2p)``:
p = 1/2 is the density that minimises the RMS error of linear interpolation, p = 0 the one that
minimises the max error; 0.4 is between the two, and it also keeps refining a found thin
feature a little longer before the area term sends points elsewhere. Measured with
benchmarks/bench_learner2d.py (e), together with the placement of :func:`_place`: RMS and max
error at most the reference's on the ring and on peaks at 700, 1000, 1500, 2500 and 4000 points,
where ``sqrt(area)`` was above it in several of those cells. The weight is computed with
``math.pow`` on both paths (the bulk path maps it over a list), so the two stay
bit-identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "LocalKind",
    "default_loss_scalar",
    "edge_error",
    "grad_bulk",
    "grad_one",
    "grad_one_scalar",
    "loss_bulk",
    "loss_one",
    "plane_gradient",
    "quantized_scale",
    "sort_rows_xy",
]

Point = tuple[float, float]

# ("default" | "uniform" | "surface", ()) or ("resolution", (min, max)) or
# ("thresholded", (lower, upper, factor)).
LocalKind = tuple[str, tuple[Any, ...]]


_AREA_EXPONENT = 0.4


def _area_weight(area: float) -> float:
    """Weight of the deviation term of the default loss (see the module docstring)."""
    return math.pow(area, _AREA_EXPONENT)


def _area_weight_bulk(area: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """:func:`_area_weight` of every element, with the same float power (bit-identical)."""
    e = _AREA_EXPONENT
    return np.array([math.pow(a, e) for a in np.asarray(area, dtype=float).tolist()], dtype=float)


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
    return (((da + db) + dc) * inv_scale) * math.pow(area, _AREA_EXPONENT) + 0.3 * area


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
    weight: Callable[[Any], Any],
) -> tuple[Any, Any]:
    """Return (loss, area) of triangles a, b, c (vertices sorted by (x, y)).

    ``comps`` holds per output component ``(va, vb, vc, gax, gay, gbx, gby, gcx, gcy)``.
    Works on floats and on numpy arrays alike (``mx``/``sqrt`` from math or numpy, ``weight``
    :func:`_area_weight` or :func:`_area_weight_bulk`).
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
    return (dev * inv_scale) * weight(area) + 0.3 * area, area


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
    loss, area = _core(kind, ax, ay, bx, by, cx, cy, comps, inv_scale, max, math.sqrt, _area_weight)
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
            kind, xs[a], ys[a], xs[b], ys[b], xs[c], ys[c], comps, inv_scale,
            np.maximum, np.sqrt, _area_weight_bulk,
        )  # fmt: skip
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


def _place(  # noqa: PLR0917
    ax: float,
    ay: float,
    bx: float,
    by: float,
    cx: float,
    cy: float,
    box: tuple[float, float, float, float],
) -> Point:
    """Where Learner2D puts a new point in a triangle: its circumcentre, or near an edge midpoint.

    A clearly acute triangle (longest edge squared below 0.8 times the sum of the other two
    squared) gets its circumcentre, which lies inside it: Delaunay refinement at circumcentres
    keeps the triangles well shaped, and well-shaped triangles interpolate better at equal N
    than the slivers that centroid insertion tends to leave. Other triangles (right, obtuse,
    or nearly so, whose circumcentre is on or near an edge or outside) are split near the
    midpoint of their longest edge: exactly at it if that edge lies on the boundary of ``box``
    (the bounds, ``(x0, x1, y0, y1)`` in the same coordinates), so the boundary gets refined;
    else a fifth of the way from it to the centroid. Exact midpoints of right triangles
    reproduce one lattice of axis-aligned and diagonal lines level after level, and a thin
    feature that runs along such a line is refined as a block of lattice rows while one that
    crosses the lines is found at a few lattice spots only; the offset breaks the lattice and
    keeps the triangles' shape. Measured with benchmarks/bench_learner2d.py (e): circumcentres
    and midpoints lowered the max error on peaks by 10-35% against the centroid rule; the
    offset then finds more of the ring at equal N than exact midpoints (RMS 9-22% lower at
    1000-2500 points). A function of the coordinates only (the learner passes them sorted by
    (x, y)).
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
        x0, x1, y0, y1 = box
        if mid[0] in {x0, x1} or mid[1] in {y0, y1}:  # an edge on the boundary (convex box)
            return mid
        gx, gy = ((ax + bx) + cx) / 3, ((ay + by) + cy) / 3
        return mid[0] + _OFFSET * (gx - mid[0]), mid[1] + _OFFSET * (gy - mid[1])
    ux, uy, wx, wy = bx - ax, by - ay, cx - ax, cy - ay
    d = 2.0 * (ux * wy - uy * wx)
    if d == 0.0:  # degenerate (cannot happen for an acute triangle, but floats)
        return mid
    uu = ux * ux + uy * uy
    ww = wx * wx + wy * wy
    return ax + (wy * uu - uy * ww) / d, ay + (ux * ww - wx * uu) / d


_ACUTE = 0.8
_OFFSET = 0.2


_MOVED = frozenset(
    {
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
    }
)


def __getattr__(name: str) -> Any:
    # The losses on an interpolator used to live here: learners pickled by an earlier version
    # name them as attributes of this module, so resolve those names in their new home.
    if name in _MOVED:
        from adaptive_nb.learner import _loss2d_ip

        return getattr(_loss2d_ip, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
