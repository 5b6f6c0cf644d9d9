"""Learner1D: adaptive sampling of ``f: R -> R^N`` with O(log n) work per point.

How it works
------------
The domain is cut into *intervals* between neighbouring evaluated ("real") points. Each interval
gets a loss from ``loss_per_interval`` (by default the length of the segment in the rescaled
x-y plane), and ``ask`` splits the intervals with the largest losses. Pending points (asked but
not yet told) cut the real intervals into *combined* intervals; a combined interval inside the
real interval ``(l, r)`` carries the share ``(b - a) / (r - l)`` of that interval's loss, and one
outside the hull of the real points carries an infinite loss.

Data structures (this is where the speed over the reference library comes from):

* ``_nodes``: maps each real or pending point inside the bounds to its *node*, an index into
  parallel lists (``_nx``, ``_ny``, ``_rp``/``_rn``, ``_cp``/``_cn``, ``_re``, ``_ce``) holding
  its value, its left/right neighbours among the real points and among the combined points (as
  node indices), and the entries of the intervals starting there. A tell or ask hashes x about
  once and follows indices otherwise: the points are mostly dyadic fractions, whose float
  hashes have all low bits zero, so every lookup in an x-keyed dict walks a long probe chain
  (with one dict per kind of information, the L1 misses per point grew with n). The nodes are
  columns of lists rather than one object each because every object with references is
  tracked by the cyclic garbage collector: with one object per point, the collector's full
  passes (one each time the tracked objects grow by a quarter) made the cost per point grow
  with n. Floats, ints, None and tuples of them are not tracked (tuples once a collection has
  seen them), so a new point adds no tracked object and triggers no full pass;
* ``_csorted``: a ``SortedList`` of real and pending points, only used to find the neighbours of
  a brand-new point (O(log n));
* one entry tuple per interval (held by the node of its left end), and a binary heap of entries
  per kind (real, combined). Replaced entries stay in the heap and are skipped when they surface
  (lazy invalidation: an entry is live iff its left end's node still holds that very object);
  the heap is compacted when garbage exceeds the live entries.

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

import contextlib
import gc
import heapq
import inspect
import itertools
import math
import numbers
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from sortedcontainers import SortedList

from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner import _learner1d_views as _views
from adaptive_nb.learner._dataframe import assign_defaults, partial_function_from_dataframe
from adaptive_nb.learner._holoviews import accept_legacy_opts, holoviews_with_backend
from adaptive_nb.learner._learner1d_views import SortedView
from adaptive_nb.learner.base_learner import BaseLearner, uses_nth_neighbors

if TYPE_CHECKING:
    import holoviews
    import pandas

__all__ = [
    "Learner1D",
    "abs_min_log_loss",
    "curvature_loss_function",
    "default_loss",
    "resolution_loss_function",
    "triangle_loss",
    "uniform_loss",
    "uses_nth_neighbors",
]

Real: TypeAlias = float | int | np.floating[Any] | np.integer[Any]
LossFunction: TypeAlias = Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
# Internal value of a point: a float, or a tuple of floats for vector-valued functions.
YInternal: TypeAlias = float | tuple[float, ...]
# Real interval entry: (rank, left, right, loss, y-scale the loss was computed with).
REntry: TypeAlias = tuple[float, float, float, float, float]
# Combined interval entry: (rank, left, right, seq, loss, left end of the enclosing real
# interval or None outside the hull of the real points). `seq` makes entries unique so the
# heap never compares the trailing None/float fields.
CEntry: TypeAlias = tuple[float, float, float, int, float, float | None]

_heappush = heapq.heappush
_INF = math.inf
_EPS = float(np.finfo(float).eps)
# Losses are ranked after rounding to 12 digits (as the reference does), so that losses equal
# up to round-off tie and are then ordered by position: the same calls give the same points.
_ROUND = 1e12
# Below this magnitude `int(loss * _ROUND + 0.5)` is safe and exact enough; beyond it (and for
# inf/NaN) the slow path in `_rank` takes over.
_BIG = 1e250
# Load factor of the SortedList of combined points (sortedcontainers' default is 1000). Each
# insertion shifts the tail of one sublist; with short sublists that touches fewer cache lines
# (cachegrind, ask(1)+tell from 10k to 30k points: 11% fewer L1 data misses per point).
_SORTED_LOAD = 200
# Attributes that __getstate__ leaves out: the node columns (saved in order instead), links
# and heaps, which __setstate__ rebuilds.
_NODE_STATE = frozenset(
    [
        "_nodes",
        "_nx",
        "_ny",
        "_rp",
        "_rn",
        "_cp",
        "_cn",
        "_re",
        "_ce",
        "_free",
        "_rfirst",
        "_rlast",
        "_rheap",
        "_cheap",
    ]
)


# --------------------------------------------------------------------------------------------
# Loss functions. Each receives the rescaled xs and ys of one interval (plus `nth_neighbors`
# neighbours on each side, None beyond the edges) and returns a real number.
# --------------------------------------------------------------------------------------------


@uses_nth_neighbors(0)
def uniform_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Loss that samples the domain uniformly: the interval's (rescaled) width.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The values at ``xs`` (unused).

    Returns
    -------
    float
        ``x_right - x_left``.

    Examples
    --------
    >>> learner = Learner1D(lambda x: x**2, bounds=(-1, 1), loss_per_interval=uniform_loss)
    """
    return float(xs[1] - xs[0])


@uses_nth_neighbors(0)
def default_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Length of the interval's segment in the rescaled x-y plane.

    For vector-valued functions, the largest such length over the components.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The rescaled values at ``xs``: two floats or two 1D arrays.

    Returns
    -------
    float
        ``hypot(dx, dy)``, maximised over the components.
    """
    dx = float(xs[1] - xs[0])
    y0, y1 = ys
    if isinstance(y0, np.ndarray | list | tuple):
        with np.errstate(all="ignore"):  # inf - inf is NaN, handled by the learner
            dy = np.abs(np.asarray(y1, dtype=float) - np.asarray(y0, dtype=float))
            return float(np.max(np.hypot(dx, dy)))
    return math.hypot(dx, float(y1) - float(y0))


def _log_abs_min(y: Any) -> float:
    a = float(np.min(np.abs(y))) if isinstance(y, np.ndarray | list | tuple) else abs(float(y))
    if a > 0:
        return math.log(a)
    return -_INF if a == 0 else math.nan


@uses_nth_neighbors(0)
def abs_min_log_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Loss that favours the absolute minimum: ``default_loss`` of ``log(min |y|)``.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The rescaled values at ``xs``.

    Returns
    -------
    float
        The loss of the interval.
    """
    return default_loss(xs, (_log_abs_min(ys[0]), _log_abs_min(ys[1])))


def _triangle_area(p: Sequence[float], q: Sequence[float], r: Sequence[float]) -> float:
    # Area from Lagrange's identity |u x v|^2 = sum_{i<j} (u_i v_j - u_j v_i)^2, which is
    # accurate for thin triangles (unlike Heron's formula) and works in any dimension.
    u = [b - a for a, b in zip(p, q, strict=True)]
    v = [b - a for a, b in zip(p, r, strict=True)]
    s = 0.0
    for i in range(len(u)):
        for j in range(i + 1, len(u)):
            c = u[i] * v[j] - u[j] * v[i]
            s += c * c
    return 0.5 * math.sqrt(s)


@uses_nth_neighbors(1)
def triangle_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Mean area of the triangles formed by the interval and its neighbouring points.

    Parameters
    ----------
    xs
        Four rescaled x values: the interval in the middle, one neighbour on each side
        (``None`` at the edges of the domain).
    ys
        The rescaled values at ``xs``.

    Returns
    -------
    float
        The mean triangle area, or the interval's width when there is no neighbour.
    """
    pts: list[list[float]] = []
    for x, y in zip(xs, ys, strict=True):
        if x is None or y is None:
            continue
        if isinstance(y, np.ndarray | list | tuple):
            pts.append([float(x), *(float(c) for c in y)])
        else:
            pts.append([float(x), float(y)])
    if len(pts) == 2:  # no neighbour: no triangle
        return pts[1][0] - pts[0][0]
    n = len(pts) - 2
    return sum(_triangle_area(*pts[i : i + 3]) for i in range(n)) / n


def _check_real(name: str, value: object, *, lower: float = -_INF) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r}."
        raise TypeError(msg)
    v = float(value)
    if math.isnan(v) or v < lower:
        msg = f"{name} must be >= {lower}, got {value!r}."
        raise ValueError(msg)
    return v


def curvature_loss_function(
    area_factor: Real = 1, euclid_factor: Real = 0.02, horizontal_factor: Real = 0.02
) -> LossFunction:
    """Make a loss that resolves curvature: triangle area plus segment length plus width.

    Parameters
    ----------
    area_factor
        Weight of the square root of :func:`triangle_loss`.
    euclid_factor
        Weight of :func:`default_loss`.
    horizontal_factor
        Weight of the interval's width.

    Returns
    -------
    callable
        A loss function with ``nth_neighbors == 1``.

    Examples
    --------
    >>> loss = curvature_loss_function()
    >>> learner = Learner1D(lambda x: x**3, bounds=(-1, 1), loss_per_interval=loss)
    """
    af = _check_real("area_factor", area_factor, lower=0.0)
    ef = _check_real("euclid_factor", euclid_factor, lower=0.0)
    hf = _check_real("horizontal_factor", horizontal_factor, lower=0.0)

    @uses_nth_neighbors(1)
    def curvature_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        dx = float(xs[2] - xs[1])
        area: float = triangle_loss(xs, ys) ** 0.5
        return af * area + ef * default_loss(xs[1:3], ys[1:3]) + hf * dx

    return curvature_loss


def resolution_loss_function(min_length: Real = 0, max_length: Real = 1) -> LossFunction:
    """Make a ``default_loss`` that never splits short intervals and always splits long ones.

    Lengths are relative to the width of the bounds (the domain is rescaled to length 1).

    Parameters
    ----------
    min_length
        Intervals narrower than this get loss 0 (never split again).
    max_length
        Intervals wider than this get an infinite loss (split first).

    Returns
    -------
    callable
        A loss function with ``nth_neighbors == 0``.

    Examples
    --------
    >>> loss = resolution_loss_function(min_length=0.01, max_length=0.5)
    >>> learner = Learner1D(lambda x: x**2, bounds=(-1, 1), loss_per_interval=loss)
    """
    lo = _check_real("min_length", min_length, lower=0.0)
    hi = _check_real("max_length", max_length, lower=0.0)
    if lo > hi:
        msg = f"min_length ({min_length!r}) must not exceed max_length ({max_length!r})."
        raise ValueError(msg)

    @uses_nth_neighbors(0)
    def resolution_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        width = uniform_loss(xs, ys)
        if width < lo:
            return 0.0
        if width > hi:
            return _INF
        return default_loss(xs, ys)

    return resolution_loss


_LOSS_FACTORIES = (curvature_loss_function, resolution_loss_function)


def _check_loss(loss: object) -> tuple[LossFunction, int]:
    if loss in _LOSS_FACTORIES:
        name = getattr(loss, "__name__", "the factory")
        msg = (
            f"{name} makes a loss function; pass its result: "
            f"loss_per_interval={name}() (with your parameters)."
        )
        raise TypeError(msg)
    if not callable(loss):
        msg = (
            "loss_per_interval must be a function (xs, ys) -> float, such as "
            f"adaptive_nb.learner.learner1D.default_loss; got {type(loss).__name__}."
        )
        raise TypeError(msg)
    nth = getattr(loss, "nth_neighbors", 0)
    if isinstance(nth, bool) or not isinstance(nth, int) or nth < 0:
        msg = (
            f"loss_per_interval.nth_neighbors must be a non-negative int, got {nth!r}; "
            "set it with the @uses_nth_neighbors(n) decorator."
        )
        raise ValueError(msg)
    try:
        inspect.signature(loss).bind(None, None)
    except TypeError:
        msg = (
            "loss_per_interval must accept two arguments (xs, ys), like the 1D losses in "
            "adaptive_nb.learner.learner1D; a loss for another learner (e.g. a Learner2D loss) "
            "does not work here."
        )
        raise TypeError(msg) from None
    except ValueError:  # no signature (some builtins): trust the caller
        pass
    return loss, nth


def _check_bounds(bounds: object) -> tuple[float, float]:
    hint = "bounds must be a pair of finite real numbers (lower, upper) with lower < upper"
    if isinstance(bounds, str | bytes) or not isinstance(bounds, Iterable):
        msg = f"{hint}, got {bounds!r}."
        raise TypeError(msg)
    items = list(bounds)
    if len(items) != 2:
        msg = f"{hint}; got {len(items)} values: {bounds!r}."
        raise ValueError(msg)
    out = []
    for b in items:
        if isinstance(b, np.ndarray) and b.ndim == 0:
            b = b.item()  # noqa: PLW2901
        if isinstance(b, bool | np.bool_) or not isinstance(b, numbers.Real):
            msg = f"{hint}; {b!r} is not a real number."
            raise TypeError(msg)
        out.append(float(b))
    lo, hi = out
    if not (math.isfinite(lo) and math.isfinite(hi)):
        msg = f"{hint}; got {bounds!r}."
        raise ValueError(msg)
    if not lo < hi:
        msg = f"{hint}; got lower={lo!r} >= upper={hi!r} (swap them?)."
        raise ValueError(msg)
    return lo, hi


def _as_x(x: Any) -> float:
    """Convert a point to a finite Python float, or raise a clear error."""
    if type(x) is not float:
        if isinstance(x, np.ndarray) and x.ndim == 0:
            x = x.item()
        if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
            msg = f"Learner1D points must be real numbers, got {x!r}."
            raise TypeError(msg)
        x = float(x)
    if not math.isfinite(x):
        msg = f"Learner1D points must be finite, got {x!r}."
        raise ValueError(msg)
    return x  # type: ignore[no-any-return]


def _as_y(y: Any) -> tuple[float | np.ndarray[Any, Any], YInternal]:
    """Return (value stored in ``data``, internal value) for a function value."""
    if y is None:
        msg = (
            "The value may not be None; use learner.tell_pending(x) to mark a point as "
            "being computed."
        )
        raise TypeError(msg)
    if isinstance(y, numbers.Real) and not isinstance(y, bool | np.bool_):
        v = float(y)
        return v, v
    msg = f"The function must return a real number or a 1D sequence of real numbers, got {y!r}."
    # Strings, booleans and complex numbers would convert to floats (e.g. "1.5" -> 1.5): refuse.
    if isinstance(y, str | bytes | bool | np.bool_):
        raise TypeError(msg)
    try:
        arr = np.asarray(y)
        if arr.dtype.kind in "bcUSV":
            raise TypeError(msg)
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise TypeError(msg) from None
    if arr.ndim == 0:
        v = float(arr)
        return v, v
    if arr.ndim > 1 or arr.size == 0:
        msg = (
            "The function must return a real number or a non-empty 1D sequence of real "
            f"numbers, got an array of shape {arr.shape}."
        )
        raise ValueError(msg)
    return arr, tuple(arr.tolist())


def _as_list(name: str, values: Any) -> list[Any]:
    """``list(values)`` for tell_many, with an error that says what was expected."""
    scalar = isinstance(values, str | bytes) or (
        isinstance(values, np.ndarray) and values.ndim == 0
    )
    if not scalar:
        try:
            return list(values)
        except TypeError:
            pass
    msg = (
        f"tell_many(xs, ys) expects {name} to be a sequence with one entry per point, got "
        f"{values!r} ({type(values).__name__}); for a single point use tell(x, y)."
    )
    raise TypeError(msg)


def _finite(y: YInternal) -> bool:
    if type(y) is float:
        return y - y == 0.0
    return all(c - c == 0.0 for c in y)  # type: ignore[union-attr]


def _linspace(a: float, b: float, n: int) -> list[float]:
    # The n - 1 interior points of n equal parts of (a, b), computed as the reference does so
    # that both libraries return bit-identical points.
    step = (b - a) / n
    return [a + step * i for i in range(1, n)]


class Learner1D(BaseLearner):
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
        # Append-only record of told points, in telling order (for _data_arrays_since).
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
        # Real and pending ("combined") points inside the bounds: one node each, an index into
        # the parallel lists below (see the module docstring). Links are node indices or None.
        self._nodes: dict[float, int] = {}
        self._nx: list[float] = []  # the point
        self._ny: list[YInternal | None] = []  # its internal value, None while pending
        self._rp: list[int | None] = []  # previous / next real node (real nodes only)
        self._rn: list[int | None] = []
        self._cp: list[int | None] = []  # previous / next combined node
        self._cn: list[int | None] = []
        self._re: list[REntry | None] = []  # entry of the real interval starting here
        self._ce: list[CEntry | None] = []  # entry of the combined interval starting here
        self._free: list[int] = []  # nodes of removed pending points, to be reused
        self._nreal = 0  # number of real nodes
        self._rfirst: int | None = None
        self._rlast: int | None = None
        self._rheap: list[REntry] = []
        self._csorted: SortedList = _sorted_list()
        self._cheap: list[CEntry] = []
        self._seq = 0
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

    def _alloc(self, x: float, y: YInternal | None) -> int:
        """Return a new unlinked node for point ``x`` with internal value ``y`` (O(1))."""
        if self._free:
            i = self._free.pop()
            self._nx[i] = x
            self._ny[i] = y
            return i  # (a freed node was cleared by remove_unfinished)
        i = len(self._nx)
        self._nx.append(x)
        self._ny.append(y)
        self._rp.append(None)
        self._rn.append(None)
        self._cp.append(None)
        self._cn.append(None)
        self._re.append(None)
        self._ce.append(None)
        return i

    # ----------------------------------------------------------------------------- losses ---

    def _rank(self, loss: float, a: float, b: float, n: int = 1) -> float:
        """Heap key of an interval: minus its loss rounded to 12 digits.

        A non-finite loss ranks as the interval's width relative to the bounds (divided by
        ``n``, the number of parts it is being split into), as in the reference library.
        """
        if -_BIG < loss < _BIG:
            return -(int(loss * _ROUND + 0.5) / _ROUND)
        if math.isnan(loss) or math.isinf(loss):
            loss = (b - a) / self._xscale / n
            return -(int(loss * _ROUND + 0.5) / _ROUND)
        return -loss

    def _interval_loss(self, ln: int, rn: int, yscale: float) -> float:
        """Loss of the real interval between nodes ``ln`` and ``rn``, rescaled by ``yscale``."""
        left = self._nx[ln]
        right = self._nx[rn]
        if right - left < self._dx_eps:
            return 0.0
        s = self._xscale
        ys = yscale or 1.0
        loss_fn = self.loss_per_interval
        y0: Any = self._ny[ln]
        y1: Any = self._ny[rn]
        loss: Any
        if loss_fn is default_loss and type(y0) is float:
            loss = math.hypot(right / s - left / s, y1 / ys - y0 / ys)
        elif loss_fn is uniform_loss:
            loss = right / s - left / s
        elif loss_fn is default_loss:
            loss = self._vector_default_loss(ln, rn, s, ys)
        else:
            loss = self._generic_loss(ln, rn, s, ys)
        # NaN, or inf on an interval touching a non-finite value: treat the interval as uniform
        # sampling would (its rescaled width). A deliberate inf from a loss function on finite
        # data (e.g. resolution_loss) is kept.
        if not -_BIG < loss < _BIG and (
            math.isnan(loss) or (math.isinf(loss) and not (_finite(y0) and _finite(y1)))
        ):
            loss = (right - left) / s
        return loss  # type: ignore[no-any-return]

    def _generic_loss(self, ln: int, rn: int, s: float, ys: float) -> float:
        nn = self.nth_neighbors
        rp = self._rp
        rnx = self._rn
        ns: list[int | None] = [ln, rn]
        p: int | None = ln
        q: int | None = rn
        for _ in range(nn):
            p = rp[p] if p is not None else None
            q = rnx[q] if q is not None else None
            ns.insert(0, p)
            ns.append(q)
        nx = self._nx
        xs_scaled = tuple(None if n is None else nx[n] / s for n in ns)
        if self._vec:
            data = self.data
            with np.errstate(all="ignore"):  # non-finite values are handled by the caller
                ys_scaled = tuple(None if n is None else data[nx[n]] / ys for n in ns)
        else:
            ny = self._ny
            ys_scaled = tuple(None if n is None else ny[n] / ys for n in ns)  # type: ignore[operator]
        try:
            loss = self.loss_per_interval(xs_scaled, ys_scaled)
        except Exception as e:
            raise self._loss_error(ln, rn, f"raised {type(e).__name__}: {e}") from e
        if type(loss) is not float:
            if isinstance(loss, np.ndarray) and loss.ndim == 0:
                loss = loss.item()
            if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
                what = f"returned {loss!r} ({type(loss).__name__}), not a real number"
                raise self._loss_error(ln, rn, what)
            loss = float(loss)
        return loss

    def _loss_error(self, ln: int, rn: int, what: str) -> LossFunctionError:
        fn = self.loss_per_interval
        name = getattr(fn, "__name__", None) or repr(fn)
        return LossFunctionError(
            f"loss_per_interval={name} {what} on the interval ({self._nx[ln]!r}, "
            f"{self._nx[rn]!r}). The point was not added: the learner is as it was before "
            "this tell. Fix the loss function (it must return a real number for every "
            "interval), then tell the point again."
        )

    def _vector_default_loss(self, ln: int, rn: int, s: float, ys: float) -> float:
        dx = self._nx[rn] / s - self._nx[ln] / s
        y0: Any = self._ny[ln]
        y1: Any = self._ny[rn]
        hyps = [math.hypot(dx, b / ys - a / ys) for a, b in zip(y0, y1, strict=True)]
        if any(math.isnan(h) for h in hyps):
            return math.nan
        return max(hyps)

    def _set_comb(self, an: int, b: float, loss: float, gap: float | None) -> None:
        a = self._nx[an]
        k = -(int(loss * _ROUND + 0.5) / _ROUND) if -_BIG < loss < _BIG else self._rank(loss, a, b)
        self._seq += 1
        e = (k, a, b, self._seq, loss, gap)
        self._ce[an] = e
        heapq.heappush(self._cheap, e)

    def _combined_nodes(self) -> list[int]:
        """All nodes, in order (O(n))."""
        out: list[int] = []
        cn = self._cn
        nd = self._nodes[self._csorted[0]] if self._csorted else None
        while nd is not None:
            out.append(nd)
            nd = cn[nd]
        return out

    def _compact_heaps(self) -> None:
        # Replaced entries stay in the heaps until they surface; drop them once they outnumber
        # the live ones, so memory stays O(n) and the amortised cost O(1) per update.
        # (There is one combined interval per combined point but the last, and likewise.)
        # Freed nodes hold no entries, so the live entries are the non-None ones.
        if len(self._cheap) > 2 * max(len(self._nodes) - 1, 0) + 64:
            _refill_heap(self._cheap, [e for e in self._ce if e is not None])
        if len(self._rheap) > 2 * max(self._nreal - 1, 0) + 64:
            _refill_heap(self._rheap, [e for e in self._re if e is not None])

    def _update_real_interval(
        self, ln: int, rn: int, precomputed: dict[int, float] | None = None
    ) -> None:
        """Recompute the loss of the real interval (ln, rn) and of the combined parts in it.

        ``precomputed`` maps left nodes to losses already computed (and checked) for them.
        """
        nx = self._nx
        left = nx[ln]
        right = nx[rn]
        ysc = self._yscale
        dx = right - left
        loss: float
        if self._fast_default and dx >= self._dx_eps:
            # Inlined default_loss on scalars (the hot path): identical to _interval_loss.
            s = self._xscale
            yd = ysc or 1.0
            ny = self._ny
            loss = math.hypot(right / s - left / s, ny[rn] / yd - ny[ln] / yd)  # type: ignore[operator]
            if -_BIG < loss < _BIG:
                k = -(int(loss * _ROUND + 0.5) / _ROUND)
            else:
                loss = self._interval_loss(ln, rn, ysc)
                k = self._rank(loss, left, right)
        else:
            if precomputed is not None and ln in precomputed:
                loss = precomputed[ln]
            else:
                loss = self._interval_loss(ln, rn, ysc)
            k = self._rank(loss, left, right)
        e = (k, left, right, loss, ysc)
        self._re[ln] = e
        _heappush(self._rheap, e)
        cn = self._cn
        bn: int = cn[ln]  # type: ignore[assignment]
        if bn == rn:  # no pending point inside: one combined interval (inlined _set_comb)
            c = dx * loss / dx
            if c != loss:  # round-off (rare): rank it separately
                k = self._rank(c, left, right)
            else:
                c = loss  # the same value: share the float object (memory per point)
            seq = self._seq + 1
            self._seq = seq
            ce = (k, left, right, seq, c, left)
            self._ce[ln] = ce
            _heappush(self._cheap, ce)
            return
        an = ln
        while an != rn:
            b = nx[bn]
            self._set_comb(an, b, (b - nx[an]) * loss / dx, left)
            an = bn
            bn = cn[an]  # type: ignore[assignment]

    def _update_yscale(self, y: YInternal) -> None:
        if type(y) is float:
            if y - y == 0.0:  # finite
                self._ymin = min(self._ymin, y)
                self._ymax = max(self._ymax, y)
                self._yscale = self._ymax - self._ymin
            return
        if not isinstance(self._ymin, list):
            self._ymin = [_INF] * len(y)  # type: ignore[arg-type]
            self._ymax = [-_INF] * len(y)  # type: ignore[arg-type]
        lo: list[float] = self._ymin
        hi: list[float] = self._ymax
        for i, c in enumerate(y):  # type: ignore[arg-type]
            if c - c == 0.0:
                lo[i] = min(lo[i], c)
                hi[i] = max(hi[i], c)
        self._yscale = max((h - m for m, h in zip(lo, hi, strict=True) if h >= m), default=0.0)

    def _recompute_all(
        self,
        rnodes: list[int] | None = None,
        reals: list[float] | None = None,
        xs_sorted: np.ndarray[Any, Any] | None = None,
        ys_sorted: np.ndarray[Any, Any] | None = None,
    ) -> None:
        """Recompute every loss with the current y-scale and rebuild both heaps (O(n)).

        ``rnodes`` are the real nodes in order and ``reals`` their points, if the caller has
        them (and, for the bulk path, as arrays with their scalar values).
        """
        if rnodes is None:
            rnodes = []
            rn = self._rn
            p = self._rfirst
            while p is not None:
                rnodes.append(p)
                p = rn[p]
        if reals is None:
            nx = self._nx
            reals = [nx[i] for i in rnodes]
        ysc = self._yscale
        lefts = reals[:-1]
        rights = reals[1:]
        losses = self._losses_of(rnodes, reals, ysc, xs_sorted, ys_sorted)
        keys = self._ranks(losses, lefts, rights)
        entries = list(zip(keys, lefts, rights, losses, itertools.repeat(ysc), strict=False))
        re_ = self._re
        for i, e in zip(rnodes, entries, strict=False):
            re_[i] = e
        _refill_heap(self._rheap, entries)
        self._rebuild_combined_entries(rnodes, reals, losses, keys)
        self._old_yscale = ysc

    def _losses_of(
        self,
        rnodes: list[int],
        reals: list[float],
        ysc: float,
        xs_sorted: np.ndarray[Any, Any] | None = None,
        ys_sorted: np.ndarray[Any, Any] | None = None,
    ) -> list[float]:
        """Losses of all real intervals, equal bit for bit to ``_interval_loss``."""
        n = len(reals)
        if n < 2:
            return []
        if not (self._fast_default or self.loss_per_interval is uniform_loss):
            return [self._interval_loss(a, b, ysc) for a, b in itertools.pairwise(rnodes)]
        # numpy's elementwise / and - are the same IEEE operations as Python's on floats, and
        # math.hypot is applied to Python floats, so this matches the scalar path exactly.
        s = self._xscale
        x_arr = np.array(reals) if xs_sorted is None else xs_sorted
        xa = x_arr / s
        dxs = (xa[1:] - xa[:-1]).tolist()
        if self._fast_default:
            yd = ysc or 1.0
            if ys_sorted is None:
                ny = self._ny
                ys_sorted = np.array([ny[i] for i in rnodes], dtype=float)
            with np.errstate(all="ignore"):  # inf - inf: NaN, fixed up below
                ya = ys_sorted / yd
                dys = (ya[1:] - ya[:-1]).tolist()
            losses = list(map(math.hypot, dxs, dys))
        else:
            losses = dxs
        # The rare cases the vector path does not cover: intervals below the resolution, and
        # non-finite losses; recompute those one by one.
        widths = np.diff(x_arr)
        loss_arr = np.array(losses)
        odd = np.flatnonzero(~(np.abs(loss_arr) < _BIG) | (widths < self._dx_eps))
        for i in odd.tolist():
            losses[i] = self._interval_loss(rnodes[i], rnodes[i + 1], ysc)
        return losses

    def _ranks(self, losses: list[float], lefts: list[float], rights: list[float]) -> list[float]:
        """``_rank`` of many intervals at once."""
        if not losses:
            return []
        arr = np.array(losses)
        # int() truncates towards zero like np.trunc, and float(int(v)) == v for these values.
        with np.errstate(all="ignore"):  # huge and non-finite losses are redone below
            keys = (-(np.trunc(arr * _ROUND + 0.5) / _ROUND)).tolist()
        for i in np.flatnonzero(~(np.abs(arr) < _BIG)).tolist():
            keys[i] = self._rank(losses[i], lefts[i], rights[i])
        return keys  # type: ignore[no-any-return]

    def _rebuild_combined_entries(  # noqa: PLR0915
        self,
        rnodes: list[int],
        reals: list[float],
        losses: list[float] | None = None,
        keys: list[float] | None = None,
    ) -> None:
        """Derive every combined entry from the real ones (O(n)).

        ``rnodes`` are the real nodes in order, ``reals`` their points; ``losses`` and ``keys``
        of the real intervals may be passed along.
        """
        seq0 = self._seq
        if len(reals) == len(self._csorted):
            # No pending point inside the bounds: the combined intervals are the real ones.
            lefts = reals[:-1]
            rights = reals[1:]
            n = len(lefts)
            if losses is None:
                re_ = self._re
                losses = [re_[i][3] for i in rnodes[:-1]]  # type: ignore[index]
            r_losses = np.array(losses, dtype=float)
            widths = np.diff(np.array(reals))
            with np.errstate(invalid="ignore", over="ignore"):
                c_arr = widths * r_losses / widths
            c_losses = c_arr.tolist()
            if keys is None or not np.array_equal(c_arr, r_losses, equal_nan=True):
                keys = self._ranks(c_losses, lefts, rights)
            seqs = range(seq0 + 1, seq0 + n + 1)
            entries = list(zip(keys, lefts, rights, seqs, c_losses, lefts, strict=True))
            self._seq = seq0 + n
            ce = self._ce
            for i, e in zip(rnodes, entries, strict=False):
                ce[i] = e
            if rnodes:
                ce[rnodes[-1]] = None
            _refill_heap(self._cheap, entries)
            return
        live: list[CEntry] = []
        rank = self._rank
        gap: float | None = None
        gap_entry: REntry | None = None
        seq = seq0
        nx = self._nx
        ny = self._ny
        cn = self._cn
        re_ = self._re
        ce = self._ce
        an: int | None = self._nodes[self._csorted[0]] if self._csorted else None
        while an is not None:
            bn = cn[an]
            if bn is None:
                ce[an] = None
                break
            a = nx[an]
            b = nx[bn]
            if re_[an] is not None:
                gap = a
                gap_entry = re_[an]
            elif ny[an] is not None:  # the last real point: outside the hull from here on
                gap = None
            if gap is None or gap_entry is None:
                loss = _INF
            else:
                loss = (b - a) * gap_entry[3] / (gap_entry[2] - gap_entry[1])
            seq += 1
            entry = (rank(loss, a, b), a, b, seq, loss, gap)
            ce[an] = entry
            live.append(entry)
            an = bn
        self._seq = seq
        _refill_heap(self._cheap, live)

    # ------------------------------------------------------------------- neighbours ---

    def _insert_combined(self, x: float, y: YInternal | None) -> tuple[int, int | None, int | None]:
        """Make the node of a new point and link it; return it and its combined neighbours."""
        cs = self._csorted
        # SortedList keeps its values in sublists `_lists` with maxima `_maxes` (a documented
        # implementation detail of sortedcontainers 2.x); reading the neighbours there costs
        # two bisects instead of positional indexing, which walks an index tree.
        maxes = cs._maxes
        a: float | None
        b: float | None
        if not maxes:
            a = b = None
        else:
            pos = bisect_left(maxes, x)
            if pos == len(maxes):
                a, b = maxes[-1], None
            else:
                sub = cs._lists[pos]
                idx = bisect_left(sub, x)
                b = sub[idx]
                if idx:
                    a = sub[idx - 1]
                elif pos:
                    a = cs._lists[pos - 1][-1]
                else:
                    a = None
        cs.add(x)
        nodes = self._nodes
        node = self._alloc(x, y)
        nodes[x] = node
        an = None if a is None else nodes[a]
        bn = None if b is None else nodes[b]
        self._cp[node] = an
        self._cn[node] = bn
        if an is not None:
            self._cn[an] = node
        if bn is not None:
            self._cp[bn] = node
        return node, an, bn

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
        vdim_state = self._vdim, self._vec, self._fast_default
        if type(y) is float and not self._vec:
            yi: YInternal = y
            stored: Any = y
            if self._vdim is None:
                self._vdim = 1
        else:
            stored, yi = _as_y(y)
            self._check_vdim(yi)
        try:
            self._add_point(x, stored, yi, node)
        except LossFunctionError:  # _add_point has undone itself
            self._vdim, self._vec, self._fast_default = vdim_state
            raise

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

        With a user's loss function (which may raise), every loss the point changes is
        computed before any is stored; if one fails, the point is unlinked again and
        :class:`LossFunctionError` raised, leaving the learner as it was.
        """
        lf = self.loss_per_interval
        guard: tuple[Any, ...] | None = None
        if not (self._fast_default or lf is default_loss or lf is uniform_loss):
            ymin, ymax = self._ymin, self._ymax
            guard = (
                list(ymin) if isinstance(ymin, list) else ymin,
                list(ymax) if isinstance(ymax, list) else ymax,
                self._yscale,
                self._rfirst,
                self._rlast,
                node is not None or x in self.pending_points,
            )
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

        precomputed: dict[int, float] | None = None
        if guard is not None:
            try:
                precomputed = self._losses_around(node)
                if precomputed is None:  # the y-scale grew: every loss is recomputed
                    with _gc_paused():
                        self._recompute_all()  # computes every loss before storing any
                    return
            except LossFunctionError:
                self._undo_add(x, node, guard)
                raise

        # Recompute the intervals whose loss depends on x: those between the points
        # nth_neighbors + 1 steps to its left and to its right.
        nn = self.nth_neighbors
        if nn == 0:
            if ln is not None:
                self._update_real_interval(ln, node, precomputed)
            if rn is not None:
                self._update_real_interval(node, rn, precomputed)
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
                self._update_real_interval(u, v, precomputed)
        # Combined intervals outside the hull of the real points have an infinite loss.
        if ln is None and an is not None:
            self._set_comb(an, x, _INF, None)
        if rn is None and bn is not None:
            self._set_comb(node, self._nx[bn], _INF, None)

        if self._yscale > self._recompute_losses_factor * self._old_yscale:
            with _gc_paused():
                self._recompute_all()
        elif len(self._cheap) > 2 * len(nodes) + 62:  # 2 * (number of combined entries) + 64
            self._compact_heaps()

    def _losses_around(self, node: int) -> dict[int, float] | None:
        """Losses of the real intervals a new real ``node`` changes, by left node.

        None when the y-scale has grown enough that every loss will be recomputed.
        """
        if self._yscale > self._recompute_losses_factor * self._old_yscale:
            return None
        rp = self._rp
        rnx = self._rn
        pts = [node]
        p: int | None = node
        q: int | None = node
        for _ in range(self.nth_neighbors + 1):
            p = rp[p] if p is not None else None
            q = rnx[q] if q is not None else None
            if p is not None:
                pts.insert(0, p)
            if q is not None:
                pts.append(q)
        ysc = self._yscale
        return {u: self._interval_loss(u, v, ysc) for u, v in itertools.pairwise(pts)}

    def _undo_add(self, x: float, node: int, guard: tuple[Any, ...]) -> None:
        """Unlink the real ``node`` of ``x`` before any loss entry was stored for it."""
        self._ymin, self._ymax, self._yscale, self._rfirst, self._rlast, was_pending = guard
        del self.data[x]
        self._log_x.pop()
        self._log_y.pop()
        rp = self._rp
        rnx = self._rn
        ln = rp[node]
        rn = rnx[node]
        if ln is not None:
            rnx[ln] = rn
        if rn is not None:
            rp[rn] = ln
        rp[node] = rnx[node] = None
        self._nreal -= 1
        if was_pending:
            self._ny[node] = None
            self.pending_points.add(x)
            return
        self._csorted.remove(x)
        del self._nodes[x]
        cp = self._cp
        cn = self._cn
        an = cp[node]
        bn = cn[node]
        if an is not None:
            cn[an] = bn
        if bn is not None:
            cp[bn] = an
        cp[node] = cn[node] = self._ce[node] = self._re[node] = self._ny[node] = None
        self._free.append(node)

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
        self._split_combined(node, an, bn)

    def _split_combined(self, node: int, an: int | None, bn: int | None) -> None:
        """Record pending ``node``, just linked between combined neighbours ``an`` and ``bn``."""
        nx = self._nx
        x = nx[node]
        self.pending_points.add(x)
        if an is not None and bn is not None:
            gap = self._ce[an][5]  # type: ignore[index]
            if gap is not None:
                e: REntry = self._re[self._nodes[gap]]  # type: ignore[assignment]
                loss = e[3]
                dx = e[2] - gap
                a = nx[an]
                b = nx[bn]
                self._set_comb(an, x, (x - a) * loss / dx, gap)
                self._set_comb(node, b, (b - x) * loss / dx, gap)
                if len(self._cheap) > 2 * len(self._nodes) + 62:
                    self._compact_heaps()
                return
        if an is not None:
            self._set_comb(an, x, _INF, None)
        if bn is not None:
            self._set_comb(node, nx[bn], _INF, None)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any], *, force: bool = False) -> None:
        """Tell the learner many values at once.

        All points are validated before any is stored. When many new points arrive at once
        (more than half the number already known, or ``force=True``) every structure is rebuilt
        in one O(n log n) pass, with all losses computed at the final y-scale.

        Parameters
        ----------
        xs
            Points (real numbers).
        ys
            The values at ``xs``, in the same order.
        force
            Always use the bulk rebuild.
        """
        new = self._validated_new_points(xs, ys)
        if not new:
            return
        if not force and not (len(new) > 0.5 * len(self.data) and len(new) > 2):
            for x, (stored_x, yi_x) in new.items():
                self._add_point(x, stored_x, yi_x)
            return
        with _gc_paused():
            self._bulk_add(new)

    def _validated_new_points(  # noqa: PLR0912
        self, xs: Iterable[Any], ys: Iterable[Any]
    ) -> dict[float, tuple[Any, YInternal]]:
        """Check and convert a batch; return ``{x: (stored, internal)}`` of the new points.

        Raises on the first bad value, before anything is stored (``vdim`` included).
        """
        data = self.data
        if (
            isinstance(xs, np.ndarray)
            and isinstance(ys, np.ndarray)
            and xs.ndim == 1
            and ys.shape == xs.shape
            and xs.dtype.kind in "fiu"
            and ys.dtype.kind in "fiu"
            and not self._vec
        ):
            # Fast path for arrays of scalars (tell_many of many points, load()).
            xa = xs.astype(float, copy=False)
            if not np.isfinite(xa).all():
                bad = xa[~np.isfinite(xa)][0]
                msg = f"Learner1D points must be finite, got {bad!r}."
                raise ValueError(msg)
            # first occurrence of each x, in the order given
            _, first = np.unique(xa, return_index=True)
            first.sort()
            fx = xa[first].tolist()
            fy = ys.astype(float, copy=False)[first].tolist()
            if self._vdim is None and fx:
                self._vdim = 1
            if data:
                return {x: (y, y) for x, y in zip(fx, fy, strict=True) if x not in data}
            return {x: (y, y) for x, y in zip(fx, fy, strict=True)}
        xl = xs.tolist() if isinstance(xs, np.ndarray) and xs.ndim == 1 else _as_list("xs", xs)
        if isinstance(ys, np.ndarray) and ys.ndim == 1:
            yl: list[Any] = ys.tolist()
        else:
            yl = _as_list("ys", ys)
        if len(xl) != len(yl):
            msg = f"xs and ys must have the same length, got {len(xl)} and {len(yl)}."
            raise ValueError(msg)
        new: dict[float, tuple[Any, YInternal]] = {}
        saved = self._vdim, self._vec, self._fast_default
        try:
            for x, y in zip(xl, yl, strict=True):
                if type(x) is not float or x - x != 0.0:
                    x = _as_x(x)  # noqa: PLW2901
                if x in data or x in new:
                    continue
                stored: Any
                yi: YInternal
                if type(y) is float:
                    stored, yi = y, y
                else:
                    stored, yi = _as_y(y)
                if type(yi) is float:
                    if self._vec:
                        self._check_vdim(yi)
                elif not self._vec or self._vdim != len(yi):  # type: ignore[arg-type]
                    self._check_vdim(yi)
                new[x] = (stored, yi)
        except Exception:
            self._vdim, self._vec, self._fast_default = saved
            raise
        if new and self._vdim is None:
            self._vdim = 1
        return new

    def _bulk_add(self, new: dict[float, tuple[Any, YInternal]]) -> None:
        """Add many points and rebuild every structure at once (O(n log n))."""
        lo, hi = self.bounds
        data = self.data
        xs_new = list(new)
        stored_new = [v[0] for v in new.values()]
        data.update(zip(xs_new, stored_new, strict=True))
        self._log_x.extend(xs_new)
        self._log_y.extend(stored_new)
        if self.pending_points:
            self.pending_points.difference_update(xs_new)
        # All real points inside the bounds: the known ones, then the new ones.
        ny = self._ny
        known = [i for i in self._nodes.values() if ny[i] is not None]
        in_x = [self._nx[i] for i in known]
        in_y: list[YInternal] = [ny[i] for i in known]  # type: ignore[misc]
        for x, v in new.items():
            if lo <= x <= hi:
                in_x.append(x)
                in_y.append(v[1])
        n = len(in_x)
        # y bounding box from scratch (finite values only).
        self._ymin, self._ymax, self._yscale = _INF, -_INF, 0.0
        x_arr = np.array(in_x, dtype=float).reshape(n)
        order = np.argsort(x_arr, kind="stable")
        xs_sorted = x_arr[order]
        ys_sorted = None
        if self._vec:
            if in_y:
                arr = np.array(in_y, dtype=float)
                fin = np.isfinite(arr)
                mins = np.where(fin, arr, _INF).min(axis=0)
                maxs = np.where(fin, arr, -_INF).max(axis=0)
                self._ymin, self._ymax = mins.tolist(), maxs.tolist()
                spans = [h - m for m, h in zip(self._ymin, self._ymax, strict=True) if h >= m]
                self._yscale = max(spans, default=0.0)
        else:
            y_arr = np.array(in_y, dtype=float).reshape(n)
            finite = y_arr[np.isfinite(y_arr)]
            if finite.size:
                self._ymin = float(finite.min())
                self._ymax = float(finite.max())
                self._yscale = self._ymax - self._ymin
            ys_sorted = y_arr[order]
        reals: list[float] = xs_sorted.tolist()
        if ys_sorted is not None:  # scalars: the same floats, converted in C
            ys_list: list[YInternal] = ys_sorted.tolist()
        else:
            ys_list = [in_y[i] for i in order.tolist()]
        rnodes = self._rebuild_neighbours(reals, ys_list)
        self._recompute_all(rnodes, reals, xs_sorted, ys_sorted)

    def _rebuild_neighbours(self, reals: list[float], ys: list[YInternal]) -> list[int]:
        """Make fresh nodes for sorted real points (values ``ys``) and the pending points.

        Returns the real nodes, in order (``0 .. len(reals) - 1``). Their entries are left empty.
        """
        n = len(reals)
        lo, hi = self.bounds
        pend = [p for p in self.pending_points if lo <= p <= hi]
        m = n + len(pend)
        # Real node i links to i - 1 and i + 1; pending nodes come after the real ones.
        rprev: list[int | None] = [None, *range(n - 1)] if n else []
        rnext: list[int | None] = [*range(1, n), None] if n else []
        self._nx = reals + pend
        self._ny = [*ys, *([None] * len(pend))]
        self._rp = rprev + [None] * len(pend)
        self._rn = rnext + [None] * len(pend)
        self._re = [None] * m
        self._ce = [None] * m
        self._free = []
        self._rfirst = 0 if n else None
        self._rlast = n - 1 if n else None
        self._nreal = n
        self._nodes = dict(zip(self._nx, range(m), strict=True))
        if pend:
            nx = self._nx
            self._cp, self._cn = _chain(sorted(range(m), key=nx.__getitem__), m)
            self._csorted = _sorted_list(nx)
        else:  # the combined points are the real ones
            self._cp = rprev[:]
            self._cn = rnext[:]
            self._csorted = _sorted_list(reals)
        return list(range(n))

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
        lo, hi = self.bounds
        cs = self._csorted
        nodes = self._nodes
        nx = self._nx
        cp = self._cp
        cn = self._cn
        ce = self._ce
        for x in pending:
            if not lo <= x <= hi:
                continue
            cs.remove(x)
            node = nodes.pop(x)
            an = cp[node]
            bn = cn[node]
            # Free the node (a pending node has no real links or real entry).
            cp[node] = cn[node] = ce[node] = self._ny[node] = None
            self._free.append(node)
            if an is not None:
                cn[an] = bn
            if bn is not None:
                cp[bn] = an
            if an is None:
                continue
            if bn is None:  # a is now the last combined point: no interval starts there
                ce[an] = None
                continue
            # x was not real, so (a, x) and (x, b) lay in the same real interval `gap` (or
            # both outside the hull of the real points): (a, b) does too.
            gap = ce[an][5]  # type: ignore[index]
            b = nx[bn]
            if gap is None:
                self._set_comb(an, b, _INF, None)
            else:
                e: REntry = self._re[nodes[gap]]  # type: ignore[assignment]
                self._set_comb(an, b, (b - nx[an]) * e[3] / (e[2] - e[1]), gap)
        self._compact_heaps()

    # ------------------------------------------------------------------------------ ask ---

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[float], list[float]]:  # noqa: PLR0915
        """Return ``n`` points that are expected to reduce the loss the most.

        Parameters
        ----------
        n
            Number of points, ``n >= 0``.
        tell_pending
            Mark the points as pending (default). With False the learner is not changed.

        Returns
        -------
        points, loss_improvements
            The points, and the loss improvement expected from each.

        Notes
        -----
        O(n log n) (O(log n) amortised for ``n == 1``).
        """
        if type(n) is not int:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                msg = f"n must be a non-negative int, got {n!r}."
                raise TypeError(msg)
            n = int(n)
        if n < 0:
            msg = f"n must be >= 0 (the number of points to ask for), got {n}."
            raise ValueError(msg)
        if n == 1 and self._have_bounds:
            # The hot path of a runner: halve the interval with the largest loss.
            heap = self._cheap
            nodes = self._nodes
            ce = self._ce
            while heap:
                top = heap[0]
                a = top[1]
                an = nodes.get(a)
                if an is not None and ce[an] is top:
                    b = top[2]
                    x = a + (b - a) / 2
                    if tell_pending and a < x < b:
                        # x falls between two neighbouring combined points, so it is new:
                        # link it directly instead of searching for its neighbours.
                        self._csorted.add(x)
                        cn = self._cn
                        bn: int = cn[an]  # type: ignore[assignment]
                        node = self._alloc(x, None)
                        nodes[x] = node
                        cn[an] = node
                        self._cp[node] = an
                        cn[node] = bn
                        self._cp[bn] = node
                        gap = top[5]
                        if gap is None:
                            self._split_combined(node, an, bn)
                        else:  # inlined _split_combined for x inside the real hull
                            self.pending_points.add(x)
                            gn = an if gap == a else nodes[gap]
                            e: REntry = self._re[gn]  # type: ignore[assignment]
                            loss = e[3]
                            dx = e[2] - gap
                            c1 = (x - a) * loss / dx
                            c2 = (b - x) * loss / dx
                            rank = self._rank
                            k1 = (
                                -(int(c1 * _ROUND + 0.5) / _ROUND)
                                if -_BIG < c1 < _BIG
                                else rank(c1, a, x)
                            )
                            k2 = (
                                -(int(c2 * _ROUND + 0.5) / _ROUND)
                                if -_BIG < c2 < _BIG
                                else rank(c2, x, b)
                            )
                            seq = self._seq + 2
                            self._seq = seq
                            e1 = (k1, a, x, seq - 1, c1, gap)
                            e2 = (k2, x, b, seq, c2, gap)
                            ce[an] = e1
                            ce[node] = e2
                            # `top` is replaced: pop it and push e1 in one sift.
                            heapq.heapreplace(heap, e1)
                            heapq.heappush(heap, e2)
                    elif tell_pending:
                        self.tell_pending(x)
                    return [x], [top[4] / 2]
                heapq.heappop(heap)
        points, improvements = self._ask_points(n)
        if tell_pending:
            for p in points:
                self.tell_pending(p)
        return points, improvements

    def _missing_bounds(self) -> list[float]:
        if self._have_bounds:
            return []
        data = self.data
        lo, hi = self.bounds
        if lo in data and hi in data:
            self._have_bounds = True
            return []
        pend = self.pending_points
        return [b for b in self.bounds if b not in data and b not in pend]

    def _top_comb(self) -> CEntry | None:
        heap = self._cheap
        nodes = self._nodes
        ce = self._ce
        while heap:
            e = heap[0]
            nd = nodes.get(e[1])
            if nd is not None and ce[nd] is e:
                return e
            heapq.heappop(heap)  # a replaced entry: garbage
        return None

    def _ask_points(self, n: int) -> tuple[list[float], list[float]]:  # noqa: PLR0912, PLR0915
        if n == 0:
            return [], []
        missing = self._missing_bounds()
        if len(missing) >= n:
            return missing[:n], [_INF] * n
        if not self._csorted:
            lo, hi = self.bounds
            return np.linspace(lo, hi, n).tolist(), [_INF] * n
        if n == 1 and not missing:  # the hot path of a runner
            top = self._top_comb()
            if top is not None:
                a, b = top[1], top[2]
                return [a + (b - a) / 2], [top[4] / 2]

        # Split the intervals into parts: repeatedly either take the next interval (in order of
        # loss) and halve it, or split the best already-taken interval into one more part,
        # whichever has the larger loss per part. The order of comparisons and ties is the
        # reference library's, so both return the same points.
        quals: list[tuple[float, float, float, int, float]] = []
        rank = self._rank
        if missing:
            cs = self._csorted
            lo, hi = self.bounds
            if lo in missing:
                quals.append((rank(_INF, lo, cs[0]), lo, cs[0], 1, _INF))
            if hi in missing:
                quals.append((rank(_INF, cs[-1], hi), cs[-1], hi, 1, _INF))
            heapq.heapify(quals)
        heap = self._cheap
        nodes = self._nodes
        ce = self._ce
        popped: list[CEntry] = []

        def next_comb() -> CEntry | None:
            while heap:
                e = heapq.heappop(heap)
                nd = nodes.get(e[1])
                if nd is not None and ce[nd] is e:
                    popped.append(e)
                    return e
            return None

        cand = next_comb()
        try:
            for _ in range(n - len(missing)):
                if quals:
                    q = quals[0]
                    # (loss, interval) >= (loss, (a, b, parts)), compared as the reference does
                    take = cand is not None and (-cand[0], (cand[1], cand[2])) >= (  # type: ignore[operator]
                        -q[0],
                        (q[1], q[2], q[3]),
                    )
                else:
                    if cand is None:  # nothing left to split (cannot happen in bounds)
                        break
                    take = True
                if take:
                    assert cand is not None
                    a, b, loss = cand[1], cand[2], cand[4] / 2
                    heapq.heappush(quals, (rank(loss, a, b, 2), a, b, 2, loss))
                    cand = next_comb()
                else:
                    _, a, b, m, loss = heapq.heappop(quals)
                    loss = loss * m / (m + 1)
                    heapq.heappush(quals, (rank(loss, a, b, m + 1), a, b, m + 1, loss))
        finally:
            for e in popped:
                heapq.heappush(heap, e)

        points = list(missing)
        improvements = [_INF] * len(missing)
        for _, a, b, m, loss in sorted(quals):
            if m > 1:
                points.extend(_linspace(a, b, m))
                improvements.extend([loss] * (m - 1))
        return points, improvements

    # ----------------------------------------------------------------------------- loss ---

    def loss(self, real: bool = True) -> float:
        """Return the largest interval loss.

        Parameters
        ----------
        real
            If True (default), the loss of the evaluated data; infinite until both bounds
            are evaluated. If False, include the pending points (the loss expected once they
            arrive); infinite while a bound is neither evaluated nor pending.

        Returns
        -------
        float
            The loss.

        Notes
        -----
        O(1) amortised. The result is also stored in ``learner._cache["loss"]``, where code
        written for the reference library (its ``live_info``) reads the latest loss.
        """
        loss = self._real_loss() if real else self._combined_loss()
        self._cache["loss"] = loss
        return loss

    def _real_loss(self) -> float:
        lo, hi = self.bounds
        data = self.data
        if lo not in data or hi not in data:
            return _INF
        heap = self._rheap
        nodes = self._nodes
        re_ = self._re
        while heap:
            e = heap[0]
            nd = nodes.get(e[1])
            if nd is not None and re_[nd] is e:
                return e[3]
            heapq.heappop(heap)
        return _INF

    def _combined_loss(self) -> float:
        lo, hi = self.bounds
        data = self.data
        pend = self.pending_points
        if (lo not in data and lo not in pend) or (hi not in data and hi not in pend):
            return _INF
        top = self._top_comb()
        return _INF if top is None else top[4]

    # ----------------------------------------------------------------------- data access ---

    def _data_arrays_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return the x and y values of the points told after the first ``start``, in order.

        Parameters
        ----------
        start
            Number of points to skip (``0 <= start``; past the end gives empty arrays).

        Returns
        -------
        xs, ys
            A float array of shape ``(k,)`` and one of shape ``(k,)`` or ``(k, vdim)``.

        Notes
        -----
        O(k): reads an append-only record, for live plots that send only new points.
        """
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or start < 0:
            msg = f"start must be a non-negative int, got {start!r}."
            raise ValueError(msg)
        xs = np.array(self._log_x[start:], dtype=float)
        ys_list = self._log_y[start:]
        if self._vec:
            ys = np.array(ys_list, dtype=float).reshape(len(ys_list), self.vdim)
        else:
            ys = np.array(ys_list, dtype=float)
        return xs, ys

    def _sorted_data(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        xs, ys = self._data_arrays_since(0)
        order = np.argsort(xs, kind="stable")
        return xs[order], ys[order]

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by x, as an array of shape ``(npoints, 1 + vdim)``.

        Returns
        -------
        numpy.ndarray
            Column 0 holds x, the others the function's value(s).
        """
        xs, ys = self._sorted_data()
        return (
            np.column_stack([xs, ys.reshape(len(xs), -1)])
            if len(xs)
            else np.empty((0, 1 + self.vdim))
        )

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame``, sorted by x.

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        x_name
            Name of the input column.
        y_name
            Name of the output column (holding arrays for vector-valued functions).

        Returns
        -------
        pandas.DataFrame
            With ``df.attrs["inputs"] == [x_name]`` and ``df.attrs["output"] == y_name``.

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        try:
            import pandas
        except ModuleNotFoundError as e:
            msg = "to_dataframe needs pandas: pip install pandas"
            raise ImportError(msg) from e
        xs, ys = self._sorted_data()
        df = pandas.DataFrame({x_name: xs})
        if self._vec:
            col = np.empty(len(xs), dtype=object)
            col[:] = list(ys)
            df[y_name] = col
        else:
            df[y_name] = ys
        df.attrs["inputs"] = [x_name]
        df.attrs["output"] = y_name
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
    ) -> None:
        """Tell the learner the data of a DataFrame made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Bind the function's default-argument columns to ``learner.function`` (with
            ``functools.partial``).
        function_prefix
            Prefix of those columns, as used in ``to_dataframe``.
        x_name
            Name of the input column.
        y_name
            Name of the output column.
        """
        for name in (x_name, y_name):
            if name not in df.columns:
                msg = (
                    f"The DataFrame has no column {name!r} (columns: {list(df.columns)}); "
                    "pass x_name=/y_name= as used in to_dataframe."
                )
                raise KeyError(msg)
        self.tell_many(df[x_name].to_numpy(), df[y_name].to_numpy())
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    # ---------------------------------------------------------------------- persistence ---

    def _get_data(self) -> dict[float, Any]:
        # A copy: periodic saving pickles it in another thread while the runner keeps telling.
        return dict(self.data)

    def _set_data(self, data: dict[float, Any]) -> None:
        if not data:
            return
        xs: Any
        ys: Any
        try:  # arrays take the fast path of tell_many
            xs = np.fromiter(data.keys(), dtype=float, count=len(data))
            ys = np.fromiter(data.values(), dtype=float, count=len(data))
        except (TypeError, ValueError):  # vectors, or values that need checking one by one
            xs, ys = list(data.keys()), list(data.values())
        self.tell_many(xs, ys)

    def __getstate__(self) -> bytes:
        import cloudpickle

        # The nodes are stored as flat columns in the order of `_csorted`; links and heaps are
        # rebuilt on load (and node indices renumbered, dropping freed nodes).
        state = {k: v for k, v in self.__dict__.items() if k not in _NODE_STATE}
        comb = self._combined_nodes()
        ny = self._ny
        re_ = self._re
        ce = self._ce
        state["_node_columns"] = (
            [ny[i] for i in comb],
            [re_[i] for i in comb],
            [ce[i] for i in comb],
        )
        return cloudpickle.dumps(state)  # type: ignore[no-any-return]

    def __setstate__(self, state: bytes) -> None:
        import cloudpickle

        d = cloudpickle.loads(state)
        ys, rentries, centries = d.pop("_node_columns")
        self.__dict__.update(d)
        cs = self._csorted
        cs._reset(_SORTED_LOAD)  # a SortedList unpickles with the default load
        m = len(ys)
        # Node i is the i-th combined point; the real ones are linked among themselves.
        self._nx = list(cs)
        self._ny = ys
        self._re = rentries
        self._ce = centries
        self._cp = [None, *range(m - 1)] if m else []
        self._cn = [*range(1, m), None] if m else []
        self._free = []
        self._nodes = dict(zip(self._nx, range(m), strict=True))
        reals = [i for i, y in enumerate(ys) if y is not None]
        self._rp, self._rn = _chain(reals, m)
        self._rfirst = reals[0] if reals else None
        self._rlast = reals[-1] if reals else None
        self._rheap = [e for e in rentries if e is not None]
        self._cheap = [e for e in centries if e is not None]
        heapq.heapify(self._rheap)
        heapq.heapify(self._cheap)

    # ----------------------------------------------------------------------------- plot ---

    def plot(self, *, scatter_or_line: str = "scatter") -> holoviews.Overlay:
        """Plot the evaluated data with holoviews (bokeh backend).

        Parameters
        ----------
        scatter_or_line
            ``"scatter"`` (default) for points, ``"line"`` for a line through them.

        Returns
        -------
        holoviews.Overlay
            One Scatter per output component (or a Path), with 5% margins on x.
        """
        if scatter_or_line not in ("scatter", "line"):
            msg = f"scatter_or_line must be 'scatter' or 'line', got {scatter_or_line!r}."
            raise ValueError(msg)
        hv = holoviews_with_backend()
        xs, ys = self._sorted_data()
        if scatter_or_line == "scatter":
            if self._vec:
                plots = [hv.Scatter((xs, ys[:, i])) for i in range(ys.shape[1])]
            else:
                plots = [hv.Scatter((xs, ys))]
        else:
            plots = [hv.Path((xs, ys))]
        # An Overlay even for one element, so a live plot keeps one type while vdim is unknown.
        lo, hi = self.bounds
        margin = 0.05 * (hi - lo)
        overlay = hv.Overlay(plots).redim(x={"range": (lo - margin, hi + margin)})
        return accept_legacy_opts(overlay, "Scatter" if scatter_or_line == "scatter" else "Path")

    # ----------------------------------------------------------------------- invariants ---

    def _check_invariants(self) -> None:  # noqa: PLR0912, PLR0915
        """Assert every internal invariant (for tests; O(n log n))."""
        lo, hi = self.bounds
        data = self.data
        nodes = self._nodes
        assert list(data) == self._log_x, "data order differs from the told-order record"
        assert len(self._log_y) == len(self._log_x)
        for x, y in zip(self._log_x, self._log_y, strict=True):
            assert data[x] is y or np.array_equal(data[x], y, equal_nan=True)
        assert not (self.pending_points & data.keys()), "a point is both pending and evaluated"
        if self._have_bounds:
            assert lo in data
            assert hi in data
        assert self._fast_default == (self.loss_per_interval is default_loss and not self._vec)
        nx, ny, re_, ce = self._nx, self._ny, self._re, self._ce
        rp, rn, cp, cn = self._rp, self._rn, self._cp, self._cn
        size = len(nx)
        assert all(len(col) == size for col in (ny, rp, rn, cp, cn, re_, ce))
        for x, nd in nodes.items():
            assert nx[nd] == x
        free = set(self._free)
        assert len(free) == len(self._free), "a node is freed twice"
        assert free.isdisjoint(nodes.values()), "a freed node is in use"
        assert len(free) + len(nodes) == size, "a node is neither in use nor free"
        for i in free:
            assert (ny[i], rp[i], rn[i], cp[i], cn[i], re_[i], ce[i]) == (None,) * 7
        reals = sorted(x for x in data if lo <= x <= hi)
        assert sorted(x for x, nd in nodes.items() if ny[nd] is not None) == reals
        assert self._nreal == len(reals)
        yv: dict[float, YInternal] = {x: ny[nodes[x]] for x in reals}  # type: ignore[misc]
        for x in reals:
            assert _finite(yv[x]) == _finite(_as_y(data[x])[1])
        # y bounding box
        if self._vec:
            assert self._vdim is not None
            for x in data:
                assert np.shape(data[x]) == (self._vdim,)
        elif data:
            assert self._vdim == 1
        fin = [yv[x] for x in reals if _finite(yv[x])]
        if not self._vec:
            if fin:
                assert self._ymin == min(fin)
                assert self._ymax == max(fin)
                assert self._yscale == self._ymax - self._ymin
            else:
                assert self._yscale == 0.0
        # real neighbours
        assert self._rfirst == (nodes[reals[0]] if reals else None)
        assert self._rlast == (nodes[reals[-1]] if reals else None)
        for i, x in enumerate(reals):
            nd = nodes[x]
            assert rp[nd] == (nodes[reals[i - 1]] if i > 0 else None)
            assert rn[nd] == (nodes[reals[i + 1]] if i + 1 < len(reals) else None)
        # combined neighbours
        comb = sorted(set(reals) | {p for p in self.pending_points if lo <= p <= hi})
        assert list(self._csorted) == comb
        assert sorted(nodes) == comb
        for i, x in enumerate(comb):
            nd = nodes[x]
            assert cp[nd] == (nodes[comb[i - 1]] if i > 0 else None)
            assert cn[nd] == (nodes[comb[i + 1]] if i + 1 < len(comb) else None)
            if ny[nd] is None:
                assert rp[nd] is None
                assert rn[nd] is None
                assert re_[nd] is None
        # scale bookkeeping
        factor = self._recompute_losses_factor
        assert self._old_yscale <= self._yscale
        assert self._yscale <= factor * self._old_yscale or self._yscale == 0.0
        # real entries: one per interval, loss equal to a recomputation at the recorded scale
        rentry = {x: er for x, nd in nodes.items() if (er := re_[nd]) is not None}
        assert set(rentry) == set(reals[:-1])
        for left, right in itertools.pairwise(reals):
            e = rentry[left]
            assert e[1] == left
            assert e[2] == right
            assert self._old_yscale <= e[4] <= self._yscale
            loss = self._interval_loss(nodes[left], nodes[right], e[4])
            assert _same_float(e[3], loss), (left, right, e[3], loss)
            assert e[0] == self._rank(e[3], left, right)
        live_r = {id(e) for e in rentry.values()}
        assert live_r <= {id(e) for e in self._rheap}, "a live real entry is missing from its heap"
        _assert_heap(self._rheap)
        # combined entries: derived from the real ones
        centry = {x: ec for x, nd in nodes.items() if (ec := ce[nd]) is not None}
        assert set(centry) == set(comb[:-1])
        gap: float | None = None
        for a, b in itertools.pairwise(comb):
            if a in rentry:
                gap = a
            elif a in yv:
                gap = None
            e2 = centry[a]
            assert (e2[1], e2[2], e2[5]) == (a, b, gap), (a, b, e2, gap)
            if gap is None:
                assert e2[4] == _INF
            else:
                r = rentry[gap]
                assert _same_float(e2[4], (b - a) * r[3] / (r[2] - r[1]))
            assert e2[0] == self._rank(e2[4], a, b)
        live_c = {id(e) for e in centry.values()}
        assert live_c <= {id(e) for e in self._cheap}, "a live combined entry is missing"
        _assert_heap(self._cheap)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while rebuilding the learner's structures.

    A rebuild allocates a few hundred thousand tuples, which triggers many collections that
    each scan every live object, roughly doubling the time of tell_many/load of 100k points.
    The tuples hold no references to containers, so there is nothing for the collector to
    free among them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chain(order: list[int], size: int) -> tuple[list[int | None], list[int | None]]:
    """Previous and next columns (of length ``size``) linking the nodes ``order`` in turn."""
    prev: list[int | None] = [None] * size
    nxt: list[int | None] = [None] * size
    for i, j in itertools.pairwise(order):
        nxt[i] = j
        prev[j] = i
    return prev, nxt


def _refill_heap(heap: list[Any], entries: list[Any]) -> None:
    """Make ``heap`` a heap of ``entries``, in place.

    In place, because a new list would be young for the garbage collector: its next two
    collections would each visit every entry (a cache miss per entry once the heap outgrows
    the CPU caches), where the old list has long moved to the oldest generation.
    """
    heap[:] = entries
    heapq.heapify(heap)


def _sorted_list(values: Iterable[float] = ()) -> SortedList:
    sl = SortedList()
    sl._reset(_SORTED_LOAD)  # documented in sortedcontainers' "implementation details"
    sl.update(values)
    return sl


def _same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _assert_heap(heap: list[Any]) -> None:
    for i in range(1, len(heap)):
        assert not heap[i] < heap[(i - 1) // 2], "heap order violated"
