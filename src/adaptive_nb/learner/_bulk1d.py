"""Many points told to Learner1D at once: checking a batch, and rebuilding in O(n log n)."""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._data1d import _as_list, _as_x, _as_y
from adaptive_nb.learner._interval_index import YInternal

__all__ = ["BulkTell"]

_INF = math.inf


class BulkTell:
    """The batch part of ``Learner1D.tell_many``; a base class of Learner1D."""

    bounds: tuple[float, float]
    data: dict[float, Any]
    pending_points: set[float]
    _log_x: list[float]
    _log_y: list[Any]
    _vdim: int | None
    _vec: bool
    _fast_default: bool
    _ymin: Any
    _ymax: Any
    _yscale: float
    _nodes: dict[float, int]
    _nx: list[float]
    _ny: list[YInternal | None]

    if TYPE_CHECKING:

        def _check_vdim(self, yi: YInternal) -> None: ...

        def _rebuild_neighbours(
            self, reals: list[float], ys: list[YInternal], pending: list[float]
        ) -> list[int]: ...

        def _recompute_all(
            self,
            rnodes: list[int] | None = None,
            reals: list[float] | None = None,
            xs_sorted: np.ndarray[Any, Any] | None = None,
            ys_sorted: np.ndarray[Any, Any] | None = None,
        ) -> None: ...

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
                    stored, yi = _as_y(y, x)
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
        pend = [p for p in self.pending_points if lo <= p <= hi]
        rnodes = self._rebuild_neighbours(reals, ys_list, pend)
        self._recompute_all(rnodes, reals, xs_sorted, ys_sorted)


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
