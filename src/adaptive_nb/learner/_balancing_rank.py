"""Which child of a BalancingLearner goes next: an argmin over keys that change one at a time.

Keys are minimised; :func:`larger_first` turns "largest loss wins" into such a key, and
:data:`EXHAUSTED` is the key of a child with nothing to suggest (it sorts last).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any

__all__ = ["EXHAUSTED", "LazyArgmin", "larger_first"]

EXHAUSTED: tuple[float, ...] = (math.inf, math.inf)


def larger_first(value: Any) -> float:
    """Sort key that puts larger values first and NaN last (NaN never wins a comparison)."""
    v = float(value)
    return math.inf if math.isnan(v) else -v


class LazyArgmin:
    """The index with the smallest key among ``n`` items whose keys change one at a time.

    A binary heap with lazy deletion: invalidating an item bumps its version (its heap entry goes
    stale) and marks it dirty; keys of dirty items are recomputed on the next :meth:`best`. Ties go
    to the lowest index, as ``max``/``argmin`` over a list would.

    Notes
    -----
    ``best`` costs O(d log n) for d items changed since the last call (O(log n) in a runner, where
    one child changes per tell), instead of the O(n) of a scan over all children.
    """

    __slots__ = ("_dirty", "_heap", "_key", "_n", "_version")

    def __init__(self, n: int, key: Callable[[int], tuple[float, ...]]) -> None:
        self._n = n
        self._key = key
        self._version = [0] * n
        self._heap: list[tuple[tuple[float, ...], int, int]] = []
        self._dirty: set[int] = set(range(n))

    def invalidate(self, i: int) -> None:
        """Mark the key of item ``i`` as changed."""
        if i not in self._dirty:
            self._version[i] += 1
            self._dirty.add(i)

    def invalidate_all(self) -> None:
        """Mark every key as changed."""
        self._version = [v + 1 for v in self._version]
        self._heap.clear()
        self._dirty = set(range(self._n))

    def best(self) -> tuple[tuple[float, ...], int]:
        """Return ``(key, index)`` of the item with the smallest key (ties: lowest index)."""
        heap, version = self._heap, self._version
        while self._dirty:
            i = self._dirty.pop()
            try:
                key = self._key(i)
            except BaseException:
                self._dirty.add(i)  # stays dirty: recomputed on the next call
                raise
            heapq.heappush(heap, (key, i, version[i]))
        if len(heap) > 2 * self._n + 64:  # drop stale entries so the heap stays O(n)
            self._heap = heap = [e for e in heap if e[2] == version[e[1]]]
            heapq.heapify(heap)
        while heap[0][2] != version[heap[0][1]]:
            heapq.heappop(heap)
        key, i, _ = heap[0]
        return key, i
