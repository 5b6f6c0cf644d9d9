"""AverageLearner1D's resampling policy: which point gets more samples, and how many it may get.

A point is resampled while it is *undersampled* (fewer than ``min_samples`` samples, or markedly
fewer than its neighbours) or while its ``rescaled_error`` (the half-width of its confidence
interval over the distance to its nearest neighbour in the x-y plane) exceeds ``delta``; never
once its error is at most ``min_error`` or it has ``max_samples`` samples.

The largest rescaled error sits on a heap with lazy invalidation (:class:`Resampling` keeps
``x -> entry`` for the live entries; a stale entry is skipped when it reaches the top), so
choosing the point to resample costs O(log n). :class:`Resampling` is a base class of
AverageLearner1D; it owns no state of its own (``AverageLearner1D._reset`` creates it).
"""

from __future__ import annotations

import heapq
import math

from adaptive_nb.learner._average1d_data import t_quantile
from adaptive_nb.learner.learner1D import Learner1D

__all__ = ["Point", "Resampling"]

_INF = math.inf
_hypot = math.hypot
_heappush = heapq.heappush

Point = tuple[int, float]
# Entry of the rescaled-error heap: (-value, seq, x). `seq` grows with every write, so among
# equal values the earliest written comes first, as in the reference's ItemSortedDict.
_REntry = tuple[float, int, float]


class Resampling(Learner1D):
    """The resampling rules and the rescaled-error heap of AverageLearner1D (a base class)."""

    # Parameters (set and checked by AverageLearner1D).
    min_samples: int
    alpha: float
    neighbor_sampling: float
    _delta: float
    _min_error: float
    _max_samples: int
    # State (created by AverageLearner1D._reset, where each is explained).
    pending_points: set[Point]  # type: ignore[assignment]
    _data_samples: dict[float, dict[int, float]]
    _number_samples: dict[float, int]
    _undersampled_points: set[float]
    error: dict[float, float]
    _distances: dict[float, float]
    _resc: dict[float, _REntry]
    _resc_heap: list[_REntry]
    _resc_seq: int

    def _refresh_resampling(self) -> None:
        """Apply ``min_error`` and ``max_samples`` to every point (O(n log n))."""
        if "_resc" not in self.__dict__:  # during __init__
            return
        for x, n in self._number_samples.items():
            if n >= 2 and (self.error[x] <= self._min_error or n >= self._max_samples):
                self._resc.pop(x, None)
            elif x not in self._resc:
                self._set_resc(x, self._rescaled(x))
        self._compact_resc()

    def _set_resc(self, x: float, value: float) -> None:
        seq = self._resc_seq + 1
        self._resc_seq = seq
        e = (-value, seq, x)
        self._resc[x] = e
        _heappush(self._resc_heap, e)

    def _top_resc(self) -> _REntry | None:
        heap = self._resc_heap
        resc = self._resc
        while heap:
            e = heap[0]
            if resc.get(e[2]) is e:
                return e
            heapq.heappop(heap)
        return None

    def _compact_resc(self) -> None:
        if len(self._resc_heap) > 2 * len(self._resc) + 64:
            self._resc_heap[:] = self._resc.values()
            heapq.heapify(self._resc_heap)

    def _norm(self, x: float) -> float:
        """Distance from x to its nearest real neighbour in the x-y plane (inf without one)."""
        node = self._nodes[x]
        left = self._rp[node]
        d = _INF if self._rn[node] is None else self._distances[x]
        if left is not None:
            d = min(self._distances[self._nx[left]], d)
        return d

    def _rescaled(self, x: float) -> float:
        d = self._norm(x)
        e = self.error[x]
        if d == _INF:  # a single point: nothing to compare its error with
            return _INF
        return e / d if d > 0 else (_INF if e > 0 else 0.0)

    def _update_rescaled_around(self, node: int, resampled: bool) -> None:
        """Refresh the rescaled errors of x and of its real neighbours, as the reference does."""
        nx = self._nx
        x = nx[node]
        ln = self._rp[node]
        rn = self._rn[node]
        resc = self._resc
        if ln is not None and nx[ln] in resc:
            xl = nx[ln]
            self._set_resc(xl, self._rescaled(xl))
        if rn is not None and nx[rn] in resc:
            xr = nx[rn]
            self._set_resc(xr, self._rescaled(xr))
        if resampled:
            self._set_resc(x, self._rescaled(x))

    def _update_distances(self, node: int) -> None:
        nx = self._nx
        x = nx[node]
        data = self.data
        y = data[x]
        ln = self._rp[node]
        rn = self._rn[node]
        if ln is not None:
            xl = nx[ln]
            self._distances[xl] = _hypot(x - xl, y - data[xl])
        if rn is not None:
            xr = nx[rn]
            self._distances[x] = _hypot(xr - x, data[xr] - y)

    def _after_samples(
        self, x: float, node: int, n: int, m2: float, *, neighbor_rule: bool
    ) -> None:
        """Undersampling, error, distances and rescaled errors after new samples at x."""
        if x in self._undersampled_points:
            if neighbor_rule:
                if n >= self.min_samples and n > self.neighbor_sampling * self._neighbor_n(node):
                    self._undersampled_points.discard(x)
            elif n > self.min_samples:  # tell_many_at_point: the reference's rule there
                self._undersampled_points.discard(x)
        err = t_quantile(self.alpha, n) * (max(m2, 0.0) / (n - 1) / n) ** 0.5
        self.error[x] = err
        self._update_distances(node)
        self._update_rescaled_around(node, resampled=True)
        if err <= self._min_error or n >= self._max_samples:
            self._resc.pop(x, None)

    def _neighbor_n(self, node: int) -> float:
        """Mean number of samples of the real neighbours (0 without any)."""
        ns = self._number_samples
        nx = self._nx
        ln = self._rp[node]
        rn = self._rn[node]
        if ln is not None and rn is not None:
            return (ns[nx[ln]] + ns[nx[rn]]) / 2
        if ln is not None:
            return ns[nx[ln]]
        if rn is not None:
            return ns[nx[rn]]
        return 0

    def _more_samples(self, x: float, n: int) -> tuple[list[Point], list[float]]:
        n_existing = self._number_samples.get(x, 0)
        told = self._data_samples[x]
        pending = self.pending_points
        seeds: list[int] = []
        seed = n_existing
        while len(seeds) < n:
            if seed not in told and (seed, x) not in pending:
                seeds.append(seed)
            seed += 1
        node = self._nodes[x]
        ce = self._ce
        an = self._cp[node]
        left = _INF if an is None else ce[an][4]  # type: ignore[index]
        right_e = ce[node]
        right = _INF if right_e is None else right_e[4]
        loss = (left + right) / 2
        if math.isinf(loss):
            gain = _INF
        else:
            gain = loss - loss * math.sqrt(n_existing) / math.sqrt(n_existing + n)
        return [(s, x) for s in seeds], [gain / n] * n
