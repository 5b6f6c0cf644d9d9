"""Choosing Learner1D's points: ``ask``, and ``loss``, the largest interval loss.

``ask(1)`` halves the combined interval with the largest loss (its hot path links the new
pending point directly); ``ask(n)`` splits the intervals into parts in the order of loss, with
the reference library's comparisons and ties, so that both libraries return the same points.
:class:`Asking` is a base class of Learner1D (see ``_interval_index`` for why).
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._interval_index import (
    _BIG,
    _ROUND,
    CEntry,
    IntervalIndex,
    REntry,
)
from adaptive_nb.learner._interval_index import rank as _rank
from adaptive_nb.learner.base_learner import check_n

__all__ = ["Asking"]

_INF = math.inf
# HOT PATHS (ask(1), and the pending points of ask(n)) inline the finite branch of `rank`
# (defined in _interval_index): a call costs about 4% of the instructions per point.


def _linspace(a: float, b: float, n: int) -> list[float]:
    # The n - 1 interior points of n equal parts of (a, b), computed as the reference does so
    # that both libraries return bit-identical points.
    step = (b - a) / n
    return [a + step * i for i in range(1, n)]


class Asking(IntervalIndex):
    """``ask`` and ``loss`` of Learner1D; a base class of it."""

    bounds: tuple[float, float]
    data: dict[float, Any]
    pending_points: set[float]
    _have_bounds: bool
    _cache: dict[str, Any]

    if TYPE_CHECKING:

        def tell_pending(self, x: Any) -> None: ...

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
        if type(n) is not int or n < 0:  # the checked call only off the hot path
            n = check_n(n)
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
                        self.pending_points.add(x)
                        if gap is None:
                            self._split_combined(node, an, bn)
                        else:  # inlined _split_combined for x inside the real hull
                            gn = an if gap == a else nodes[gap]
                            e: REntry = self._re[gn]  # type: ignore[assignment]
                            loss = e[3]
                            dx = e[2] - gap
                            c1 = (x - a) * loss / dx
                            c2 = (b - x) * loss / dx
                            # `rank`, inlined (HOT PATHS)
                            k1 = (
                                -(int(c1 * _ROUND + 0.5) / _ROUND)
                                if -_BIG < c1 < _BIG
                                else _rank(c1, a, x, self._xscale)
                            )
                            k2 = (
                                -(int(c2 * _ROUND + 0.5) / _ROUND)
                                if -_BIG < c2 < _BIG
                                else _rank(c2, x, b, self._xscale)
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
        xscale = self._xscale
        if missing:
            cs = self._csorted
            lo, hi = self.bounds
            if lo in missing:
                quals.append((_rank(_INF, lo, cs[0], xscale), lo, cs[0], 1, _INF))
            if hi in missing:
                quals.append((_rank(_INF, cs[-1], hi, xscale), cs[-1], hi, 1, _INF))
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
                    heapq.heappush(quals, (_rank(loss, a, b, xscale, 2), a, b, 2, loss))
                    cand = next_comb()
                else:
                    _, a, b, m, loss = heapq.heappop(quals)
                    loss = loss * m / (m + 1)
                    heapq.heappush(quals, (_rank(loss, a, b, xscale, m + 1), a, b, m + 1, loss))
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
        top = self._top_real()
        return _INF if top is None else top[3]

    def _combined_loss(self) -> float:
        lo, hi = self.bounds
        data = self.data
        pend = self.pending_points
        if (lo not in data and lo not in pend) or (hi not in data and hi not in pend):
            return _INF
        top = self._top_comb()
        return _INF if top is None else top[4]
