"""Learner2D: adaptive sampling of ``f: R^2 -> R^N`` on a rectangle, with local updates.

How it works
------------
Points are rescaled so the bounds become a square of side 1 centred at 0 (divided by
``xy_scale``, as in the reference library). The four corners are asked first. All evaluated and
pending points inside the bounds are vertices of one Delaunay triangulation of the rectangle
(:mod:`adaptive_nb.learner._mesh2d`; the module docstring says why it is ours). Each triangle has
a loss and lives in a binary heap; ``ask`` takes the triangle with the largest loss and proposes
its circumcentre if it is clearly acute, else a point near the midpoint of its longest edge
(the reference takes the centroid unless the triangle is very skinny; circumcentres keep the
triangles better shaped, which lowers the interpolation error at equal N; see
:func:`~adaptive_nb.learner._loss2d._place`), and inserts that point into the
triangulation as *pending*, with a value interpolated linearly from the triangle; the triangles
it touches get new losses, so the next ``ask`` already knows about it. A tell replaces the
provisional value with the real one and refreshes the same triangles. Nothing global is ever
recomputed, except when the value scale of the data changes (rarely: see
:mod:`adaptive_nb.learner._loss2d`).

The built-in losses (``default_loss``, ``uniform_loss``, ``minimize_triangle_surface_loss``,
``resolution_loss_function(...)`` and ``thresholded_loss_function(...)``) have local equivalents,
and so does the opt-in ``interpolation_error_loss`` (an estimate of each triangle's
interpolation error from the gradient jumps across its edges; not in the reference).
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

import itertools
import math
import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._data1d import _as_lists, _as_y
from adaptive_nb.learner._dataframe import (
    finish_frame,
    import_pandas,
    partial_function_from_dataframe,
    require_columns,
)
from adaptive_nb.learner._learner2d_views import Learner2DViews
from adaptive_nb.learner._loss2d import _place
from adaptive_nb.learner._loss2d_ip import (
    _choose,
    _local_kind,
    areas,
    choose_point_in_triangle,
    default_loss,
    deviations,
    generic_losses,
    interpolation_error_loss,
    interpolation_error_loss_function,
    minimize_triangle_surface_loss,
    resolution_loss_function,
    thresholded_loss_function,
    triangle_loss,
    uniform_loss,
)
from adaptive_nb.learner._lossmesh2d import LossMesh2D
from adaptive_nb.learner.base_learner import BaseLearner

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Learner2D",
    "areas",
    "choose_point_in_triangle",
    "default_loss",
    "deviations",
    "interpolation_error_loss",
    "interpolation_error_loss_function",
    "minimize_triangle_surface_loss",
    "resolution_loss_function",
    "thresholded_loss_function",
    "triangle_loss",
    "uniform_loss",
]

_INF = math.inf
Point = tuple[float, float]

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


class Learner2D(Learner2DViews, BaseLearner):
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

    def _reset_mesh(self) -> None:
        """Start an empty triangulation of the bounds (corners only); data is not re-added."""
        scale = self.xy_scale
        self._mesh_aspect = self.aspect_ratio
        self._kind = _local_kind(self.loss_per_triangle)
        self._lm = LossMesh2D(
            self._bounds_points,
            (float(self.xy_mean[0]), float(self.xy_mean[1])),
            (float(scale[0]), float(scale[1])),
            self._kind,
            self._vdim or 1,
        )
        self._gstack: list[tuple[Point, float]] = []
        self._gcache: tuple[Any, ...] | None = None
        self._version = 0

    def _rebuild(self) -> None:
        """Triangulate all data and pending points inside the bounds at once."""
        self._reset_mesh()
        lm = self._lm
        (x0, x1), (y0, y1) = self.bounds
        keys = [k for k in self.data if x0 <= k[0] <= x1 and y0 <= k[1] <= y1]
        keys += [k for k in self.pending_points if k not in self.data]
        self._lm = LossMesh2D.build(
            self._bounds_points, lm.mean, lm.scale, self._kind, keys, self.data, lm.ncomp
        )

    # -------------------------------------------------------------------- tell ---

    def _checked_value(self, point: Point, value: Any) -> tuple[Any, list[float]]:
        try:
            stored, yi = _as_y(value)
        except (TypeError, ValueError) as e:
            msg = f"Bad value for point {point!r}: {e}"
            raise type(e)(msg) from None
        comps = [float(yi)] if isinstance(yi, float) else list(yi)
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
        self._lm.set_ncomp(len(comps))  # no values yet: every provisional value is zero

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
        lm = self._lm
        v = lm.vid.get(key)
        if v is None:
            v = lm.insert(key, lm.mesh.last)
            if v is None:
                return
        self.pending_points.discard(key)
        lm.set_real(v, comps, replaced=old)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many points at once; all are checked before any is stored.

        Parameters
        ----------
        xs
            Points ``(x, y)``.
        ys
            Their values, in the same order.
        """
        xs, ys = _as_lists(xs, ys)
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
        if len(checked) < max(64, len(self._lm.vkey) // 4):
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
        if len(xs) < max(64, len(self._lm.vkey) // 4) or self._vec:
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
        if key not in self._lm.vid:
            self._lm.insert(key, hint)

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
        lm = self._lm
        skipped: list[Any] = []
        while len(points) < n:
            entry = lm.top()
            if entry is None:
                break
            p = self._point_in(entry)
            if p in self.data or p in self.pending_points or p in lm.vid:
                # The triangle is at the resolution of floats: set it aside for this call.
                skipped.append(lm.pop_top())
                continue
            self._tell_pending(p, hint=entry[-1])
            points.append(p)
            improvements.append(-entry[0])
        lm.push_back(skipped)
        return points, improvements

    def _point_in(self, entry: Any) -> Point:
        _, ax, ay, bx, by, cx, cy, _t = entry
        mx, my = self._lm.mesh.x, self._lm.mesh.y  # vertices 0 and 3: opposite corners
        return self._unscaled_in_bounds(
            *_place(ax, ay, bx, by, cx, cy, (mx[0], mx[3], my[0], my[3]))
        )

    def _unscaled_in_bounds(self, sx: float, sy: float) -> Point:
        (x0, x1), (y0, y1) = self.bounds
        x, y = self._lm.unscale_xy(sx, sy)
        return (max(x0, min(x1, x)), max(y0, min(y1, y)))

    def _check_aspect(self) -> None:
        if (
            self.aspect_ratio != self._mesh_aspect
            or _local_kind(self.loss_per_triangle) != self._kind
        ):
            self._rebuild()

    def _combined_arrays(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Scaled points and values of data in bounds plus pending points (interpolated)."""
        lm = self._lm
        pend = self.pending_points
        idx = [i for i, k in enumerate(lm.vkey) if lm.vreal[i] or k in pend]
        pts = np.column_stack([np.array(lm.mesh.x)[idx], np.array(lm.mesh.y)[idx]])
        vals = np.array(lm.vals, dtype=float).T[idx]
        if not self.bounds_are_done:  # as the reference: no interpolation without corners
            vals = np.where(np.array(lm.vreal)[idx][:, None], vals, 0.0)
        return pts, vals

    def _fill_generic_stack(self, k: int) -> None:
        pts, vals = self._combined_arrays()
        tris, losses = generic_losses(self.loss_per_triangle, pts, vals)
        order = np.argsort(-losses, kind="stable")[:k]
        stack = []
        for j in order.tolist():
            (ax, ay), (bx, by), (cx, cy) = tris[j].tolist()
            # A user's loss gets the reference's placement (centroid unless the triangle is a
            # sliver): such losses were written and tuned with it, and it keeps the runner's
            # first points off the domain's centre, as in the reference (a function singular
            # there, like the custom-loss tutorial's, is never evaluated at it).
            p = self._unscaled_in_bounds(*_choose(ax, ay, bx, by, cx, cy, 5))
            stack.append((p, float(losses[j])))
        self._gstack = stack

    # -------------------------------------------------------------------- loss ---

    def loss(self, real: bool = True) -> float:
        """Return the largest triangle loss (infinite until the four corners are evaluated).

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
        return self._lm.loss(real)

    def _generic_loss(self, real: bool) -> float:
        key = (self._version, real)
        if self._gcache is not None and self._gcache[0] == key:
            return float(self._gcache[1])
        if real:
            lm = self._lm
            idx = [i for i, r in enumerate(lm.vreal) if r]
            pts = np.column_stack([np.array(lm.mesh.x)[idx], np.array(lm.mesh.y)[idx]])
            vals = np.array(lm.vals, dtype=float).T[idx]
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
            if isinstance(val, list | dict | set):
                d[name] = type(val)(val)
        d["_lm"] = self._lm.clone()
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
        """Return the current triangulation of the evaluated points inside the bounds.

        Returns
        -------
        vertices, simplices
            ``vertices`` (m, 2) in the function's coordinates (it may hold pending and
            not-yet-evaluated corner points, which no simplex uses); ``simplices`` (t, 3),
            counter-clockwise indices into ``vertices`` of the triangles whose three vertices
            are evaluated. O(n) array conversion, no triangulation work.
        """
        return self._lm.triangles()

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
        z_name: str = "z",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame`` sorted by (x, y).

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
        pandas = import_pandas("to_dataframe")
        rows = sorted((x, y, z) for (x, y), z in self.data.items())
        df = pandas.DataFrame(rows, columns=[x_name, y_name, z_name])
        function = self.function if with_default_function_args else None
        return finish_frame(df, [x_name, y_name], z_name, function, function_prefix)

    def load_dataframe(  # type: ignore[override]  # noqa: PLR0917  (the reference's API)
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
        require_columns(
            df, (x_name, y_name, z_name), "pass x_name=/y_name=/z_name= as used in to_dataframe"
        )
        pts = list(zip(df[x_name].tolist(), df[y_name].tolist(), strict=True))
        self.tell_many(pts, list(df[z_name]))
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    # -------------------------------------------------------------- invariants ---

    def _check_invariants(self) -> None:
        """Assert the internal invariants (for tests; O(n))."""
        lm = self._lm
        lm.check()
        for v, k in enumerate(lm.vkey):
            assert lm.vreal[v] == (k in self.data), f"vertex {k}: evaluated flag is wrong"
            if v >= 4:
                assert lm.vreal[v] or k in self.pending_points, f"vertex {k} is neither"
        for p in self.pending_points:
            assert p not in self.data, f"{p} is both pending and evaluated"
            assert p in lm.vid or not self.inside_bounds(p), f"pending {p} is not meshed"
        assert set(lm.parent) <= {lm.vid[p] for p in self.pending_points if p in lm.vid}
