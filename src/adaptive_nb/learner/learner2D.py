"""Learner2D: adaptive sampling of ``f: R^2 -> R^N`` on a rectangle, with local updates.

How it works
------------
Points are rescaled so the bounds become a square of side 1 centred at 0 (divided by
``xy_scale``, as in the reference library). The four corners are asked first. All evaluated and
pending points inside the bounds are vertices of one Delaunay triangulation of the rectangle
(:mod:`adaptive_nb.learner._mesh2d`; the module docstring says why it is ours). Each triangle has
a loss and lives in a binary heap; ``ask`` takes the triangle with the largest loss and proposes
the midpoint of its longest edge if it is badly shaped, else its centroid (as the reference
does), and inserts that point into the triangulation as *pending*, with a value interpolated
linearly from the triangle; the triangles it touches get new losses, so the next ``ask`` already
knows about it. A tell replaces the provisional value with the real one and refreshes the same
triangles. Nothing global is ever recomputed, except when the value scale of the data changes
(rarely: see :mod:`adaptive_nb.learner._loss2d`).

The built-in losses (``default_loss``, ``uniform_loss``, ``minimize_triangle_surface_loss``,
``resolution_loss_function(...)`` and ``thresholded_loss_function(...)``) have local equivalents.
Any other ``loss_per_triangle`` (a user's, or ``triangle_loss``) takes the reference's slow path:
it is called on a scipy ``LinearNDInterpolator`` of all the data, and up to ``stack_size``
points are proposed per evaluation.

Determinism: the triangulation, the gradients and the losses are functions of the set of points
and values, not of the order of the tells; ties between equal losses go to the triangle whose
vertices sort first. So two learners told the same data ask the same points, and so do a
pickled copy and one saved and loaded.

Differences from the reference library, on purpose: bad points and values raise errors that
name the point; a NaN or infinite value gives its triangles the uniform loss instead of
poisoning the global scale; ``ask`` re-evaluates after every point instead of drawing from a
stack of 10 stale candidates (better sampling at equal N); ``loss(real=True)`` while points are
pending is estimated from the losses of the triangles those points were placed in.
"""

from __future__ import annotations

import heapq
import itertools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.interpolate import CloughTocher2DInterpolator, LinearNDInterpolator

from adaptive_nb.learner._dataframe import assign_defaults, partial_function_from_dataframe
from adaptive_nb.learner._holoviews import holoviews_with_backend
from adaptive_nb.learner._loss2d import (
    LocalKind,
    generic_losses,
    grad_bulk,
    grad_one,
    loss_bulk,
    default_loss_scalar,
    grad_one_scalar,
    loss_one,
    quantized_scale,
    sort_rows_xy,
)
from adaptive_nb.learner._mesh2d import DuplicatePointError, Mesh2D
from adaptive_nb.learner.base_learner import BaseLearner
from adaptive_nb.learner.learner1D import _as_y

if TYPE_CHECKING:
    import holoviews
    import pandas

__all__ = [
    "Learner2D",
    "areas",
    "choose_point_in_triangle",
    "default_loss",
    "deviations",
    "minimize_triangle_surface_loss",
    "resolution_loss_function",
    "thresholded_loss_function",
    "triangle_loss",
    "uniform_loss",
]

_INF = math.inf
Point = tuple[float, float]

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
    return np.sqrt(areas(ip))


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
    """Make a ``default_loss`` that ignores triangles smaller than ``min_distance**2`` and
    always refines those larger than ``max_distance**2`` (areas in the rescaled unit square).

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
    """Make a ``default_loss`` that multiplies by ``priority_factor`` the loss of triangles
    whose values all lie below ``lower_threshold`` or all above ``upper_threshold``.

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


def triangle_loss(ip: LinearNDInterpolator) -> list[float]:
    """Mean volume of the tetrahedra a triangle forms with each neighbour's far vertex, in the
    (x, y, values) embedding (the LearnerND ``triangle_loss``). Slow; here for compatibility.

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
        vols = []
        for nb in tri.neighbors[i]:
            if nb == -1:
                continue
            far = next(v for v in tri.simplices[nb] if v not in simplex)
            m = emb[list(simplex) + [far]]
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


def _choose(
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


# ------------------------------------------------------------------------ validation ---


def _as_point(point: Any) -> Point:
    try:
        x, y = point
        if isinstance(x, bool | np.bool_) or isinstance(y, bool | np.bool_):
            raise TypeError
        if not (isinstance(x, numbers.Real) and isinstance(y, numbers.Real)):
            x, y = np.asarray(x).item(), np.asarray(y).item()
            if not (isinstance(x, numbers.Real) and isinstance(y, numbers.Real)):
                raise TypeError
        fx, fy = float(x), float(y)
    except (TypeError, ValueError):
        msg = f"Learner2D points must be pairs of real numbers (x, y), got {point!r}."
        raise TypeError(msg) from None
    if not (math.isfinite(fx) and math.isfinite(fy)):
        msg = f"Learner2D points must be finite, got {point!r}."
        raise ValueError(msg)
    return fx, fy


class Learner2D(BaseLearner):
    """Learn a function ``f: R^2 -> R^N`` on a rectangle by refining a triangulation.

    Parameters
    ----------
    function
        The function to learn; it takes a point ``(x, y)`` and returns a real number or a 1D
        array of fixed length.
    bounds
        ``[(xmin, xmax), (ymin, ymax)]``.
    loss_per_triangle
        A loss on a scipy ``LinearNDInterpolator``, one value per triangle (default:
        :func:`default_loss`). The built-in losses run locally (fast); others are called on
        the whole data (the reference library's behaviour, slower).

    Attributes
    ----------
    data : dict
        ``{(x, y): value}``.
    pending_points : set
        Points asked but not told yet.
    stack_size : int
        Points proposed per evaluation of a custom (non built-in) loss.
    aspect_ratio : float
        Ratio of the x span to the y span of a typical triangle (default 1).
    """

    def __init__(
        self,
        function: Callable[..., Any],
        bounds: Iterable[Iterable[float]],
        loss_per_triangle: Callable[..., Any] | None = None,
    ) -> None:
        try:
            (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in bounds)
        except (TypeError, ValueError):
            msg = f"bounds must be [(xmin, xmax), (ymin, ymax)] of real numbers, got {bounds!r}."
            raise ValueError(msg) from None
        if not all(map(math.isfinite, (x0, x1, y0, y1))) or not (x0 < x1 and y0 < y1):
            msg = f"bounds must be finite with xmin < xmax and ymin < ymax, got {bounds!r}."
            raise ValueError(msg)
        if loss_per_triangle is not None and not callable(loss_per_triangle):
            msg = f"loss_per_triangle must be callable, got {loss_per_triangle!r}."
            raise TypeError(msg)
        self.function = function
        self.bounds = ((x0, x1), (y0, y1))
        self.ndim = 2
        self.loss_per_triangle = loss_per_triangle or default_loss
        self.xy_mean = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        self._xy_scale = np.array([x1 - x0, y1 - y0])
        self.aspect_ratio: float = 1
        self.stack_size = 10
        self.data: dict[Point, Any] = {}
        self.pending_points: set[Point] = set()
        self._vdim: int | None = None
        self._vec = False  # whether values are arrays (vdim may be 1 for arrays of length 1)
        self._told: list[Point] = []  # data keys in the order they were first told
        self._bounds_points: list[Point] = list(itertools.product((x0, x1), (y0, y1)))
        self._reset_mesh()

    def new(self) -> Learner2D:
        """Return an empty learner with the same function, bounds and loss."""
        learner = Learner2D(self.function, self.bounds, self.loss_per_triangle)
        learner.aspect_ratio = self.aspect_ratio
        learner.stack_size = self.stack_size
        return learner

    # ------------------------------------------------------------------ properties ---

    @property
    def xy_scale(self) -> np.ndarray[Any, Any]:
        """The lengths by which the bounds are divided (y divided by ``aspect_ratio``)."""
        if self.aspect_ratio == 1:
            return self._xy_scale
        return np.array([self._xy_scale[0], self._xy_scale[1] / self.aspect_ratio])

    @property
    def npoints(self) -> int:
        """Number of evaluated points."""
        return len(self.data)

    @property
    def vdim(self) -> int:
        """Length of the function's output (1 for scalars, and while there is no data)."""
        return self._vdim or 1

    @property
    def bounds_are_done(self) -> bool:
        """Whether the four corners of the bounds are evaluated."""
        return all(p in self.data for p in self._bounds_points)

    def inside_bounds(self, xy: tuple[float, float]) -> bool:
        """Whether the point ``xy`` lies inside the bounds (edges included)."""
        x, y = xy
        (x0, x1), (y0, y1) = self.bounds
        return bool(x0 <= x <= x1 and y0 <= y <= y1)

    # ------------------------------------------------------------------- the mesh ---

    def _scale_xy(self, x: float, y: float) -> Point:
        sx, sy = self._mesh_scale
        mx, my = self._mesh_mean
        return (x - mx) / sx, (y - my) / sy

    def _reset_mesh(self) -> None:
        """An empty triangulation of the bounds (corners only); the data is not re-added."""
        scale = self.xy_scale
        self._mesh_scale = (float(scale[0]), float(scale[1]))
        self._mesh_mean = (float(self.xy_mean[0]), float(self.xy_mean[1]))
        self._mesh_aspect = self.aspect_ratio
        self._kind = _local_kind(self.loss_per_triangle)
        (x0, x1), (y0, y1) = self.bounds
        sx0, sy0 = self._scale_xy(x0, y0)
        sx1, sy1 = self._scale_xy(x1, y1)
        self._mesh = Mesh2D(sx0, sx1, sy0, sy1)
        self._vkey: list[Point] = list(self._bounds_points)
        self._vid: dict[Point, int] = {p: i for i, p in enumerate(self._bounds_points)}
        self._vreal: list[bool] = [False] * 4
        nc = self._vdim or 1
        self._vals: list[list[float]] = [[0.0] * 4 for _ in range(nc)]
        self._gx: list[list[float]] = [[0.0] * 4 for _ in range(nc)]
        self._gy: list[list[float]] = [[0.0] * 4 for _ in range(nc)]
        self._tkey: list[Any] = [None] * self._mesh.ntriangles
        self._heap: list[Any] = []
        self._rheap: list[Any] = []
        self._parent: dict[int, float] = {}  # pending vertex -> loss of where it was put
        self._lo: list[float] = [_INF] * nc
        self._hi: list[float] = [-_INF] * nc
        self._qscale = 1.0
        self._inv_scale = 1.0
        self._gstack: list[tuple[Point, float]] = []
        self._gcache: tuple[Any, ...] | None = None
        self._version = 0
        for t in range(self._mesh.ntriangles):
            self._set_loss(t)

    def _nvert_extend(self, key: Point, vals: list[float]) -> None:
        self._vkey.append(key)
        self._vid[key] = len(self._vkey) - 1
        self._vreal.append(False)
        for c, v in enumerate(vals):
            self._vals[c].append(v)
            self._gx[c].append(0.0)
            self._gy[c].append(0.0)

    def _insert(self, key: Point, hint: int = -1) -> int | None:
        """Insert ``key`` (inside the bounds, not yet a vertex) as a non-real vertex.

        Its provisional value is interpolated linearly in the triangle it falls in. Returns the
        vertex, or None if it coincides with a vertex after rescaling (then it is not meshed).
        """
        mesh = self._mesh
        px, py = self._scale_xy(*key)
        try:
            t, where = mesh.locate(px, py, hint)
        except DuplicatePointError:
            return None
        a, b, c = mesh.triangle(t)
        xs, ys = mesh.x, mesh.y
        wa = max((xs[b] - px) * (ys[c] - py) - (ys[b] - py) * (xs[c] - px), 0.0)
        wb = max((xs[c] - px) * (ys[a] - py) - (ys[c] - py) * (xs[a] - px), 0.0)
        wc = max((xs[a] - px) * (ys[b] - py) - (ys[a] - py) * (xs[b] - px), 0.0)
        s = wa + wb + wc
        if s > 0:
            vals = [(wa * col[a] + wb * col[b] + wc * col[c]) / s for col in self._vals]
        else:
            vals = [(col[a] + col[b] + col[c]) / 3 for col in self._vals]
        # Where real loss is concerned, a pending point stands for the loss of the region it
        # was placed in, until its value arrives.
        parent = self._tri_loss_or(t, 0.0)
        if where >= 0:
            u = mesh.tn[3 * t + where]
            if u >= 0:
                parent = max(parent, self._tri_loss_or(u, 0.0))
                a2, b2, c2 = mesh.triangle(u)
                for w in (a2, b2, c2):
                    parent = max(parent, self._parent.get(w, 0.0))
        for w in (a, b, c):
            parent = max(parent, self._parent.get(w, 0.0))
        v = mesh.insert(px, py, t, where)
        self._nvert_extend(key, vals)
        self._parent[v] = parent
        self._tkey.extend([None] * (mesh.ntriangles - len(self._tkey)))
        return v

    def _tri_loss_or(self, t: int, default: float) -> float:
        entry = self._tkey[t] if t < len(self._tkey) else None
        return default if entry is None else -entry[0]

    # ------------------------------------------------------------------- losses ---

    def _grad(self, v: int) -> list[int]:
        """Recompute the gradient estimate at vertex ``v``; return the triangles around it."""
        mesh = self._mesh
        tris, nbrs = mesh.fan(v)
        xs, ys = mesh.x, mesh.y
        vals = self._vals
        if len(vals) == 1:
            col = vals[0]
            own = col[v]
            if own - own != 0.0:
                self._gx[0][v] = self._gy[0][v] = 0.0
                return tris
            items1 = [(xs[w], ys[w], col[w]) for w in nbrs if col[w] - col[w] == 0.0]
            items1.sort()
            self._gx[0][v], self._gy[0][v] = grad_one_scalar(xs[v], ys[v], own, items1)
            return tris
        nc = len(vals)
        owns = [c[v] for c in vals]
        if not all(map(math.isfinite, owns)):
            gx, gy = [0.0] * nc, [0.0] * nc
        else:
            items = []
            for w in nbrs:
                vw = [c[w] for c in vals]
                if all(map(math.isfinite, vw)):
                    items.append((xs[w], ys[w], vw))
            items.sort(key=lambda it: (it[0], it[1]))
            gx, gy = grad_one(xs[v], ys[v], owns, items)
        for c in range(nc):
            self._gx[c][v] = gx[c]
            self._gy[c][v] = gy[c]
        return tris

    def _set_loss(self, t: int) -> None:
        kind = self._kind
        if kind is None:
            return
        mesh = self._mesh
        xs, ys = mesh.x, mesh.y
        i = 3 * t
        tv = mesh.tv
        a, b, c = tv[i], tv[i + 1], tv[i + 2]
        # Canonical vertex order: sorted by (x, y), so the float result is order-free.
        ax, ay, bx, by, cx, cy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]
        if bx < ax or (bx == ax and by < ay):
            a, b, ax, ay, bx, by = b, a, bx, by, ax, ay
        if cx < bx or (cx == bx and cy < by):
            b, c, bx, by, cx, cy = c, b, cx, cy, bx, by
            if bx < ax or (bx == ax and by < ay):
                a, b, ax, ay, bx, by = b, a, bx, by, ax, ay
        vals = self._vals
        gx, gy = self._gx, self._gy
        if kind[0] == "default" and len(vals) == 1:
            col, gxc, gyc = vals[0], gx[0], gy[0]
            va, vb, vc = col[a], col[b], col[c]
            if va - va == 0.0 and vb - vb == 0.0 and vc - vc == 0.0:
                loss = default_loss_scalar(
                    ax, ay, bx, by, cx, cy, va, vb, vc,
                    gxc[a], gyc[a], gxc[b], gyc[b], gxc[c], gyc[c],
                    self._inv_scale,
                )  # fmt: skip
            else:
                loss = math.sqrt(0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)))
        else:
            comps = [
                (col[a], col[b], col[c], gx[k][a], gy[k][a], gx[k][b], gy[k][b], gx[k][c], gy[k][c])
                for k, col in enumerate(vals)
            ]
            loss = loss_one(kind, (ax, ay, bx, by, cx, cy), comps, self._inv_scale)
            if loss != loss:  # NaN (e.g. inf - inf): treat as the uniform loss
                loss = math.sqrt(0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)))
        entry = (-loss, ax, ay, bx, by, cx, cy, t)
        self._tkey[t] = entry
        heapq.heappush(self._heap, entry)
        vreal = self._vreal
        if vreal[a] and vreal[b] and vreal[c]:
            heapq.heappush(self._rheap, entry)

    def _refresh(self, v: int, full: bool = True) -> None:
        """Recompute what depends on vertex ``v``'s position or value.

        ``full=False`` (a new pending point) refreshes only the triangles around ``v``, which
        must be (their slots were reused); the neighbours' gradients catch up when the real
        value arrives, so losses near pending points are provisional anyway.
        """
        if self._kind is None:
            return
        mesh = self._mesh
        if self._kind[0] in ("uniform", "surface"):
            for t in mesh.fan(v)[0]:
                self._set_loss(t)
            return
        if not full:
            for t in self._grad(v):
                self._set_loss(t)
            return
        tris, nbrs = mesh.fan(v)
        todo = set(self._grad(v))
        for w in nbrs:
            todo.update(self._grad(w))
        for t in sorted(todo):
            self._set_loss(t)
        if len(self._heap) > 4 * len(self._tkey) + 64:
            self._compact()

    def _compact(self) -> None:
        tkey = self._tkey
        self._heap = [e for e in self._heap if tkey[e[-1]] is e]
        self._rheap = [e for e in self._rheap if tkey[e[-1]] is e]
        heapq.heapify(self._heap)
        heapq.heapify(self._rheap)

    def _top(self, heap: list[Any]) -> Any:
        tkey = self._tkey
        while heap and tkey[heap[0][-1]] is not heap[0]:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _update_range(self, vals: list[float]) -> bool:
        """Widen the value range with a real value; return whether the loss scale changed."""
        changed = False
        for c, v in enumerate(vals):
            if v - v != 0.0:
                continue
            if v < self._lo[c]:
                self._lo[c] = v
                changed = True
            if v > self._hi[c]:
                self._hi[c] = v
                changed = True
        if not changed:
            return False
        return self._set_qscale()

    def _set_qscale(self) -> bool:
        ptp = max(
            (h - lo for lo, h in zip(self._lo, self._hi, strict=True) if h >= lo), default=0.0
        )
        q = quantized_scale(ptp)
        if q == self._qscale:
            return False
        self._qscale = q
        self._inv_scale = 1.0 / q
        return True

    def _recompute_all_losses(self) -> None:
        """All gradients and losses at once (vectorised; bit-identical to the local path)."""
        if self._kind is None:
            return
        mesh = self._mesh
        xs = np.array(mesh.x)
        ys = np.array(mesh.y)
        vals = np.array(self._vals, dtype=float).T.reshape(len(xs), -1)
        simp = np.array(mesh.tv, dtype=np.int64).reshape(-1, 3)
        if self._kind[0] in ("uniform", "surface"):
            gx = np.zeros_like(vals)
            gy = np.zeros_like(vals)
        else:
            nbr = np.array(mesh.tn, dtype=np.int64).reshape(-1, 3)
            gx, gy = grad_bulk(xs, ys, vals, simp, nbr)
        self._gx = [col.tolist() for col in gx.T]
        self._gy = [col.tolist() for col in gy.T]
        tri = sort_rows_xy(simp, xs, ys)
        losses = loss_bulk(self._kind, xs, ys, vals, gx, gy, tri, self._inv_scale)
        area = 0.5 * np.abs(
            (xs[tri[:, 1]] - xs[tri[:, 0]]) * (ys[tri[:, 2]] - ys[tri[:, 0]])
            - (ys[tri[:, 1]] - ys[tri[:, 0]]) * (xs[tri[:, 2]] - xs[tri[:, 0]])
        )
        losses = np.where(np.isnan(losses), np.sqrt(area), losses)
        vreal = np.array(self._vreal, dtype=bool)
        allreal = vreal[tri].all(axis=1).tolist()
        px, py = xs[tri], ys[tri]
        entries = list(
            zip(
                (-losses).tolist(),
                px[:, 0].tolist(),
                py[:, 0].tolist(),
                px[:, 1].tolist(),
                py[:, 1].tolist(),
                px[:, 2].tolist(),
                py[:, 2].tolist(),
                range(len(tri)),
                strict=True,
            )
        )
        self._tkey = list(entries)
        self._heap = entries
        self._rheap = list(itertools.compress(entries, allreal))
        heapq.heapify(self._heap)
        heapq.heapify(self._rheap)

    def _rebuild(self) -> None:
        """Triangulate all data and pending points inside the bounds at once."""
        self._reset_mesh()
        (x0, x1), (y0, y1) = self.bounds
        keys = [k for k in self.data if x0 <= k[0] <= x1 and y0 <= k[1] <= y1]
        keys += [k for k in self.pending_points if k not in self.data]
        keys = [k for k in keys if k not in self._vid]  # corners are vertices already
        mesh = self._mesh
        if keys:
            pts = np.array(keys, dtype=float)
            sx = (pts[:, 0] - self._mesh_mean[0]) / self._mesh_scale[0]
            sy = (pts[:, 1] - self._mesh_mean[1]) / self._mesh_scale[1]
            # Distinct keys may rescale to one point: mesh the first of each such group only,
            # and none that lands on a corner.
            order = np.lexsort((sy, sx))
            same = (np.diff(sx[order]) == 0) & (np.diff(sy[order]) == 0)
            dup = np.zeros(len(keys), dtype=bool)
            dup[order[1:][same]] = True  # stable sort: the first of a group stays
            for i in range(4):
                dup |= (sx == mesh.x[i]) & (sy == mesh.y[i])
            first = np.flatnonzero(~dup)
            keys = [keys[i] for i in first.tolist()]
            mesh = Mesh2D.from_points(
                mesh.x[0], mesh.x[3], mesh.y[0], mesh.y[3], sx[first], sy[first]
            )
            self._mesh = mesh
        nv = mesh.nvertices
        self._vkey = list(self._bounds_points) + keys
        self._vid = {k: i for i, k in enumerate(self._vkey)}
        nc = self._vdim or 1
        real = [k in self.data for k in self._vkey]
        self._vreal = real
        vals = np.zeros((nv, nc))
        if any(real):
            idx = [i for i, r in enumerate(real) if r]
            vals[idx] = np.array([self.data[self._vkey[i]] for i in idx], dtype=float).reshape(
                len(idx), nc
            )
        pend = [i for i, r in enumerate(real) if not r and i >= 4]
        if pend and sum(real) >= 3:
            ridx = [i for i, r in enumerate(real) if r]
            pts = np.column_stack([np.array(mesh.x)[ridx], np.array(mesh.y)[ridx]])
            try:
                ip = LinearNDInterpolator(pts, vals[ridx])
                guess = ip(np.column_stack([np.array(mesh.x)[pend], np.array(mesh.y)[pend]]))
                vals[pend] = np.nan_to_num(guess.reshape(len(pend), nc), nan=0.0)
            except Exception:  # degenerate (e.g. collinear) real points: keep zeros
                pass
        self._vals = [col.tolist() for col in vals.T]
        self._gx = [[0.0] * nv for _ in range(nc)]
        self._gy = [[0.0] * nv for _ in range(nc)]
        self._tkey = [None] * mesh.ntriangles
        self._parent = {i: 0.0 for i in pend}
        self._lo = [_INF] * nc
        self._hi = [-_INF] * nc
        finite = vals[np.array(real, dtype=bool)]
        for c in range(nc):
            col = finite[:, c]
            col = col[np.isfinite(col)]
            if len(col):
                self._lo[c] = float(col.min())
                self._hi[c] = float(col.max())
        self._qscale = 1.0
        self._inv_scale = 1.0
        self._set_qscale()
        self._recompute_all_losses()

    # -------------------------------------------------------------------- tell ---

    def _checked_value(self, point: Point, value: Any) -> tuple[Any, list[float]]:
        try:
            stored, yi = _as_y(value)
        except (TypeError, ValueError) as e:
            msg = f"Bad value for point {point!r}: {e}"
            raise type(e)(msg) from None
        comps = [float(yi)] if isinstance(yi, float) else list(yi)  # type: ignore[arg-type]
        vec = not isinstance(yi, float)
        if self._vdim is None:
            return stored, comps
        if len(comps) != self._vdim or (vec != self._vec):
            earlier = f"length {self._vdim}" if self._vec else "scalars"
            got = f"length {len(comps)}" if vec else "a scalar"
            msg = (
                f"The value at point {point!r} is {got}, but earlier values were {earlier}; "
                "the function must always return the same shape."
            )
            raise ValueError(msg)
        return stored, comps

    def _set_vdim(self, comps: list[float], vec: bool) -> None:
        self._vdim = len(comps)
        self._vec = vec
        nv = len(self._vkey)
        # No real values yet, so every provisional value is zero.
        self._vals = [[0.0] * nv for _ in comps]
        self._gx = [[0.0] * nv for _ in comps]
        self._gy = [[0.0] * nv for _ in comps]
        self._lo = [_INF] * len(comps)
        self._hi = [-_INF] * len(comps)

    def tell(self, point: Any, value: Any) -> None:
        """Tell the learner that ``function(point) == value``.

        Points outside the bounds are stored in ``data`` but take no part in the sampling.
        Telling a known point again replaces its value (as in the reference library).

        Parameters
        ----------
        point
            ``(x, y)``.
        value
            A real number or a 1D array (the same shape for every point).
        """
        key = _as_point(point)
        stored, comps = self._checked_value(key, value)
        if self._vdim is None:
            self._set_vdim(comps, not isinstance(stored, float))
        self._tell_checked(key, stored, comps)

    def _tell_checked(self, key: Point, stored: Any, comps: list[float]) -> None:
        old = key in self.data
        self.data[key] = stored
        if not old:
            self._told.append(key)
        self._version += 1
        if not self.inside_bounds(key):
            return
        v = self._vid.get(key)
        if v is None:
            v = self._insert(key, self._mesh.last)
            if v is None:
                return
        self.pending_points.discard(key)
        self._parent.pop(v, None)
        self._vreal[v] = True
        for c, val in enumerate(comps):
            self._vals[c][v] = val
        if old:  # the range may shrink: recompute it
            before = self._qscale
            self._lo = [_INF] * len(comps)
            self._hi = [-_INF] * len(comps)
            for i, r in enumerate(self._vreal):
                if r:
                    self._update_range([col[i] for col in self._vals])
            self._set_qscale()
            rescale = self._qscale != before
        else:
            rescale = self._update_range(comps)
        if rescale:
            self._recompute_all_losses()
        else:
            self._refresh(v)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many points at once; all are checked before any is stored.

        Parameters
        ----------
        xs
            Points ``(x, y)``.
        ys
            Their values, in the same order.
        """
        xs = list(xs)
        ys = list(ys)
        if len(xs) != len(ys):
            msg = f"tell_many got {len(xs)} points but {len(ys)} values."
            raise ValueError(msg)
        if self._tell_many_arrays(xs, ys):
            return
        checked: list[tuple[Point, Any, list[float]]] = []
        unknown = self._vdim is None
        try:
            for p, y in zip(xs, ys, strict=True):
                key = _as_point(p)
                stored, comps = self._checked_value(key, y)
                if self._vdim is None:  # the first value fixes the shape the others must have
                    self._vdim, self._vec = len(comps), not isinstance(stored, float)
                checked.append((key, stored, comps))
        finally:
            if unknown:
                self._vdim = None
        if unknown and checked:
            self._set_vdim(checked[0][2], not isinstance(checked[0][1], float))
        if len(checked) < max(64, len(self._vkey) // 4):
            for key, stored, comps in checked:
                self._tell_checked(key, stored, comps)
            return
        for key, stored, _ in checked:
            if key not in self.data:
                self._told.append(key)
            self.data[key] = stored
            self.pending_points.discard(key)
        self._version += 1
        self._rebuild()

    def _tell_many_arrays(self, xs: list[Any], ys: list[Any]) -> bool:
        """Fast path of ``tell_many`` for many scalar values: check them as arrays at once.

        Returns False (nothing done) when the input needs the item-by-item checks.
        """
        if len(xs) < max(64, len(self._vkey) // 4) or self._vec:
            return False
        try:
            pts = np.array(xs, dtype=float)
            vals = np.array(ys, dtype=float)
        except (TypeError, ValueError):
            return False
        if pts.shape != (len(xs), 2) or vals.shape != (len(xs),) or pts.dtype != float:
            return False
        if not np.isfinite(pts).all():
            return False
        exact = (float, int, np.float64)
        if not all(type(y) in exact for y in ys) and any(
            isinstance(y, bool | np.bool_) or not isinstance(y, numbers.Real) for y in ys
        ):
            return False
        if self._vdim is None:
            self._set_vdim([0.0], False)
        keys = list(map(tuple, pts.tolist()))
        data = self.data
        told = self._told
        for key, value in zip(keys, vals.tolist(), strict=True):
            if key not in data:
                told.append(key)
            data[key] = value
        self.pending_points.difference_update(keys)
        self._version += 1
        self._rebuild()
        return True

    def tell_pending(self, point: Any) -> None:
        """Mark ``point`` as being evaluated, so it is not proposed again.

        Parameters
        ----------
        point
            ``(x, y)``; ignored if outside the bounds or already evaluated.
        """
        key = _as_point(point)
        self._tell_pending(key)

    def _tell_pending(self, key: Point, hint: int = -1) -> None:
        if not self.inside_bounds(key) or key in self.data or key in self.pending_points:
            return
        self.pending_points.add(key)
        self._version += 1
        v = self._vid.get(key)
        if v is None:
            v = self._insert(key, hint)
            if v is None:
                return
        self._refresh(v, full=False)

    def remove_unfinished(self) -> None:
        """Forget the pending points (the triangulation is rebuilt from the data)."""
        self.pending_points = set()
        self._version += 1
        self._rebuild()

    # --------------------------------------------------------------------- ask ---

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Point], list[float]]:
        """Choose the next ``n`` points to evaluate.

        Parameters
        ----------
        n
            Number of points.
        tell_pending
            Mark them as pending (default). If False, the learner is left unchanged.

        Returns
        -------
        points, loss_improvements
            The points and the loss of the triangle each one refines.
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            msg = f"n must be a non-negative int, got {n!r}."
            raise ValueError(msg)
        n = int(n)
        if n == 0:
            return [], []
        if not tell_pending:
            return self._clone()._ask(n)
        return self._ask(n)

    def _ask(self, n: int) -> tuple[list[Point], list[float]]:
        self._check_aspect()
        points: list[Point] = []
        improvements: list[float] = []
        for p in self._bounds_points:
            if len(points) == n:
                return points, improvements
            if p not in self.data and p not in self.pending_points:
                self._tell_pending(p)
                points.append(p)
                improvements.append(_INF)
        if self._kind is None:
            while len(points) < n:
                if not self._gstack:
                    self._fill_generic_stack(max(n - len(points), self.stack_size))
                p, imp = self._gstack.pop(0)
                if p in self.data or p in self.pending_points:
                    continue
                self._tell_pending(p)
                points.append(p)
                improvements.append(imp)
            return points, improvements
        skipped: list[Any] = []
        while len(points) < n:
            entry = self._top(self._heap)
            if entry is None:
                break
            t = entry[-1]
            p = self._point_in(entry)
            if p in self.data or p in self.pending_points or p in self._vid:
                # The triangle is at the resolution of floats: set it aside for this call.
                skipped.append(heapq.heappop(self._heap))
                continue
            self._tell_pending(p, hint=t)
            points.append(p)
            improvements.append(-entry[0])
        for e in skipped:
            heapq.heappush(self._heap, e)
        return points, improvements

    def _point_in(self, entry: Any) -> Point:
        _, ax, ay, bx, by, cx, cy, _t = entry
        sx, sy = _choose(ax, ay, bx, by, cx, cy)
        (x0, x1), (y0, y1) = self.bounds
        x = sx * self._mesh_scale[0] + self._mesh_mean[0]
        y = sy * self._mesh_scale[1] + self._mesh_mean[1]
        return (max(x0, min(x1, x)), max(y0, min(y1, y)))

    def _check_aspect(self) -> None:
        if (
            self.aspect_ratio != self._mesh_aspect
            or _local_kind(self.loss_per_triangle) != self._kind
        ):
            self._rebuild()

    def _combined_arrays(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Scaled points and values of data in bounds plus pending points (interpolated)."""
        mesh = self._mesh
        idx = [i for i, k in enumerate(self._vkey) if self._vreal[i] or k in self.pending_points]
        pts = np.column_stack([np.array(mesh.x)[idx], np.array(mesh.y)[idx]])
        vals = np.array(self._vals, dtype=float).T[idx]
        if not self.bounds_are_done:
            vals = np.where(np.array(self._vreal)[idx][:, None], vals, 0.0)
        return pts, vals

    def _fill_generic_stack(self, k: int) -> None:
        pts, vals = self._combined_arrays()
        tris, losses = generic_losses(self.loss_per_triangle, pts, vals)
        order = np.argsort(-losses, kind="stable")[:k]
        stack = []
        for j in order.tolist():
            (ax, ay), (bx, by), (cx, cy) = tris[j].tolist()
            p = self._point_in((0.0, ax, ay, bx, by, cx, cy, -1))
            stack.append((p, float(losses[j])))
        self._gstack = stack

    # -------------------------------------------------------------------- loss ---

    def loss(self, real: bool = True) -> float:
        """The largest triangle loss (infinite until the four corners are evaluated).

        Parameters
        ----------
        real
            If False, the loss with the pending points counted at their interpolated values.

        Returns
        -------
        float
            O(1) for the built-in losses.
        """
        if not self.bounds_are_done:
            return _INF
        self._check_aspect()
        if self._kind is None:
            return self._generic_loss(real)
        if real and self.pending_points:
            top = self._top(self._rheap)
            best = -top[0] if top is not None else 0.0
            return max(best, max(self._parent.values(), default=0.0))
        top = self._top(self._heap)
        return -top[0] if top is not None else 0.0

    def _generic_loss(self, real: bool) -> float:
        key = (self._version, real)
        if self._gcache is not None and self._gcache[0] == key:
            return float(self._gcache[1])
        if real:
            mesh = self._mesh
            idx = [i for i in range(len(self._vkey)) if self._vreal[i]]
            pts = np.column_stack([np.array(mesh.x)[idx], np.array(mesh.y)[idx]])
            vals = np.array(self._vals, dtype=float).T[idx]
        else:
            pts, vals = self._combined_arrays()
        _, losses = generic_losses(self.loss_per_triangle, pts, vals)
        value = float(losses.max()) if len(losses) else _INF
        self._gcache = (key, value)
        return value

    # -------------------------------------------------------------- copy/state ---

    def _clone(self) -> Learner2D:
        other = object.__new__(Learner2D)
        d = dict(self.__dict__)
        for name, val in d.items():
            if isinstance(val, list):
                d[name] = [list(v) if isinstance(v, list) else v for v in val]
            elif isinstance(val, dict | set):
                d[name] = type(val)(val)
        mesh = object.__new__(Mesh2D)
        mesh.__dict__ = {
            k: (list(v) if isinstance(v, list) else v) for k, v in self._mesh.__dict__.items()
        }
        d["_mesh"] = mesh
        other.__dict__ = d
        return other

    def _get_data(self) -> dict[Point, Any]:
        # A copy: periodic saving pickles it in another thread while the runner keeps telling.
        return dict(self.data)

    def _set_data(self, data: dict[Any, Any]) -> None:
        if not data:
            return
        self.tell_many(list(data.keys()), list(data.values()))

    # ------------------------------------------------------------------- data ---

    def data_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Points and values told after the first ``start`` points, in the order told.

        A point told again (a new value) keeps its first place; ``data`` has the newest value.

        Parameters
        ----------
        start
            Number of points to skip (``0 <= start``; past the end gives empty arrays).

        Returns
        -------
        points, values
            Shape ``(k, 2)`` and ``(k,)`` (or ``(k, vdim)`` for vector output).
        """
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or start < 0:
            msg = f"start must be a non-negative int, got {start!r}."
            raise ValueError(msg)
        keys = self._told[start:]
        pts = np.array(keys, dtype=float).reshape(len(keys), 2)
        data = self.data
        if getattr(self, "_vec", False):
            vals = np.array([data[k] for k in keys], dtype=float).reshape(len(keys), self.vdim)
        else:
            vals = np.array([data[k] for k in keys], dtype=float).reshape(len(keys))
        return pts, vals

    def triangles(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The current triangulation of the evaluated points inside the bounds.

        Returns
        -------
        vertices, simplices
            ``vertices`` (m, 2) in the function's coordinates (it may hold pending and
            not-yet-evaluated corner points, which no simplex uses); ``simplices`` (t, 3),
            counter-clockwise indices into ``vertices`` of the triangles whose three vertices
            are evaluated. O(n) array conversion, no triangulation work.
        """
        verts = np.array(self._vkey, dtype=float).reshape(-1, 2)
        simp = np.array(self._mesh.tv, dtype=np.int64).reshape(-1, 3)
        real = np.array(self._vreal, dtype=bool)
        return verts, simp[real[simp].all(axis=1)]

    def _data_in_bounds(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        (x0, x1), (y0, y1) = self.bounds
        keys = [k for k in self.data if x0 <= k[0] <= x1 and y0 <= k[1] <= y1]
        pts = np.array(keys, dtype=float).reshape(len(keys), 2)
        vals = np.array([self.data[k] for k in keys], dtype=float).reshape(len(keys), self.vdim)
        return pts, vals

    def _scale(self, points: Any) -> np.ndarray[Any, Any]:
        return (np.asarray(points, dtype=float) - self.xy_mean) / self.xy_scale

    def _unscale(self, points: Any) -> np.ndarray[Any, Any]:
        return np.asarray(points, dtype=float) * self.xy_scale + self.xy_mean

    def interpolator(self, *, scaled: bool = False) -> LinearNDInterpolator:
        """A scipy ``LinearNDInterpolator`` of the evaluated data inside the bounds.

        Parameters
        ----------
        scaled
            If True, in the rescaled coordinates (bounds mapped to a square of side 1 centred
            at 0); else in the function's own coordinates.

        Returns
        -------
        scipy.interpolate.LinearNDInterpolator
        """
        pts, vals = self._data_in_bounds()
        if len(pts) < 3:
            msg = (
                f"The interpolator needs at least 3 evaluated points inside the bounds, the "
                f"learner has {len(pts)}; run the learner (or tell it points) first."
            )
            raise ValueError(msg)
        if scaled:
            pts = self._scale(pts)
        return LinearNDInterpolator(pts, vals)

    def ip(self) -> LinearNDInterpolator:
        """Deprecated: use ``learner.interpolator(scaled=True)``."""
        warnings.warn(
            "`learner.ip()` is deprecated, use `learner.interpolator(scaled=True)`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.interpolator(scaled=True)

    def interpolated_on_grid(
        self, n: int | None = None
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The linear interpolant on an ``n`` by ``n`` grid over the bounds.

        Parameters
        ----------
        n
            Points per axis; by default enough to resolve the smallest triangle (at least 10).

        Returns
        -------
        xs, ys, zs
            1D grids of x and y and the values, shape (n, n) (or (n, n, vdim)).
        """
        ip = self.interpolator(scaled=True)
        if n is None:
            smallest = float(areas(ip).min())
            n = max(int(0.658 / math.sqrt(smallest)) if smallest > 0 else 10, 10)
        # Stay a hair inside the rescaled square, so the bounds' edges are not outside the hull
        # through rounding.
        eps = 1e-13
        g = np.linspace(-0.5 + eps, 0.5 - eps, n)
        zs = ip(g[:, None], g[None, :] * self.aspect_ratio).squeeze()
        xs, ys = self._unscale(np.column_stack([g, g])).T
        return xs, ys, zs

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """The data sorted by (x, y), shape ``(npoints, 2 + vdim)``."""
        items = sorted(self.data.items())
        if not items:
            return np.empty((0, 2 + self.vdim))
        return np.array([(x, y, *np.atleast_1d(z)) for (x, y), z in items], dtype=float)

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
        z_name: str = "z",
    ) -> pandas.DataFrame:
        """The data as a ``pandas.DataFrame`` sorted by (x, y).

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        x_name, y_name, z_name
            Column names of the inputs and the output.

        Returns
        -------
        pandas.DataFrame
            With ``df.attrs["inputs"] == [x_name, y_name]`` and ``df.attrs["output"] == z_name``.
        """
        try:
            import pandas
        except ModuleNotFoundError as e:
            msg = "to_dataframe needs pandas: pip install pandas"
            raise ImportError(msg) from e
        rows = sorted((x, y, z) for (x, y), z in self.data.items())
        df = pandas.DataFrame(rows, columns=[x_name, y_name, z_name])
        df.attrs["inputs"] = [x_name, y_name]
        df.attrs["output"] = z_name
        if with_default_function_args:
            assign_defaults(self.function, df, function_prefix)
        return df

    def load_dataframe(  # type: ignore[override]
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
        z_name: str = "z",
    ) -> None:
        """Tell the learner the data of a DataFrame made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Bind the function's default-argument columns to ``learner.function``.
        function_prefix
            Prefix of those columns.
        x_name, y_name, z_name
            Column names used in ``to_dataframe``.
        """
        for name in (x_name, y_name, z_name):
            if name not in df.columns:
                msg = (
                    f"The DataFrame has no column {name!r} (columns: {list(df.columns)}); "
                    "pass x_name=/y_name=/z_name= as used in to_dataframe."
                )
                raise KeyError(msg)
        pts = list(zip(df[x_name].tolist(), df[y_name].tolist(), strict=True))
        self.tell_many(pts, list(df[z_name]))
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    # -------------------------------------------------------------------- plot ---

    def plot(self, n: int | None = None, tri_alpha: float = 0) -> holoviews.Overlay:
        """Plot the linear interpolant on a grid, optionally with the triangles.

        Parameters
        ----------
        n
            Grid points per axis (default: from the smallest triangle).
        tri_alpha
            Opacity of the triangle edges (0: hidden).

        Returns
        -------
        holoviews.Overlay
            ``Image * EdgePaths``; for vector output a ``HoloMap`` of images over the
            components, overlaid with the edges.
        """
        hv = holoviews_with_backend()
        (x0, x1), (y0, y1) = self.bounds
        lbrt = (x0, y0, x1, y1)
        if len(self._data_in_bounds()[0]) >= 4:
            ip = self.interpolator(scaled=True)
            _, _, z = self.interpolated_on_grid(n)
            if self.vdim > 1:
                im = hv.HoloMap(
                    {i: hv.Image(np.rot90(z[:, :, i]), bounds=lbrt) for i in range(z.shape[-1])}
                )
            else:
                im = hv.Image(np.rot90(z), bounds=lbrt)
            if tri_alpha:
                p = self._unscale(ip.tri.points[ip.tri.simplices])
                closed = np.pad(
                    p[:, [0, 1, 2, 0], :], ((0, 0), (0, 1), (0, 0)), constant_values=np.nan
                )
                tris = hv.EdgePaths([closed.reshape(-1, 2)])
            else:
                tris = hv.EdgePaths([])
        else:
            im = hv.Image([], bounds=lbrt)
            tris = hv.EdgePaths([])
        return im.opts(cmap="viridis") * tris.opts(line_width=0.5, alpha=tri_alpha, tools=[])

    # -------------------------------------------------------------- invariants ---

    def _check_invariants(self) -> None:
        """Assert the internal invariants (for tests; O(n))."""
        self._mesh.check()
        nv = self._mesh.nvertices
        assert len(self._vkey) == nv == len(self._vreal)
        for col in self._vals:
            assert len(col) == nv
        for v, k in enumerate(self._vkey):
            assert self._vid[k] == v
            assert self._vreal[v] == (k in self.data), f"vertex {k} real flag"
            if v >= 4:
                assert self._vreal[v] or k in self.pending_points
        for p in self.pending_points:
            assert p not in self.data
        for v in self._parent:
            assert self._vkey[v] in self.pending_points, f"parent loss of non-pending {v}"
        if self._kind is not None:
            assert len(self._tkey) == self._mesh.ntriangles
            fresh = self._clone()
            fresh._recompute_all_losses()
            for t in range(self._mesh.ntriangles):
                assert self._tkey[t] == fresh._tkey[t], f"triangle {t} loss is stale"
