"""Learner1D: adaptive sampling of ``f: R -> R^N`` with O(log n) work per point.

How it works
------------
The domain is cut into *intervals* between neighbouring evaluated ("real") points. Each interval
gets a loss from ``loss_per_interval`` (by default the length of the segment in the rescaled
x-y plane), and ``ask`` splits the intervals with the largest losses. Pending points (asked but
not yet told) cut the real intervals into *combined* intervals; a combined interval inside the
real interval ``(l, r)`` carries the share ``(b - a) / (r - l)`` of that interval's loss, and one
outside the hull of the real points carries an infinite loss.

This module holds the learner's state and how points come in (tell, tell_pending,
remove_unfinished, pickling). Its parts, each a private module beside it whose public names are
re-exported here under the reference library's names:

* ``_ask1d.py``: choosing points (``ask``) and the learner's ``loss()``;
* ``_update1d.py``: keeping the interval entries equal to the losses (the intervals a tell
  changes, and the full rescale);
* ``_interval_index.py``: the points, their neighbours and the intervals ranked by loss
  (O(log n) per point, where the reference's sorted dicts cost more), and the rank rule;
* ``_loss1d.py``: the loss functions, the check of a user's loss, and the evaluation of the
  learner's interval losses;
* ``_bulk1d.py``: ``tell_many`` of many points (checked as a batch, rebuilt in O(n log n));
* ``_data1d.py``: checking what users pass, and views of the told data (``data_since``,
  ``to_numpy``, ``to_dataframe``, ``plot``, ...);
* ``_state1d.py``: the state as plain values, and the invariant check the tests run.

The parts that touch the learner's hot state are base classes of Learner1D rather than objects
it holds, so that the hot paths read every attribute with one lookup.

A told point changes only the losses of the ``2 + 2 * nth_neighbors`` intervals around it, except
when the y-range of the data has grown by more than ``_recompute_losses_factor`` since the last
full rescale: then every loss is recomputed (O(n), amortised as in the reference library).

Ranking and point placement follow the reference library (adaptive 1.5) exactly, so both choose
the same points for the same calls: losses are ranked after rounding to 12 digits, ties go to the
leftmost interval, and a non-finite loss ranks as the interval's rescaled width.

Beyond the reference, non-finite function values never corrupt the learner: the y-scale is taken
from the finite values only, and an interval touching a NaN or +-inf value (or whose loss is NaN)
gets its rescaled width as loss, so the region is sampled like ``uniform_loss`` would.

Points outside ``bounds`` may be told (they are kept in ``data`` and counted in ``npoints``, as in
the reference library) but take no part in the sampling.

Other deliberate differences from the reference library: ``loss()`` is infinite until both bounds
are *evaluated* (not merely pending); ``tell_many`` keeps the first value of a point, like
``tell`` (the reference's bulk path overwrote it), and all its values are checked before any is
stored; its bulk rebuild is O(n log n) (the reference's is quadratic); ``to_numpy()`` of an empty
learner has shape ``(0, 1 + vdim)``; bad input raises errors that say how to fix it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner import _learner1d_views as _views
from adaptive_nb.learner._ask1d import Asking, _linspace  # noqa: F401

# (`noqa: F401`: these names stay importable from this module, where code and pickles reach them.)
from adaptive_nb.learner._bulk1d import BulkTell, _gc_paused
from adaptive_nb.learner._data1d import (  # noqa: F401
    Learner1DData,
    _as_x,
    _as_y,
    _check_bounds,
    _finite,
)
from adaptive_nb.learner._dataframe import (  # noqa: F401
    assign_defaults,
    partial_function_from_dataframe,
)
from adaptive_nb.learner._holoviews import accept_legacy_opts, holoviews_with_backend  # noqa: F401
from adaptive_nb.learner._interpolation_error import (
    interpolation_error_loss,
    interpolation_error_loss_function,
)
from adaptive_nb.learner._interval_index import (  # noqa: F401
    _BIG,
    _NODE_STATE,
    _ROUND,
    _SORTED_LOAD,
    CEntry,
    IndexSnapshot,
    IntervalIndex,
    REntry,
    YInternal,
    _assert_heap,
    _chain,
    _refill_heap,
    _same_float,
    _sorted_list,
    heap_overfull,
)
from adaptive_nb.learner._learner1d_views import SortedView
from adaptive_nb.learner._loss1d import (  # noqa: F401
    _LOSS_FACTORIES,
    IntervalLosses,
    LossFunction,
    Real,
    _check_loss,
    _check_real,
    _log_abs_min,
    _triangle_area,
    abs_min_log_loss,
    curvature_loss_function,
    default_loss,
    resolution_loss_function,
    triangle_loss,
    uniform_loss,
)
from adaptive_nb.learner._state1d import Snapshot, check_invariants, saved_state
from adaptive_nb.learner._update1d import LossUpdates, _heappush  # noqa: F401
from adaptive_nb.learner.base_learner import BaseLearner, uses_nth_neighbors

__all__ = [
    "Learner1D",
    "abs_min_log_loss",
    "curvature_loss_function",
    "default_loss",
    "interpolation_error_loss",
    "interpolation_error_loss_function",
    "resolution_loss_function",
    "triangle_loss",
    "uniform_loss",
    "uses_nth_neighbors",
]

# HOT PATHS (tell, here; ask(1) and the loss updates in _ask1d and _update1d) inline the test of
# `heap_overfull` and the finite branch of `rank`, both defined in _interval_index: a call costs
# about 4% of the instructions per point. `_check_invariants` holds every entry's key to `rank`.
_INF = math.inf
_EPS = float(np.finfo(float).eps)


class Learner1D(  # type: ignore[misc]
    Asking, LossUpdates, IntervalIndex, IntervalLosses, BulkTell, Learner1DData, BaseLearner
):
    """Learns and predicts a function ``f: R -> R^N``.

    Parameters
    ----------
    function : callable
        The function to learn: takes one real number, returns a real number or a 1D array.
    bounds : pair of reals
        The interval ``(lower, upper)`` on which to learn ``function``; finite, lower < upper.
    loss_per_interval : callable, optional
        ``loss(xs, ys) -> float``, the loss of one interval (default :func:`default_loss`).
        ``xs`` are the rescaled x values of the interval, ``ys`` the rescaled values there. If
        the function has an ``nth_neighbors`` attribute (see :func:`uses_nth_neighbors`),
        ``xs`` and ``ys`` also hold that many neighbours on each side (``None`` beyond the
        edges), and the interval's loss is updated when they change.

    Attributes
    ----------
    data : dict
        Evaluated points ``{x: y}``, in the order they were told.
    pending_points : set
        Points asked for but not told yet.

    Notes
    -----
    ``tell`` and ``tell_pending`` cost O(log n + k) with k the number of pending points in the
    interval touched (usually 0 or a few); ``ask(n)`` costs O(n log n); ``tell_many`` of many
    points rebuilds everything in O(n log n). Points outside ``bounds`` may be told: they are
    kept in ``data`` but take no part in the sampling.
    """

    _pending_undo_is_exact = True

    def __init__(
        self,
        function: Callable[[float], Any],
        bounds: tuple[Real, Real] | Sequence[Real],
        loss_per_interval: LossFunction | None = None,
    ) -> None:
        if not callable(function):
            msg = (
                "function must be callable (a function of one real number), got "
                f"{type(function).__name__}."
            )
            raise TypeError(msg)
        lo, hi = _check_bounds(bounds)
        loss, nth = (
            (default_loss, 0) if loss_per_interval is None else _check_loss(loss_per_interval)
        )
        self.function = function
        self.bounds: tuple[float, float] = (lo, hi)
        self.loss_per_interval: LossFunction = loss
        self.nth_neighbors: int = nth
        # When the y-range has grown by this factor since the last full recomputation, all
        # losses are recomputed (amortised O(1) per point). Tests set it to 1 so that losses
        # depend on the data only, not on the order it arrived in.
        self._recompute_losses_factor: float = 2
        self._reset()

    # ---------------------------------------------------------------------------- state ---

    def _reset(self) -> None:
        lo, hi = self.bounds
        self.data: dict[float, Any] = {}
        self.pending_points: set[float] = set()
        # Append-only record of told points, in telling order (for data_since).
        self._log_x: list[float] = []
        self._log_y: list[Any] = []
        self._vdim: int | None = None
        self._vec = False
        # True while the loss is default_loss and values are scalars: enables inlined math.
        self._fast_default = self.loss_per_interval is default_loss
        # Set once both bounds are evaluated (data only grows), to skip the check in ask().
        self._have_bounds = False
        self._xscale = hi - lo
        # Intervals narrower than this are at the floating-point resolution: loss 0.
        self._dx_eps = 2 * max(abs(lo), abs(hi)) * _EPS
        # y bounding box of the finite values: floats, or per-component lists for vectors.
        self._ymin: Any = _INF
        self._ymax: Any = -_INF
        self._yscale = 0.0
        self._old_yscale = 0.0
        self._init_index()
        # Latest results of some methods, as the reference library's @cache_latest keeps them.
        self._cache: dict[str, Any] = {}

    def new(self) -> Learner1D:
        """Return a new learner with the same function, bounds and loss, and no data."""
        return Learner1D(self.function, self.bounds, self.loss_per_interval)

    @property
    def npoints(self) -> int:
        """Number of evaluated points."""
        return len(self.data)

    @property
    def vdim(self) -> int:
        """Length of the function's output (1 for scalars, and while no data is known)."""
        return 1 if self._vdim is None else self._vdim

    # The reference's attributes, built when read (see _learner1d_views): the hot path keeps
    # none of them up to date.
    @property
    def neighbors(self) -> SortedView:
        """``{x: [x_left, x_right]}`` over the evaluated points in the bounds (a snapshot)."""
        return _views.neighbors(self)

    @property
    def neighbors_combined(self) -> SortedView:
        """``{x: [x_left, x_right]}`` over evaluated and pending points (a snapshot)."""
        return _views.neighbors_combined(self)

    @property
    def losses(self) -> SortedView:
        """``{(x_left, x_right): loss}`` of the real intervals, largest first (a snapshot)."""
        return _views.losses(self)

    @property
    def losses_combined(self) -> SortedView:
        """``{(a, b): loss}`` of the intervals between evaluated or pending points (snapshot)."""
        return _views.losses_combined(self)

    # ----------------------------------------------------------------------------- tell ---

    def tell(self, x: Any, y: Any) -> None:
        """Tell the learner that ``function(x) == y``.

        Telling a point that is already known does nothing. Points outside ``bounds`` are
        stored in ``data`` but not used for sampling.

        Parameters
        ----------
        x
            A real number.
        y
            The function's value at ``x``: a real number or a 1D array.

        Notes
        -----
        O(log n) (plus the pending points inside the touched interval).
        """
        if type(x) is not float or x - x != 0.0:
            x = _as_x(x)
        # A pending point (the usual case) is not in `data`: one hash lookup instead of two.
        node = self._nodes.get(x)
        if node is not None:
            if self._ny[node] is not None:
                return
        elif x in self.data:
            return
        if type(y) is float and not self._vec:
            yi: YInternal = y
            stored: Any = y
            if self._vdim is None:
                self._vdim = 1
        else:
            stored, yi = _as_y(y, x)
            self._check_vdim(yi)
        self._add_point(x, stored, yi, node)

    def _check_vdim(self, yi: YInternal) -> None:
        if type(yi) is float:
            if self._vec:
                msg = (
                    f"The function returned a scalar, but earlier values had length "
                    f"{self._vdim}; it must always return the same shape."
                )
                raise ValueError(msg)
            if self._vdim is None:
                self._vdim = 1
            return
        n = len(yi)  # type: ignore[arg-type]
        if self._vdim is None:
            self._vdim = n
            self._vec = True
            self._fast_default = False
        elif not self._vec or self._vdim != n:
            earlier = f"length {self._vdim}" if self._vec else "scalars"
            msg = (
                f"The function returned a value of length {n}, but earlier values were "
                f"{earlier}; it must always return the same shape."
            )
            raise ValueError(msg)

    def _add_point(  # noqa: PLR0912, PLR0915
        self, x: float, stored: Any, yi: YInternal, node: int | None = None
    ) -> None:
        """Store a new point; ``node`` is its node if the caller looked it up (pending x).

        With a loss function that may fail (any but the two built-in defaults), every loss the
        point changes is computed before any is stored; if one fails, the point is unlinked
        again and :class:`LossFunctionError` raised, leaving the learner as it was.
        """
        lf = self.loss_per_interval
        guard: tuple[Any, ...] | None = None
        if not (self._fast_default or lf is default_loss or lf is uniform_loss):
            ymin, ymax = self._ymin, self._ymax
            if type(ymin) is list:  # vector values: the bounds are updated in place
                ymin, ymax = list(ymin), list(ymax)
            guard = (ymin, ymax, self._yscale, node is not None or x in self.pending_points)
        self.data[x] = stored
        self._log_x.append(x)
        self._log_y.append(stored)
        lo, hi = self.bounds
        if not lo <= x <= hi:
            self.pending_points.discard(x)
            return
        if type(yi) is float:
            if yi - yi == 0.0:  # finite: inlined scalar _update_yscale
                # (comparisons: cheaper than min()/max() calls on this hot path)
                if yi < self._ymin:  # noqa: PLR1730
                    self._ymin = yi
                if yi > self._ymax:  # noqa: PLR1730
                    self._ymax = yi
                self._yscale = self._ymax - self._ymin
        else:
            self._update_yscale(yi)

        # Place x among the combined points, and find the real interval (l, r) it falls in.
        nodes = self._nodes
        if node is None:
            node = nodes.get(x)
        an: int | None
        bn: int | None
        if node is not None:  # it was pending
            self.pending_points.remove(x)
            self._ny[node] = yi
            an = self._cp[node]
            bn = self._cn[node]
            gap = self._ce[node][5] if (an is not None and bn is not None) else None  # type: ignore[index]
        else:
            node, an, bn = self._insert_combined(x, yi)
            gap = self._ce[an][5] if (an is not None and bn is not None) else None  # type: ignore[index]
        self._nreal += 1
        rp = self._rp
        rnx = self._rn
        ln: int | None
        rn: int | None
        if gap is not None:
            # (a is usually real itself: no lookup then)
            ln = an if self._nx[an] == gap else nodes[gap]  # type: ignore[index]
            rn = rnx[ln]  # type: ignore[index]
        elif self._rfirst is None:
            ln = rn = None
        elif x < self._nx[self._rfirst]:
            ln, rn = None, self._rfirst
        else:
            ln, rn = self._rlast, None
        rnx[node] = rn
        rp[node] = ln
        if ln is not None:
            rnx[ln] = node
        else:
            self._rfirst = node
        if rn is not None:
            rp[rn] = node
        else:
            self._rlast = node

        # The losses the point changes, computed (and so checked) before any is stored: by
        # the batch protocol (left nodes in order and their losses) or one by one.
        lefts: list[int] | None = None
        losses: list[float] = []
        reads: list[int] | None = None
        around: dict[int, float] | None = None
        if guard is not None:
            try:
                if self._yscale > self._recompute_losses_factor * self._old_yscale:
                    with _gc_paused():
                        self._recompute_all()  # computes every loss before storing any
                    return
                window = getattr(lf, "window_losses", None)
                if window is not None and not self._vec:
                    local = getattr(lf, "window_losses_local", None)
                    if local is not None and self.nth_neighbors == 2:
                        lefts, losses, reads = self._local_losses_around(node, window, local)
                    else:
                        lefts, losses = self._window_losses_of_run(node, window)
                else:
                    around = self._losses_around(node)
            except LossFunctionError:
                self._undo_add(x, node, guard)
                raise

        # Recompute the intervals whose loss depends on x: those between the points
        # nth_neighbors + 1 steps to its left and to its right.
        nn = self.nth_neighbors
        if lefts is not None:
            self._store_real_losses(lefts, losses, reads)
        elif nn == 0:
            if ln is not None:
                self._update_real_interval(ln, node, around)
            if rn is not None:
                self._update_real_interval(node, rn, around)
        elif around is not None:
            # (the losses of exactly these intervals, keyed by left node in order)
            self._store_real_losses(list(around), list(around.values()))
        else:
            pts = [node]
            p: int | None = node
            for _ in range(nn + 1):
                p = rp[p]  # type: ignore[index]
                if p is None:
                    break
                pts.insert(0, p)
            p = node
            for _ in range(nn + 1):
                p = rnx[p]
                if p is None:
                    break
                pts.append(p)
            for u, v in itertools.pairwise(pts):
                self._update_real_interval(u, v)
        # Combined intervals outside the hull of the real points have an infinite loss.
        if ln is None and an is not None:
            self._set_comb(an, x, _INF, None)
        if rn is None and bn is not None:
            self._set_comb(node, self._nx[bn], _INF, None)

        if self._yscale > self._recompute_losses_factor * self._old_yscale:
            with _gc_paused():
                self._recompute_all()
        elif len(self._cheap) > 2 * len(nodes) + 62:  # heap_overfull(.., len(nodes) - 1), inlined
            self._compact_heaps()

    def _undo_add(self, x: float, node: int, guard: tuple[Any, ...]) -> None:
        """Undo ``_add_point(x)`` up to the loss computation (no loss entry was stored yet)."""
        self._ymin, self._ymax, self._yscale, was_pending = guard
        del self.data[x]
        self._log_x.pop()
        self._log_y.pop()
        self._unlink_new_real(node, was_pending)
        if was_pending:
            self.pending_points.add(x)

    def tell_pending(self, x: Any) -> None:
        """Mark ``x`` as being computed, so that it is not suggested again.

        Parameters
        ----------
        x
            A real number.

        Notes
        -----
        O(log n).
        """
        if type(x) is not float or x - x != 0.0:
            x = _as_x(x)
        if x in self.data or x in self.pending_points:
            return
        lo, hi = self.bounds
        if not lo <= x <= hi:
            self.pending_points.add(x)
            return
        node, an, bn = self._insert_combined(x, None)
        self.pending_points.add(x)
        self._split_combined(node, an, bn)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any], *, force: bool = False) -> None:
        """Tell the learner many values at once.

        All points are validated before any is stored. When many new points arrive at once
        (more than half the number already known, or ``force=True``) every structure is rebuilt
        in one O(n log n) pass, with all losses computed at the final y-scale.

        One deliberate difference from the reference: when such a rebuild happens while a
        pending point lies left of every evaluated point, the reference marks the pending parts
        of the evaluated intervals that follow as unknown (infinite combined loss), so its next
        ``ask`` may re-explore them; here they get the interpolated loss of their evaluated
        interval, as after single tells.

        Parameters
        ----------
        xs
            Points (real numbers).
        ys
            The values at ``xs``, in the same order.
        force
            Always use the bulk rebuild.
        """
        vdim_state = self._vdim, self._vec, self._fast_default
        new = self._validated_new_points(xs, ys)
        if not new:
            return
        bulk = force or (len(new) > 0.5 * len(self.data) and len(new) > 2)
        lf = self.loss_per_interval
        restore = None
        if not (self._fast_default or lf is default_loss or lf is uniform_loss) and (
            bulk or len(new) > 1
        ):
            # A loss function that may fail: all points or none (a single point's
            # _add_point undoes itself).
            restore = saved_state(self)
        try:
            if not bulk:
                for x, (stored_x, yi_x) in new.items():
                    self._add_point(x, stored_x, yi_x)
                return
            with _gc_paused():
                self._bulk_add(new)
        except LossFunctionError:
            if restore is not None:
                restore()
            self._vdim, self._vec, self._fast_default = vdim_state
            raise

    def remove_unfinished(self) -> None:
        """Forget all pending points.

        Notes
        -----
        O(p log n) for p pending points: each is unlinked from the combined structure and the
        combined interval it split is restored, with the same loss and rank a full rebuild
        would give it (so later ``ask`` calls return the same points).
        """
        pending = self.pending_points
        self.pending_points = set()
        if len(self._csorted) == self._nreal:  # none inside the bounds
            return
        self._unlink_pending(pending, self.bounds)

    # ---------------------------------------------------------------------- persistence ---

    def __getstate__(self) -> bytes:
        import cloudpickle

        # The nodes are stored as flat columns in the order of `_csorted`; links and heaps are
        # rebuilt on load (and node indices renumbered, dropping freed nodes).
        state = {k: v for k, v in self.__dict__.items() if k not in _NODE_STATE}
        state["_node_columns"] = self._index_columns()
        return cloudpickle.dumps(state)  # type: ignore[no-any-return]

    def __setstate__(self, state: bytes) -> None:
        import cloudpickle

        d = cloudpickle.loads(state)
        columns = d.pop("_node_columns")
        self.__dict__.update(d)
        self._restore_index(columns)

    # ----------------------------------------------------------------------- invariants ---

    def _snapshot(self) -> Snapshot:
        """Return the learner's state as plain values, independent of its representation (O(n)).

        For tests and the invariant check: two learners with equal snapshots (and equal
        ``data`` and ``pending_points``) give the same answers to the same calls.
        """
        return Snapshot(
            index=self._index_snapshot(),
            told=tuple(self._log_x),
            y_min=self._ymin,
            y_max=self._ymax,
            y_scale=self._yscale,
            old_y_scale=self._old_yscale,
            vdim=self._vdim,
        )

    def _check_invariants(self) -> None:
        """Assert every internal invariant (for tests; O(n log n))."""
        check_invariants(self)
