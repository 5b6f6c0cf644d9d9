"""A binary min-heap with lazy deletion whose garbage is collected a little at every step.

Entries are immutable tuples whose last item is a slot number; an entry is *live* while it is
the object stored in ``live[slot]`` (the owner keeps that list), so replacing ``live[slot]``
deletes the old entry in O(1) and leaves it in the heap as garbage, skipped when it surfaces.

Garbage must not grow without bound, and a stop-the-world compaction (filter, heapify) costs
O(heap) in one step: a pause of tens of milliseconds at 20k points that makes the per-point
cost spiky. Here compaction is incremental. When the heap holds more than four times the live
entries plus a constant, it is frozen as ``old`` (still a heap, still answering queries) and new
entries go to a fresh heap ``new``; a copy of ``old`` (one C-level list copy) is then scanned a
chunk per :meth:`LazyHeap.maintain`, ``4/3 * (entries pushed since the last call) + 16`` entries
at a time, and its live entries are pushed to ``new`` (a push costs O(1) on average, unlike a
pop). When the scan ends, ``old`` is dropped. Invariants:

* every live entry is in ``new`` or in ``old``; the top is the smaller of the two heaps' live
  tops, so queries stay exact during a migration. A live entry may sit in both heaps for a
  while (it is then on top of both when it is the smallest, and :meth:`LazyHeap.pop` takes it
  from both);
* the scan runs 4/3 as fast as ``new`` fills: it ends when ``new`` holds at most the live
  entries plus 3/4 of the frozen heap, about the threshold, so under a steady stream of
  updates one migration follows the other and every step does the same share of the work (a
  faster scan would bunch the work into part of the cycle: uneven per-point costs; a lower
  threshold migrates the live entries more often: more work per step, measured). The total
  stays below about ``8 * live + 3 * (pushes of one step) + 200`` entries;
* the work per step is proportional to the pushes of that step, plus the list copy when a
  migration starts (pointer copies, milliseconds at 100k entries): no step filters or
  re-heapifies the whole heap.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush
from typing import Any

__all__ = ["LazyHeap"]


class LazyHeap:
    """Min-heap of tuples ``(..., slot)``, live while ``live[slot] is entry``.

    Parameters
    ----------
    entries
        Initial entries (heapified, not copied if a list).
    """

    __slots__ = ("_mark", "_pos", "_scan", "new", "old")

    def __init__(self, entries: list[Any] | None = None) -> None:
        self.new: list[Any] = entries if entries is not None else []
        heapify(self.new)
        self.old: list[Any] = []
        self._scan: list[Any] = []  # a copy of old, scanned from _pos on
        self._pos = 0
        self._mark = len(self.new)

    def __len__(self) -> int:
        return len(self.new) + len(self.old)

    def push(self, entry: Any) -> None:
        """Add an entry (the owner must store it in ``live`` to make it live)."""
        heappush(self.new, entry)

    def top(self, live: list[Any]) -> Any:
        """Return the smallest live entry, or None; garbage on top of either heap is dropped."""
        new, old = self.new, self.old
        while new and live[new[0][-1]] is not new[0]:
            heappop(new)
        if old:
            while old and live[old[0][-1]] is not old[0]:
                heappop(old)
            if old and (not new or old[0] <= new[0]):
                return old[0]
        return new[0] if new else None

    def pop(self, live: list[Any]) -> Any:
        """Remove and return the smallest live entry (there must be one)."""
        entry = self.top(live)
        old, new = self.old, self.new
        if old and old[0] is entry:
            heappop(old)
        if new and new[0] is entry:
            heappop(new)
        return entry

    def maintain(self, live: list[Any], nlive: int) -> None:
        """Do a bounded step of garbage collection; ``nlive`` bounds the live entries."""
        new = self.new
        if not self._scan and len(new) > 4 * nlive + 64:
            self.old = new
            self._scan = list(new)
            self._pos = 0
            self.new = new = []
            self._mark = 0
        scan = self._scan
        if scan:
            i = self._pos
            j = min(i + (4 * max(len(new) - self._mark, 0)) // 3 + 16, len(scan))
            for e in scan[i:j]:
                if live[e[-1]] is e:
                    heappush(new, e)
            self._pos = j
            if j == len(scan):
                self._scan = []
                self.old = []
        self._mark = len(new)

    def copy(self) -> LazyHeap:
        """Return an independent heap holding the same (shared, immutable) entries."""
        other = LazyHeap.__new__(LazyHeap)
        other.new = list(self.new)
        other.old = list(self.old)
        other._scan = self._scan  # read only
        other._pos = self._pos
        other._mark = self._mark
        return other
