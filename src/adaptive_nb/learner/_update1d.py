"""Keeping Learner1D's interval entries up to date: the losses a tell changes, and rescaling.

A told point changes only the losses of the ``2 + 2 * nth_neighbors`` real intervals around it
(and the combined intervals inside them), except when the y-range has grown by more than
``_recompute_losses_factor`` since the last full rescale: then every loss is recomputed.
:class:`LossUpdates` is a base class of Learner1D (see ``_interval_index`` for why).
"""

from __future__ import annotations

import heapq
import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._interval_index import (
    _BIG,
    _ROUND,
    IntervalIndex,
    YInternal,
    _refill_heap,
)
from adaptive_nb.learner._interval_index import rank as _rank
from adaptive_nb.learner._interval_index import ranks as _ranks

__all__ = ["LossUpdates"]

# HOT PATHS (tell, and the pending points of ask(n)) inline the finite branch of `rank`: a
# call costs about 4% of the instructions per point. `_check_invariants` holds every entry's
# key to `rank`.
_heappush = heapq.heappush
_INF = math.inf


class LossUpdates(IntervalIndex):
    """The learner's real and combined entries kept equal to its losses; a base of Learner1D."""

    _yscale: float
    _old_yscale: float
    _ymin: Any
    _ymax: Any
    _fast_default: bool
    _dx_eps: float
    _vec: bool
    nth_neighbors: int
    loss_per_interval: Any

    if TYPE_CHECKING:

        def _interval_loss(self, ln: int, rn: int, yscale: float) -> float: ...

        def _losses_of(
            self,
            rnodes: list[int],
            reals: list[float],
            ysc: float,
            xs_sorted: np.ndarray[Any, Any] | None = None,
            ys_sorted: np.ndarray[Any, Any] | None = None,
            *,
            reads: list[int] | None = None,
        ) -> list[float]: ...

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
        s = self._xscale
        loss: float
        if self._fast_default and dx >= self._dx_eps:
            # Inlined default_loss on scalars (the hot path): identical to _interval_loss.
            yd = ysc or 1.0
            ny = self._ny
            loss = math.hypot(right / s - left / s, ny[rn] / yd - ny[ln] / yd)  # type: ignore[operator]
            if -_BIG < loss < _BIG:
                k = -(int(loss * _ROUND + 0.5) / _ROUND)  # `rank`, inlined (HOT PATHS)
            else:
                loss = self._interval_loss(ln, rn, ysc)
                k = _rank(loss, left, right, s)
        else:
            if precomputed is not None and ln in precomputed:
                loss = precomputed[ln]
            else:
                loss = self._interval_loss(ln, rn, ysc)
            if -_BIG < loss < _BIG:
                k = -(int(loss * _ROUND + 0.5) / _ROUND)  # `rank`, inlined (HOT PATHS)
            else:
                k = _rank(loss, left, right, s)
        e = (k, left, right, loss, ysc)
        self._re[ln] = e
        _heappush(self._rheap, e)
        cn = self._cn
        bn: int = cn[ln]  # type: ignore[assignment]
        if bn == rn:  # no pending point inside: one combined interval (inlined _set_comb)
            c = dx * loss / dx
            if c != loss:  # round-off (rare): rank it separately
                k = _rank(c, left, right, s)
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

    def _store_real_losses(
        self, lefts: list[int], losses: list[float], reads: list[int] | None = None
    ) -> None:
        """Store the ``losses`` of consecutive real intervals, whose left nodes are ``lefts``.

        ``_update_real_interval`` with the loss given, its usual case (no pending point
        inside) inlined: a told point changes ``2 + 2 * nth_neighbors`` losses at once.
        ``reads``: the positions in ``lefts`` of the losses that read beyond their ends'
        neighbours, None when not known (then none counts as local; see ``_rloc``). A kept
        entry (the same loss) is marked too: the mark describes the latest computation.
        """
        loc = self._rloc
        nx = self._nx
        rnx = self._rn
        cn = self._cn
        re_ = self._re
        ce = self._ce
        rheap = self._rheap
        cheap = self._cheap
        ysc = self._yscale
        s = self._xscale
        for ln, loss in zip(lefts, losses, strict=True):
            rn: int = rnx[ln]  # type: ignore[assignment]
            right = nx[rn]
            old = re_[ln]
            if old is not None and old[3] == loss and old[2] == right and old[4] == ysc:
                # The same interval with the same loss at the same scale: its entry and the
                # combined ones inside it (derived from it whenever pending points change)
                # are still exact. A loss that reads the new point only through an outer
                # neighbour often keeps its value; skipping saves the heap pushes.
                loc[ln] = old
                continue
            if cn[ln] != rn:  # pending points inside: the general path
                self._update_real_interval(ln, rn, {ln: loss})
                loc[ln] = re_[ln]
                continue
            left = nx[ln]
            if -_BIG < loss < _BIG:
                k = -(int(loss * _ROUND + 0.5) / _ROUND)  # `rank`, inlined (HOT PATHS)
            else:
                k = _rank(loss, left, right, s)
            e = (k, left, right, loss, ysc)
            re_[ln] = loc[ln] = e
            _heappush(rheap, e)
            dx = right - left
            c = dx * loss / dx
            if c != loss:  # round-off (rare): rank it separately
                k = _rank(c, left, right, s)
            else:
                c = loss
            seq = self._seq + 1
            self._seq = seq
            ce_ = (k, left, right, seq, c, left)
            ce[ln] = ce_
            _heappush(cheap, ce_)
        if reads is None:
            for ln in lefts:
                loc[ln] = None
        else:
            for j in reads:
                loc[lefts[j]] = None

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
            rnodes = self._real_nodes()
        if reals is None:
            nx = self._nx
            reals = [nx[i] for i in rnodes]
        ysc = self._yscale
        lefts = reals[:-1]
        rights = reals[1:]
        lf = self.loss_per_interval
        # The locality marks (_rloc) too, where the loss can tell them.
        reads: list[int] | None = (
            []
            if self.nth_neighbors == 2
            and not self._vec
            and hasattr(lf, "window_losses")
            and hasattr(lf, "window_losses_local")
            else None
        )
        losses = self._losses_of(rnodes, reals, ysc, xs_sorted, ys_sorted, reads=reads)
        keys = _ranks(losses, lefts, rights, self._xscale)
        entries = list(zip(keys, lefts, rights, losses, itertools.repeat(ysc), strict=False))
        re_ = self._re
        for i, e in zip(rnodes, entries, strict=False):
            re_[i] = e
        if reads is not None:
            loc = self._rloc
            for i, e in zip(rnodes, entries, strict=False):
                loc[i] = e
            for j in reads:
                loc[rnodes[j]] = None
        _refill_heap(self._rheap, entries)
        self._rebuild_combined_entries(rnodes, reals, losses, keys)
        self._old_yscale = ysc
