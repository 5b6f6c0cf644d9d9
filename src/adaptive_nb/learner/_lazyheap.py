"""A min-heap of loss entries with lazy updates, small where the work is: a bucketed queue.

Entries are immutable tuples ``(priority, *identity, slot)`` with ``priority = -loss``. The owner
keeps the current entry of every slot in a list ``current``; the structure keeps, per slot, the
entry that represents it (``rep[slot]``), which is either the current entry or a *bound* for it:
an entry with the same identity and a priority no larger. :meth:`LazyHeap.offer` pushes a new
current entry only if the representative is not such a bound (a learner's losses go down about
as often as up, so this halves the pushes); when a bound surfaces, :meth:`LazyHeap.top` swaps it
for the current entry. An entry that is not ``rep[slot]`` is garbage, dropped when it is met.

Why buckets: a binary heap of every entry costs a cache miss per level at each pop once it
outgrows the CPU caches (tens of thousands of triangles), and a learner pops a dozen entries per
point (mostly garbage that surfaces: the triangles a tell just replaced had the largest losses).
So a pop at 20k points cost 5x one at 1k, the largest part of Learner2D's growing per-point
cost. But an adaptive learner equidistributes its losses, and all the work happens at the
largest of them. Here the priority axis is cut into bins, ``_PER_OCTAVE`` per factor of two of
the loss (:func:`_bin`, monotone in the priority). Invariants:

* ``hot`` is an exact binary heap holding every stored entry whose bin is ``<= cur``; every
  other entry is in ``buckets[bin]`` (an unsorted list), and every key of ``buckets`` is in
  the small heap ``bins``. So every bucketed entry has a larger priority than every hot one,
  and the top is the top of ``hot``; only when ``hot`` runs dry does the next bin become hot
  (its garbage filtered out, the rest heapified: linear, sequential work);
* ``hot`` holds one bin (under 1% of the entries of an equidistributed learner), so its pops
  stay in cache; a push below the front is an append to a list.

Garbage in the buckets is dropped when a bin turns hot or by :meth:`LazyHeap.maintain`: when
the structure holds more than three times the live entries plus a constant, the buckets are
filtered one by one, a budget of ``4/3 * (entries pushed since the last call) + 16`` entries
per call (a bucket at a time, so a call can exceed it by one bucket), so that no step filters
everything and the cost per point stays even. ``hot`` itself is filtered and heapified in one
go when it holds more than twice the live entries plus a constant, which only happens when
most losses share one bin (e.g. a loss that is zero everywhere): then this is a plain lazy
binary heap.
"""

from __future__ import annotations

import itertools
import math
from heapq import heapify, heappop, heappush
from typing import Any

__all__ = ["LazyHeap"]

# 64 bins per octave (a factor 1.011 each): at 20k points of Learner2D the hot bin holds a few
# hundred of the 40k live triangles. Measured on the flatness benchmark (last / first 1000
# points): 16 bins 1.47, 32 1.41, 64 1.39, 128 1.36, but more bins make small learners slower
# (more bins turn hot); 32 and 64 gave the lowest totals (3.6 s for 20k points).
_PER_OCTAVE = 64
_TOP = -(1 << 30)  # the bin of an infinite or NaN loss: before every finite one
_BOTTOM = 1 << 30  # the bin of a loss <= 0: after every positive one
_HOT_MIN = 256  # hot may always hold this many entries before maintain() re-buckets it


def _bin(priority: float) -> int:
    """Return the bin of ``priority = -loss``, a non-decreasing function of the priority."""
    if priority < 0.0:
        if priority > -math.inf:
            mantissa, exponent = math.frexp(-priority)  # mantissa in [0.5, 1)
            return -(exponent * _PER_OCTAVE + int((mantissa - 0.5) * (2 * _PER_OCTAVE)))
        return _TOP
    return _BOTTOM if priority >= 0.0 else _TOP  # the else: NaN, kept hot


class LazyHeap:
    """Min-heap of tuples ``(priority, *identity, slot)`` with lazy updates, bucketed by priority.

    Parameters
    ----------
    entries
        Initial entries, each the current entry of its slot (not copied into the result).
    nslots
        Number of slots.
    """

    __slots__ = ("_hot_limit", "_pushes", "_size", "_todo", "bins", "buckets", "cur", "hot", "rep")

    def __init__(self, entries: list[Any], nslots: int) -> None:
        self.rep: list[Any] = [None] * nslots
        self.hot: list[Any] = []
        self.cur = _TOP - 1  # no bin is hot yet: top() makes the first one hot
        self.buckets: dict[int, list[Any]] = {}
        self.bins: list[int] = []
        self._size = 0
        self._todo: list[int] = []  # bins still to filter in this garbage-collection cycle
        self._pushes = 0
        self._hot_limit = _HOT_MIN
        rep = self.rep
        for e in entries:
            rep[e[-1]] = e
            self._push(e)

    def __len__(self) -> int:
        return self._size

    def grow(self, nslots: int) -> None:
        """Add slots (with no entry) up to ``nslots``."""
        self.rep.extend([None] * (nslots - len(self.rep)))

    def _push(self, entry: Any) -> None:
        b = _bin(entry[0])
        if b <= self.cur:
            heappush(self.hot, entry)
        else:
            bucket = self.buckets.get(b)
            if bucket is None:
                self.buckets[b] = [entry]
                heappush(self.bins, b)
            else:
                bucket.append(entry)
        self._size += 1

    def offer(self, entry: Any) -> None:
        """Make ``entry`` its slot's current entry (the owner also stores it in ``current``)."""
        t = entry[-1]
        h = self.rep[t]
        if h is not None and h[0] <= entry[0] and h[1:-1] == entry[1:-1]:
            return  # h bounds the new entry: it is swapped in when h surfaces
        self.rep[t] = entry
        self._push(entry)
        self._pushes += 1

    def withdraw(self, slot: int) -> None:
        """Remove the slot's entry (lazily)."""
        self.rep[slot] = None

    def push_back(self, entry: Any) -> None:
        """Put back an entry taken by :meth:`pop`, unless its slot has a newer one since."""
        if self.rep[entry[-1]] is entry:
            self._push(entry)

    def top(self, current: list[Any]) -> Any:
        """Return the smallest current entry, or None."""
        rep = self.rep
        hot = self.hot
        while True:
            while hot:
                e = hot[0]
                t = e[-1]
                if rep[t] is not e:
                    heappop(hot)
                    self._size -= 1
                    continue
                cur = current[t]
                if cur is e:
                    return e
                heappop(hot)  # a bound: replace it by the current entry, wherever that goes
                self._size -= 1
                rep[t] = cur
                self._push(cur)
            # hot ran dry: the smallest bin becomes hot.
            bucket = None
            while bucket is None:
                if not self.bins:
                    return None
                b = heappop(self.bins)
                bucket = self.buckets.pop(b, None)  # None: emptied by maintain()
            live = [e for e in bucket if rep[e[-1]] is e]
            self._size -= len(bucket) - len(live)
            heapify(live)
            self.hot = hot = live
            self.cur = b

    def pop(self, current: list[Any]) -> Any:
        """Remove and return the smallest current entry (there must be one)."""
        entry = self.top(current)
        heappop(self.hot)
        self._size -= 1
        return entry

    def maintain(self, nlive: int) -> None:
        """Do a bounded step of garbage collection; ``nlive`` bounds the live entries."""
        budget = (4 * self._pushes) // 3 + 16
        self._pushes = 0
        if len(self.hot) > self._hot_limit:
            self._rebucket()
            self._hot_limit = 2 * len(self.hot) + _HOT_MIN + nlive // 16
        rep = self.rep
        if not self._todo:
            if self._size <= 3 * nlive + 64:
                return
            self._todo = list(self.buckets)
        buckets, todo = self.buckets, self._todo
        while todo and budget > 0:
            b = todo.pop()
            bucket = buckets.get(b)
            if bucket is None:
                continue
            live = [e for e in bucket if rep[e[-1]] is e]
            self._size -= len(bucket) - len(live)
            budget -= len(bucket)
            if live:
                buckets[b] = live
            else:
                del buckets[b]  # its key stays in bins: top() skips it

    def _rebucket(self) -> None:
        """Make only the smallest live entry's bin hot again, bucketing the rest of ``hot``."""
        rep = self.rep
        hot = self.hot
        live = [e for e in hot if rep[e[-1]] is e]
        self._size -= len(hot) - len(live)
        self.hot = []
        self.cur = _bin(min(live)[0]) if live else _TOP - 1
        self._size -= len(live)  # _push counts them again
        for e in live:
            self._push(e)

    def __setstate__(self, state: Any) -> None:
        slots = state[1] if isinstance(state, tuple) else state
        if "hot" in slots:
            for name, value in slots.items():
                setattr(self, name, value)
            return
        # Pickled before the queue was bucketed (one binary heap "new", and "old" while it was
        # being migrated): rebuilt from the entries that represent their slots.
        rep = slots["rep"]
        seen: set[int] = set()
        live = []
        for e in itertools.chain(slots["new"], slots["old"]):
            if rep[e[-1]] is e and id(e) not in seen:
                seen.add(id(e))
                live.append(e)
        self.__init__(live, len(rep))  # type: ignore[misc]

    def copy(self) -> LazyHeap:
        """Return an independent structure holding the same (shared, immutable) entries."""
        other = LazyHeap.__new__(LazyHeap)
        other.rep = list(self.rep)
        other.hot = list(self.hot)
        other.cur = self.cur
        other.buckets = {b: list(bucket) for b, bucket in self.buckets.items()}
        other.bins = list(self.bins)
        other._size = self._size
        other._todo = list(self._todo)
        other._pushes = self._pushes
        other._hot_limit = self._hot_limit
        return other
