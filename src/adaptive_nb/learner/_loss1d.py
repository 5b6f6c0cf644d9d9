"""Loss functions of Learner1D, the check of a user's ``loss_per_interval``, and their use.

A 1D loss receives the rescaled xs and ys of one interval (plus ``nth_neighbors`` neighbours on
each side, ``None`` beyond the edges; see :func:`uses_nth_neighbors`) and returns a real number:
the learner splits the intervals with the largest losses first.

:class:`IntervalLosses` (a base class of Learner1D) evaluates the loss of the learner's
intervals: the interval and its neighbours rescaled, the non-finite rule, and vectorised
recomputation of all losses.

The public functions are documented, pickled and imported under
``adaptive_nb.learner.learner1D`` (the reference library's module), which re-exports them.
"""

from __future__ import annotations

import inspect
import itertools
import math
import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar

import numpy as np

from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner._data1d import _finite
from adaptive_nb.learner._interval_index import _BIG, YInternal
from adaptive_nb.learner.base_learner import uses_nth_neighbors

__all__ = [
    "IntervalLosses",
    "LossFunction",
    "Real",
    "abs_min_log_loss",
    "curvature_loss_function",
    "default_loss",
    "resolution_loss_function",
    "triangle_loss",
    "uniform_loss",
]

Real: TypeAlias = float | int | np.floating[Any] | np.integer[Any]
LossFunction: TypeAlias = Callable[[tuple[Any, ...], tuple[Any, ...]], Any]

_INF = math.inf
_F = TypeVar("_F", bound=Callable[..., Any])


def _public(f: _F) -> _F:
    # Users import, and pickles reference, these functions under the module of the reference
    # library; keeping __module__ there keeps pickles independent of this private module.
    f.__module__ = "adaptive_nb.learner.learner1D"
    return f


@_public
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


@_public
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


@_public
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


@_public
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


@_public
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


@_public
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


class IntervalLosses:
    """Losses of a Learner1D's real intervals; a base class of Learner1D."""

    bounds: tuple[float, float]
    data: dict[float, Any]
    loss_per_interval: LossFunction
    nth_neighbors: int
    _xscale: float
    _dx_eps: float
    _vec: bool
    _fast_default: bool
    _yscale: float
    _nx: list[float]
    _nxr: list[float]
    _ny: list[YInternal | None]
    _rp: list[int | None]
    _rn: list[int | None]
    _re: list[Any]
    _rloc: list[Any]

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
        """Build the error for a loss function that failed on the interval of nodes (ln, rn)."""
        fn = self.loss_per_interval
        name = getattr(fn, "__name__", None) or repr(fn)
        return LossFunctionError(
            f"loss_per_interval={name} {what} on the interval ({self._nx[ln]!r}, "
            f"{self._nx[rn]!r}). The learner is as it was before this call: the points were "
            "not added. Fix the loss function (it must return a real number for every "
            "interval), then tell the points again."
        )

    def _local_losses_around(  # noqa: PLR0911 - the hot path, written out
        self, node: int, window: Any, local: Any
    ) -> tuple[list[int], list[float], list[int] | None]:
        """``_window_losses_of_run`` with ``window_losses_local``: the usual case written out.

        The two outer intervals (``a3``-``a2`` and ``b2``-``b3``) are left out when their
        entry is marked local (``_rloc``) and has the current y-scale: their ends and their
        ends' neighbours are not the new point, so the loss is the same, and
        ``_store_real_losses`` would keep the entry (the outer points are then not needed).
        A mark is set only on losses this path computed, so such an interval was wide enough.
        """
        # (Any: the links are ints here, past the None checks; the values floats)
        rp: Any = self._rp
        rnx: Any = self._rn
        try:
            a1 = rp[node]
            a2 = rp[a1]
            a3 = rp[a2]
            a4 = rp[a3]
            b1 = rnx[node]
            b2 = rnx[b1]
            b3 = rnx[b2]
            b4 = rnx[b3]
        except TypeError:
            return (*self._window_losses_of_run(node, window), None)
        if a4 is None or b4 is None:
            return (*self._window_losses_of_run(node, window), None)
        ysc = self._yscale
        re_: Any = self._re
        loc: Any = self._rloc
        e = re_[a3]
        keep_a = loc[a3] is e and e is not None and e[4] == ysc
        e = re_[b2]
        keep_b = loc[b2] is e and e is not None and e[4] == ysc
        nx: Any = self._nx
        eps = self._dx_eps
        x = nx[node]
        xa1 = nx[a1]
        xa2 = nx[a2]
        xb1 = nx[b1]
        xb2 = nx[b2]
        if not (xa1 - xa2 >= eps and x - xa1 >= eps and xb1 - x >= eps and xb2 - xb1 >= eps):
            return (*self._window_losses_of_run(node, window), None)
        xr: Any = self._nxr
        ny: Any = self._ny
        yd = ysc or 1.0
        # (rescaled as _generic_loss does: x / _xscale, y / y-scale)
        xs = [xr[a4], xr[a3], xr[a2], xr[a1], xr[node], xr[b1], xr[b2], xr[b3], xr[b4]]
        ys = [
            ny[a4] / yd,
            ny[a3] / yd,
            ny[a2] / yd,
            ny[a1] / yd,
            ny[node] / yd,
            ny[b1] / yd,
            ny[b2] / yd,
            ny[b3] / yd,
            ny[b4] / yd,
        ]
        lefts = [a2, a1, node, b1]
        if not keep_a:
            a5 = rp[a4]
            if a5 is None or xa2 - nx[a3] < eps:
                return (*self._window_losses_of_run(node, window), None)
            xs.insert(0, xr[a5])
            ys.insert(0, ny[a5] / yd)
            lefts.insert(0, a3)
        if not keep_b:
            b5 = rnx[b4]
            if b5 is None or nx[b3] - xb2 < eps:
                return (*self._window_losses_of_run(node, window), None)
            xs.append(xr[b5])
            ys.append(ny[b5] / yd)
            lefts.append(b2)
        reads: list[int] = []
        losses: list[float] = local(xs, ys, 2, 2 + len(lefts), reads)
        # (A window loss is never negative, so a finite sum below _BIG bounds every loss.)
        if 0.0 <= sum(losses) < _BIG:
            return lefts, losses, [i - 2 for i in reads] if reads else reads
        return (*self._window_losses_of_run(node, window), None)

    def _window_losses_of_run(self, node: int, window: Any) -> tuple[list[int], list[float]]:
        """``_losses_around`` for a loss with the batch protocol (``window_losses``), in general.

        The protocol: ``loss.window_losses(xs, ys, first, last)`` gets a run of consecutive
        rescaled points (``None`` beyond the edges) and returns the non-negative losses of the
        intervals ``first .. last - 1`` of the run, equal bit for bit to ``loss`` called on
        each interval with its ``nth`` neighbours. Optionally, ``loss.window_losses_local``
        takes the same arguments and a list, returns the same losses and appends to the list
        every ``i`` whose loss read a point beyond its two ends' neighbours (``xs[i - 2]``,
        ``xs[i + 3]``): every other loss depends on points ``i - 1 .. i + 2`` only. (A tell
        with such a loss and ``nth == 2`` calls ``_local_losses_around`` instead.)

        The ``2 * nth + 2`` intervals around ``node`` and their ``nth`` neighbours on each side
        are rescaled once and handed over in one call; the intervals the generic path treats
        specially (narrower than the resolution, a non-finite loss) are redone by it. Any
        ``nth_neighbors``, the edges and the special cases: returns the left nodes of the
        intervals, in order, and their losses.
        """
        nn = self.nth_neighbors
        reach = 2 * nn + 1
        ns, pad_l = self._real_run(node, reach)
        if len(ns) < 2:  # the only real point: no interval
            return [], []
        pad_r = 2 * reach + 1 - pad_l - len(ns)
        ysc = self._yscale
        nx = self._nx
        pick = operator.itemgetter(*ns)
        yd = ysc or 1.0
        xs: list[Any] = [None] * pad_l + list(pick(self._nxr)) + [None] * pad_r
        ys: list[Any] = [None] * pad_l + [y / yd for y in pick(self._ny)] + [None] * pad_r
        # Intervals from nth + 1 points left of node to nth + 1 points right of it, clipped
        # to the points that exist.
        first = nn if nn >= pad_l else pad_l
        last = reach + nn + 1 if pad_r <= nn else 2 * reach - pad_r
        losses: list[float] = window(xs, ys, first, last)
        i = first - pad_l
        lefts = ns[i : i + len(losses)]
        eps = self._dx_eps
        for j, u in enumerate(lefts):
            v = ns[i + j + 1]
            loss = losses[j]
            if not (-_BIG < loss < _BIG and nx[v] - nx[u] >= eps):
                losses[j] = self._interval_loss(u, v, ysc)
        return lefts, losses

    def _real_run(self, node: int, reach: int) -> tuple[list[int], int]:
        """Return the real nodes up to ``reach`` steps left and right of ``node``, in order.

        And how many of the ``reach`` on the left are missing (past the first real point).
        """
        rp = self._rp
        rnx = self._rn
        ns: list[int] = []
        p: int | None = node
        for _ in range(reach):
            p = rp[p]  # type: ignore[index]
            if p is None:
                break
            ns.append(p)
        pad_l = reach - len(ns)
        ns.reverse()
        ns.append(node)
        p = node
        for _ in range(reach):
            p = rnx[p]
            if p is None:
                break
            ns.append(p)
        return ns, pad_l

    def _losses_around(self, node: int) -> dict[int, float]:
        """Losses of the real intervals a new real ``node`` changes, by their left node.

        Computed (and so checked) before any of them is stored: a user's loss function may
        raise, and then nothing must have changed.
        """
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

    def _vector_default_loss(self, ln: int, rn: int, s: float, ys: float) -> float:
        dx = self._nx[rn] / s - self._nx[ln] / s
        y0: Any = self._ny[ln]
        y1: Any = self._ny[rn]
        hyps = [math.hypot(dx, b / ys - a / ys) for a, b in zip(y0, y1, strict=True)]
        if any(math.isnan(h) for h in hyps):
            return math.nan
        return max(hyps)

    def _losses_of(
        self,
        rnodes: list[int],
        reals: list[float],
        ysc: float,
        xs_sorted: np.ndarray[Any, Any] | None = None,
        ys_sorted: np.ndarray[Any, Any] | None = None,
        *,
        reads: list[int] | None = None,
    ) -> list[float]:
        """Losses of all real intervals, equal bit for bit to ``_interval_loss``.

        ``reads``: given only for a loss with ``window_losses`` and ``window_losses_local``
        (and ``nth_neighbors == 2``, scalar values); gets the indices of the losses that are
        not local (see ``_window_losses_of_run``).
        """
        n = len(reals)
        if n < 2:
            return []
        window = getattr(self.loss_per_interval, "window_losses", None)
        if window is not None and not self._vec:
            return self._window_losses_of(window, rnodes, reals, ysc, reads)
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

    def _window_losses_of(
        self,
        window: Any,
        rnodes: list[int],
        reals: list[float],
        ysc: float,
        reads: list[int] | None = None,
    ) -> list[float]:
        """All real losses with the batch protocol, equal to ``_interval_loss`` one by one.

        ``reads`` as for ``_losses_of``.
        """
        nn = self.nth_neighbors
        s = self._xscale
        yd = ysc or 1.0
        ny = self._ny
        pad: list[Any] = [None] * nn
        xs = pad + [x / s for x in reals] + pad
        ys = pad + [ny[i] / yd for i in rnodes] + pad  # type: ignore[operator]
        if reads is None:
            losses = window(xs, ys, nn, nn + len(reals) - 1)
        else:
            local = self.loss_per_interval.window_losses_local  # type: ignore[attr-defined]
            losses = local(xs, ys, nn, nn + len(reals) - 1, reads)
            reads[:] = [i - nn for i in reads]
        eps = self._dx_eps
        for i, loss in enumerate(losses):
            if not -_BIG < loss < _BIG or reals[i + 1] - reals[i] < eps:
                losses[i] = self._interval_loss(rnodes[i], rnodes[i + 1], ysc)
                if reads is not None:
                    reads.append(i)  # (not computed by the batch: no mark)
        return losses  # type: ignore[no-any-return]
