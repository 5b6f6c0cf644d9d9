"""LearnerND: adaptive sampling of ``f: R^N -> R^M`` on an incremental Delaunay triangulation.

How it works
------------
The evaluated points inside the bounds are the vertices of a Delaunay triangulation
(:class:`~adaptive_nb.learner.triangulation.Triangulation`, in coordinates scaled to the unit
cube). Each simplex gets a loss from ``loss_per_simplex`` (by default the volume of the simplex
lifted onto the graph of the function), and ``ask`` splits the simplex of largest loss: at its
centroid when it is well shaped, else at the middle of its longest edge. A pending point (asked,
not told) subdivides the simplex it lies in; that simplex's loss is shared among the pieces in
proportion to their volume, so further asks spread out. The subdivision is deferred until an ask
actually reaches the simplex (its queue entry carries the whole simplex's loss, an upper bound of
its pieces', so the order of the asks is the same as with eager subdivision): in the common
ask(1)/tell loop the point is told before that, and the subdivision is never built.

Cost per point
--------------
A tell inserts the point with Bowyer-Watson from the simplex it was asked in (the point location
walks from a nearby simplex otherwise), and computes the losses of the new simplices only (the
default loss for all of them in one batched numpy call). Losses live in a binary heap with lazy
invalidation (an entry counts only while its simplex still exists with that very loss), and the
largest real loss in a second one, so ``ask`` and ``loss()`` are O(log n). When the range of the
values has grown by more than ``_recompute_losses_factor`` every loss is recomputed, amortised
O(1) per point, as in the reference library.

Determinism
-----------
The learner is a pure function of the sequence of calls: the same tells and asks in the same
order give the same points (no hash-order or clock dependence; the fallback random points use a
fixed seed). ``ask(n, tell_pending=False)`` leaves the learner unchanged. ``save``/``load``,
pickling and ``copy_from`` keep the order of the told points and replay it, so a restored learner
asks the same next points. What is *not* guaranteed is independence of the tell order: on
degenerate input (points on a common sphere, e.g. a grid) several Delaunay meshes are valid and
which one is built depends on the insertion order, as in the reference library.

Bad input
---------
Points with the wrong number of coordinates or with NaN/inf coordinates, and values whose shape
differs from earlier ones, raise a ``ValueError`` naming the point before anything is stored.
Points outside the bounds are kept in ``data`` (as in the reference) but take no part in the
mesh. NaN or inf values are stored; the value scale is taken from the finite values, and a
simplex touching a non-finite value (or whose loss is not finite) gets its scaled volume as
loss, so that region is sampled uniformly. The mesh is never left half-updated.

Modules
-------
This module holds the mesh, the losses and the asks. Beside it: ``_boundsnd`` (the domain),
``_pendingnd`` (pending points and the deferred subdivision), ``_queuend`` (the queue's entries
and their ranking), ``_lossnd`` (the loss functions), ``_datand`` (data and dataframes) and
``_plotnd`` (plots).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner._boundsnd import parse_bounds
from adaptive_nb.learner._datand import DataMixin
from adaptive_nb.learner._lossnd import (
    choose_point_in_simplex,
    choose_point_scaled,
    curvature_loss_function,
    default_loss,
    default_loss_batch,
    orientation,
    std_loss,
    to_list,
    triangle_loss,
    uniform_loss,
    volume,
)
from adaptive_nb.learner._pendingnd import PendingMixin
from adaptive_nb.learner._plotnd import PlotMixin, ensure_plotly
from adaptive_nb.learner._queuend import LAZY, REAL, QueueEntry, Simplex, priority
from adaptive_nb.learner.base_learner import BaseLearner, check_n, uses_nth_neighbors
from adaptive_nb.learner.triangulation import (
    Triangulation,
    circumsphere,
    fast_det,
    point_in_simplex,
    simplex_volume_in_embedding,
)

# The geometry helpers and uses_nth_neighbors are importable from here too, as from the
# reference's module (user losses import them from learnerND).
__all__ = [
    "LearnerND",
    "Triangulation",
    "choose_point_in_simplex",
    "circumsphere",
    "curvature_loss_function",
    "default_loss",
    "ensure_plotly",
    "fast_det",
    "orientation",
    "point_in_simplex",
    "simplex_volume_in_embedding",
    "std_loss",
    "to_list",
    "triangle_loss",
    "uniform_loss",
    "uses_nth_neighbors",
    "volume",
]

_BACKENDS = ("auto", "python", "rust")  # the reference's names, accepted and ignored


# misc: the dataframe methods of DataMixin take other keyword arguments than BaseLearner's.
class LearnerND(DataMixin, PlotMixin, PendingMixin, BaseLearner):  # type: ignore[misc]
    """Learns and predicts a function ``f: R^N -> R^M`` (N >= 2).

    Parameters
    ----------
    func
        The function to learn; takes a tuple of N floats, returns a number or an array of M.
    bounds
        ``[(a_1, b_1), ..., (a_N, b_N)]``, one pair per dimension, or a
        ``scipy.spatial.ConvexHull`` of the domain.
    loss_per_simplex
        ``loss(simplex, values, value_scale)`` (or, tagged ``uses_nth_neighbors(1)``, also
        ``neighbors, neighbor_values``) returning a simplex's loss; default :func:`default_loss`.
    anisotropic
        Stretch the simplices along the local gradient when choosing a new point (scalar output).
    triangulation_backend
        Accepted for compatibility with the reference library (``"auto"``, ``"python"``,
        ``"rust"`` or a class): adaptive_nb always uses its own triangulation, which is faster
        than either of the reference's (see :mod:`adaptive_nb.learner.triangulation` for why).

    Attributes
    ----------
    data : dict
        ``{point: value}`` in tell order.
    pending_points : set
        Points asked for but not told yet.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        bounds: Any,
        loss_per_simplex: Callable[..., float] | None = None,
        *,
        anisotropic: bool = False,
        triangulation_backend: Any = "auto",
    ) -> None:
        if not (isinstance(triangulation_backend, type) or triangulation_backend in _BACKENDS):
            msg = (
                f"Invalid triangulation_backend {triangulation_backend!r}: use 'auto', 'python', "
                "'rust' or a class (adaptive_nb uses its own triangulation for all of them)."
            )
            raise ValueError(msg)
        self.loss_per_simplex: Callable[..., float] = loss_per_simplex or default_loss
        nth = getattr(self.loss_per_simplex, "nth_neighbors", 0)
        if nth > 1:
            msg = (
                "LearnerND losses may look at the direct neighbours only (uses_nth_neighbors(0) "
                f"or (1)); this loss asks for nth_neighbors={nth}."
            )
            raise NotImplementedError(msg)
        self.nth_neighbors: int = nth
        self.bounds = bounds
        self._bounds_points, self._bbox, self._interior = parse_bounds(bounds)
        self.ndim = len(self._bbox)
        if self.ndim < 2:
            msg = "LearnerND needs at least 2 dimensions; use Learner1D for one variable."
            raise ValueError(msg)
        self.function = func
        self.anisotropic = anisotropic
        self.data: dict[tuple[Any, ...], Any] = {}
        self.pending_points: set[tuple[float, ...]] = set()
        self._order: list[tuple[Any, ...]] = []  # told points, in tell order (data_since)
        self._vdim: int | None = None
        self._vshape: tuple[int, ...] | None = None
        self._tri: Triangulation | None = None
        self._vvals: list[tuple[float, ...]] = []  # value of each vertex of `_tri`
        # Row i: vertex i's scaled coordinates, then its value(s); a buffer that doubles, so
        # the losses of new simplices gather their corners with one fancy index.
        self._rows: np.ndarray[Any, Any] = np.empty((0, 0))
        self._nrows = 0
        self._losses: dict[Simplex, float] = {}
        self._queue: list[QueueEntry] = []
        self._loss_heap: list[tuple[float, Simplex]] = []
        self._pending_to_simplex: dict[tuple[float, ...], Simplex] = {}
        self._subtriangulations: dict[Simplex, Triangulation] = {}
        self._sublosses: dict[Simplex, dict[Simplex, float]] = {}
        self._lazy: dict[Simplex, list[tuple[float, ...]]] = {}  # pending, not yet subdivided
        self._unplaced: set[tuple[float, ...]] = set()  # pending, outside the mesh's hull so far
        self._transform = np.linalg.inv(np.diag(np.diff(self._bbox).flat))
        self._scale_diag: list[float] = np.diag(self._transform).tolist()
        self._min_value: float | None = None
        self._max_value: float | None = None
        self._old_scale: float = 1.0
        self._output_multiplier: float = 1.0
        self._recompute_losses_factor = 1.1
        self._random = random.Random(1)

    def new(self) -> LearnerND:
        """Return a new, empty learner with the same function, bounds and loss."""
        return LearnerND(
            self.function, self.bounds, self.loss_per_simplex, anisotropic=self.anisotropic
        )

    # -- public state ---------------------------------------------------------------------------

    @property
    def npoints(self) -> int:
        """Number of evaluated points (including any told outside the bounds)."""
        return len(self.data)

    @property
    def vdim(self) -> int:
        """Length of the function's output (1 for scalars, and while nothing is known)."""
        return self._vdim if self._vdim is not None else 1

    @property
    def tri(self) -> Triangulation | None:
        """The triangulation of the evaluated points inside the bounds.

        None until N + 1 of them span a simplex.
        """
        return self._tri

    @property
    def points(self) -> np.ndarray[Any, Any]:
        """The evaluated points, shape (npoints, N), in tell order."""
        return np.array(list(self.data.keys()), dtype=float).reshape(-1, self.ndim)

    @property
    def values(self) -> np.ndarray[Any, Any]:
        """The values at ``points``, shape (npoints,) or (npoints, M)."""
        return np.array(list(self.data.values()), dtype=float)

    @property
    def bounds_are_done(self) -> bool:
        """Whether every corner of the bounds has been evaluated."""
        return all(p in self.data for p in self._bounds_points)

    def inside_bounds(self, point: Sequence[float]) -> bool:
        """Return whether ``point`` lies in the domain (with a tolerance of 1e-8)."""
        if self._interior is not None:
            return bool(self._interior.find_simplex(point, tol=1e-8) >= 0)
        eps = 1e-8
        return all(
            (lo - eps) <= p <= (hi + eps) for p, (lo, hi) in zip(point, self._bbox, strict=True)
        )

    # -- telling --------------------------------------------------------------------------------

    def _check_point(self, point: Any) -> tuple[Any, ...]:
        try:
            p = tuple(point)
            if any(isinstance(c, str | bytes) for c in p):  # float("0.5") would take them
                raise TypeError
            coords = [float(c) for c in p]
        except (TypeError, ValueError):
            msg = f"LearnerND point must be a sequence of {self.ndim} numbers, got {point!r}."
            raise ValueError(msg) from None
        if len(p) != self.ndim:
            msg = f"Point {p} has {len(p)} coordinates; this learner has {self.ndim} dimensions."
            raise ValueError(msg)
        if not all(math.isfinite(c) for c in coords):
            msg = f"Point {p} has a NaN or infinite coordinate."
            raise ValueError(msg)
        return p

    def _check_value(self, point: tuple[Any, ...], value: Any) -> tuple[float, ...]:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            msg = f"The value at {point} must be a number or an array of numbers, got {value!r}."
            raise ValueError(msg) from None
        if arr.ndim > 1:
            msg = (
                f"The value at {point} has shape {arr.shape}; LearnerND needs scalars or 1D arrays."
            )
            raise ValueError(msg)
        if self._vshape is not None and arr.shape != self._vshape:
            msg = (
                f"The value at {point} has shape {arr.shape}, but earlier values have shape "
                f"{self._vshape}; the function must always return the same shape."
            )
            raise ValueError(msg)
        return tuple(arr.ravel().tolist())

    def tell(self, point: Any, value: Any) -> None:
        """Tell the learner the value of the function at ``point``.

        Parameters
        ----------
        point
            N coordinates.
        value
            The function's value there (None marks the point as pending, as in the reference).
        """
        p = self._check_point(point)
        if p in self.data:
            return
        if value is None:
            self.tell_pending(p)
            return
        vals = self._check_value(p, value)
        if self._vshape is None:
            self._vshape = np.shape(value)
            self._vdim = len(vals) if self._vshape else 1
        self.pending_points.discard(p)
        self._unplaced.discard(p)
        hint = self._pending_to_simplex.pop(p, None)
        self.data[p] = value
        self._order.append(p)
        if not self.inside_bounds(p):
            return
        rescaled = self._update_range(vals)
        tri = self._tri
        if tri is None:
            self._try_build_tri()
            return
        if hint is not None and hint not in tri.simplices:
            hint = None
        inserted = self._insert(p, hint)
        if inserted is not None:
            self._vvals.append(vals)
            self._add_row(tri._tcoords[-1], vals)
            self._update_losses(*inserted)
        if rescaled:
            self._recompute_all_losses()

    def _insert(
        self, p: tuple[Any, ...], hint: Simplex | None
    ) -> tuple[set[Simplex], set[Simplex]] | None:
        """Add a told point to the mesh; return the deleted and added simplices.

        None if it cannot be added (a duplicate within 1e-8 of a vertex, or degenerate input):
        the point is then kept in ``data`` only and the mesh is unchanged.
        """
        tri = self._tri
        assert tri is not None
        for simplex in (hint, None) if hint is not None else (None,):
            try:
                return tri.add_point(p, simplex, transform=self._transform)
            except ValueError:
                continue
        return None

    # -- losses ---------------------------------------------------------------------------------

    def _add_row(self, tcoords: tuple[float, ...], vals: tuple[float, ...]) -> None:
        if self._nrows == len(self._rows):
            grown = np.empty((2 * len(self._rows) + 8, self._rows.shape[1]))
            grown[: self._nrows] = self._rows
            self._rows = grown
        self._rows[self._nrows] = (*tcoords, *vals)
        self._nrows += 1

    def _compute_losses(self, simplices: Sequence[Simplex]) -> list[float]:
        tri = self._tri
        assert tri is not None
        if not simplices:
            return []
        rows = self._rows[np.array(simplices)]
        xs = rows[:, :, : self.ndim]
        ys = rows[:, :, self.ndim :] * self._output_multiplier
        with np.errstate(all="ignore"):  # non-finite values are handled below
            if self.loss_per_simplex is default_loss:
                losses = default_loss_batch(xs, ys)
            else:
                losses = [self._call_loss(s, xs[k], ys[k]) for k, s in enumerate(simplices)]
        finite: list[bool] = np.all(np.isfinite(ys), axis=(1, 2)).tolist()
        result = []
        for k, loss in enumerate(losses):
            if not (finite[k] and math.isfinite(loss)):
                loss = volume(xs[k])  # noqa: PLW2901 - uniform fallback, see module docstring
            result.append(float(loss))
        return result

    def _call_loss(self, s: Simplex, xs: np.ndarray[Any, Any], ys: np.ndarray[Any, Any]) -> float:
        values = ys[:, 0] if self._vshape == () else ys
        if self.nth_neighbors == 0:
            loss = self.loss_per_simplex(xs, values, self._output_multiplier)
        else:
            tri = self._tri
            assert tri is not None
            opposite = tri.get_opposing_vertices(s)
            mult = self._output_multiplier
            npts: list[Any] = []
            nvals: list[Any] = []
            for v in opposite:
                if v is None:
                    npts.append(None)
                    nvals.append(None)
                    continue
                npts.append(np.asarray(tri._tcoords[v]))
                val = np.asarray(self._vvals[v]) * mult
                nvals.append(val[0] if self._vshape == () else val)
            loss = self.loss_per_simplex(xs, values, mult, npts, nvals)
        return float(np.asarray(loss).item())

    def _push_real(self, simplices: Sequence[Simplex], losses: Sequence[float]) -> None:
        for s, loss in zip(simplices, losses, strict=True):
            self._losses[s] = loss
            heapq.heappush(self._loss_heap, (-loss, s))
            if s in self._lazy:
                heapq.heappush(self._queue, (priority(loss), s, LAZY, loss))
            if s in self._subtriangulations:
                sub = self._subtriangulations[s]
                self._sublosses[s] = {}
                self._push_sublosses(s, sorted(sub.simplices))
            elif s not in self._lazy:
                heapq.heappush(self._queue, (priority(loss), s, REAL, loss))

    def _update_losses(self, deleted: set[Simplex], added: set[Simplex]) -> None:
        tri = self._tri
        assert tri is not None
        unbound: set[tuple[float, ...]] = set()
        for s in deleted:
            self._losses.pop(s, None)
            self._sublosses.pop(s, None)
            sub = self._subtriangulations.pop(s, None)
            if sub is not None:
                unbound.update(p for p in sub.vertices if p in self.pending_points)
            unbound.update(p for p in self._lazy.pop(s, ()) if p in self.pending_points)
        new = sorted(added)
        self._push_real(new, self._compute_losses(new))
        # Pending points outside the hull may be inside now that the hull has grown.
        unbound.update(self._unplaced)
        for p in sorted(unbound):
            homes = [s for s in new if tri.point_in_simplex(p, s)]
            if homes:
                self._unplaced.discard(p)
            for s in homes:
                self._defer_pending(p, s)
        if self.nth_neighbors:
            around: set[Simplex] = set()
            for s in new:
                for i in range(len(s)):
                    nb = tri._neighbor(s, s[:i] + s[i + 1 :])
                    if nb is not None and nb not in added:
                        around.add(nb)
            changed = sorted(around)
            self._push_real(changed, self._compute_losses(changed))
        self._compact_heaps()

    def _compact_heaps(self) -> None:
        # Lazy invalidation leaves dead entries behind; rebuild when they outnumber live ones.
        live = len(self._losses) + sum(len(v) for v in self._sublosses.values()) + len(self._lazy)
        if len(self._queue) > 4 * live + 64:
            self._queue = [e for e in self._queue if self._entry_is_live(e)]
            heapq.heapify(self._queue)
        if len(self._loss_heap) > 4 * len(self._losses) + 64:
            self._loss_heap = [e for e in self._loss_heap if self._losses.get(e[1]) == -e[0]]
            heapq.heapify(self._loss_heap)

    def _entry_is_live(self, entry: QueueEntry) -> bool:
        _, s, ss, loss = entry
        if ss == REAL:
            return (
                s not in self._subtriangulations
                and s not in self._lazy
                and self._losses.get(s) == loss
            )
        if ss == LAZY:
            return s in self._lazy and self._losses.get(s) == loss
        store = self._sublosses.get(s)
        return store is not None and store.get(ss) == loss

    def _recompute_all_losses(self) -> None:
        tri = self._tri
        if tri is None:
            return
        # In bulk (lists + heapify): this runs each time the value range has grown by 10%.
        # Heap order is total (ties broken by simplex), so the iteration order does not matter.
        simplices = list(tri.simplices)
        losses = self._compute_losses(simplices)
        self._losses = dict(zip(simplices, losses, strict=True))
        self._loss_heap = [(-loss, s) for s, loss in zip(simplices, losses, strict=True)]
        heapq.heapify(self._loss_heap)
        divided = self._lazy.keys() | self._subtriangulations.keys()
        self._queue = [
            (-round(loss, 8), s, REAL, loss)
            for s, loss in zip(simplices, losses, strict=True)
            if s not in divided
        ]
        heapq.heapify(self._queue)
        for s in sorted(divided):
            loss = self._losses[s]
            if s in self._lazy:
                heapq.heappush(self._queue, (priority(loss), s, LAZY, loss))
            if s in self._subtriangulations:
                self._sublosses[s] = {}
                self._push_sublosses(s, sorted(self._subtriangulations[s].simplices))

    def _update_range(self, vals: tuple[float, ...]) -> bool:
        """Widen the value range; return whether all losses must be recomputed."""
        finite = [v for v in vals if math.isfinite(v)]
        if not finite:
            return False
        lo, hi = min(finite), max(finite)
        if self._min_value is None or self._max_value is None:
            self._min_value, self._max_value = lo, hi
            self._old_scale = (hi - lo) or 1.0
            return False
        self._min_value = min(self._min_value, lo)
        self._max_value = max(self._max_value, hi)
        scale = self._max_value - self._min_value
        multiplier = 1 / (scale or 1)
        # Do not scale when float round-off, amplified by the scaling, would exceed 1e-2.
        largest = max(abs(self._min_value), abs(self._max_value))
        if 1e-15 * largest * multiplier > 1e-2:
            multiplier = 1.0
        self._output_multiplier = multiplier
        if scale / self._old_scale > self._recompute_losses_factor:
            self._old_scale = scale
            return True
        return False

    def _try_build_tri(self) -> None:
        inside = [p for p in self.data if self.inside_bounds(p)]
        if len(inside) < self.ndim + 1:
            return
        try:
            tri = Triangulation(inside)
        except ValueError:  # all points in one hyperplane so far
            return
        tri._set_transform(self._transform)
        self._tri = tri
        self._vvals = [self._check_value(p, self.data[p]) for p in inside]
        self._rows = np.array([(*t, *v) for t, v in zip(tri._tcoords, self._vvals, strict=True)])
        self._nrows = len(self._vvals)
        self._recompute_all_losses()
        for p in sorted(self.pending_points):
            homes = self._simplices_containing_point(p, None)
            if not homes:
                self._unplaced.add(p)
            for s in homes:
                self._defer_pending(p, s)

    def loss(self, real: bool = True) -> float:
        """Return the largest loss of a simplex (inf until there is a triangulation).

        Parameters
        ----------
        real
            Accepted for compatibility; the loss of the real simplices is returned either way.
        """
        heap = self._loss_heap
        losses = self._losses
        while heap and losses.get(heap[0][1]) != -heap[0][0]:
            heapq.heappop(heap)
        if self._tri is None or not heap:
            return math.inf
        return -heap[0][0]

    # -- asking ---------------------------------------------------------------------------------

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Any], list[float]]:
        """Return ``n`` points expected to reduce the loss the most, and their losses.

        Parameters
        ----------
        n
            Number of points, ``n >= 0``.
        tell_pending
            Mark the points as pending (default). With False the learner is not changed.
        """
        n = check_n(n)
        if n == 0:
            return [], []
        if tell_pending:
            return self._ask_many(n)
        saved = self._pending_state()
        hint = None if self._tri is None else self._tri._hint  # where the next walk starts
        try:
            return self._ask_many(n)
        finally:
            self._random.setstate(saved.pop("_random_state"))
            self.__dict__.update(saved)
            if self._tri is not None and hint is not None:
                self._tri._hint = hint

    def _ask_many(self, n: int) -> tuple[list[Any], list[float]]:
        points: list[Any] = []
        losses: list[float] = []
        for _ in range(n):
            p, loss = self._ask_one()
            points.append(p)
            losses.append(loss)
        return points, losses

    def _ask_one(self) -> tuple[Any, float]:
        for p in self._bounds_points:
            if p not in self.data and p not in self.pending_points:
                self.tell_pending(p)
                return p, math.inf
        if self._tri is None:
            lo = np.array([b[0] for b in self._bbox])
            width = np.array([b[1] - b[0] for b in self._bbox])
            while True:
                r = np.array([self._random.random() for _ in range(self.ndim)])
                p = tuple((r * width + lo).tolist())
                if self.inside_bounds(p):
                    self.tell_pending(p)
                    return p, math.inf
        return self._ask_best_point()

    def _ask_best_point(self) -> tuple[tuple[float, ...], float]:
        tri = self._tri
        assert tri is not None
        while self._queue:
            entry = heapq.heappop(self._queue)
            if not self._entry_is_live(entry):
                continue
            _, s, ss, loss = entry
            if ss == LAZY:
                self._expand(s)
                continue
            owner = tri if ss == REAL else self._subtriangulations[s]
            corners = [owner.vertices[i] for i in (s if ss == REAL else ss)]
            if self.anisotropic:
                transform = self.get_local_transform_matrix(s)
                p = tuple(choose_point_in_simplex(corners, transform=transform).tolist())
            else:
                p = choose_point_scaled(corners, self._scale_diag)
            if p in self.data or p in self.pending_points:
                continue
            self.tell_pending(p, simplex=s)
            return p, abs(loss)
        msg = "LearnerND found no simplex to split although it has a triangulation (a bug)."
        raise RuntimeError(msg)

    def get_local_transform_matrix(self, simplex: Simplex | None) -> np.ndarray[Any, Any]:
        """Return the matrix that maps points into the space where new points are chosen.

        The scaling to the unit cube, followed (with ``anisotropic=True``) by a stretch along
        the gradient of a linear fit to the values around ``simplex``.
        """
        scale = self._transform
        tri = self._tri
        if simplex is None or tri is None or not self.anisotropic:
            return scale
        if self.vdim > 1:
            msg = "anisotropic=True only works for functions with scalar output."
            raise ValueError(msg)
        around = set().union(*(tri.vertex_to_simplices[i] for i in simplex))
        indices = sorted(set().union(*around))
        pts = np.array([tri.vertices[i] for i in indices]) @ scale
        vals = np.array([self._vvals[i][0] for i in indices])
        ok = np.isfinite(vals)
        design = np.hstack([pts[ok], np.ones((int(ok.sum()), 1))])
        fit = np.linalg.lstsq(design, vals[ok], rcond=None)[0]
        gradient = fit[:-1]
        magnitude = float(np.linalg.norm(gradient))
        if np.isclose(magnitude, 0):
            return scale
        g = (gradient / magnitude)[None, :]
        stretch = g.T @ g * (math.sqrt(magnitude**2 + 1) - 1) + np.eye(self.ndim)
        return (stretch @ scale).T  # type: ignore[no-any-return]

    # -- data in and out ------------------------------------------------------------------------

    def _get_data(self) -> dict[tuple[Any, ...], Any]:
        # In tell order: loading replays the tells in this order, so the same mesh is rebuilt.
        return {p: self.data[p] for p in self._order}

    def _set_data(self, data: Any) -> None:
        if isinstance(data, dict) and "_bbox" in data and "data" in data:
            data = data["data"]  # the state dict the reference library's LearnerND saves
        if not isinstance(data, dict):
            msg = f"LearnerND data must be a dict {{point: value}}, got {type(data).__name__}."
            raise TypeError(msg)
        for p, v in data.items():
            self.tell(p, v)
