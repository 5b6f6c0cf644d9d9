"""A binary min-heap with lazy updates whose garbage is collected a little at every step.

Entries are immutable tuples ``(priority, *identity, slot)``. The owner keeps the current entry
of every slot in a list ``current``; the heap keeps, per slot, the entry that represents it
(``rep[slot]``), which is either the current entry or a *bound* for it: an entry with the same
identity and a priority no larger. :meth:`LazyHeap.offer` pushes a new current entry only if
the representative is not such a bound (a learner's losses go down about as often as up, so
this halves the pushes); when a bound surfaces, :meth:`LazyHeap.top` swaps it for the current
entry. An entry that is not ``rep[slot]`` is garbage, skipped when it surfaces. The top is exact:
every entry below a valid top has a priority, and so a current priority, at least the top's.

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
    """Min-heap of tuples ``(priority, *identity, slot)`` with lazy updates.

    Parameters
    ----------
    entries
        Initial entries, each the current entry of its slot (heapified, not copied).
    nslots
        Number of slots.
    """

    __slots__ = ("_mark", "_pos", "_scan", "new", "old", "rep")

    def __init__(self, entries: list[Any], nslots: int) -> None:
        self.rep: list[Any] = [None] * nslots
        for e in entries:
            self.rep[e[-1]] = e
        self.new: list[Any] = entries
        heapify(self.new)
        self.old: list[Any] = []
        self._scan: list[Any] = []  # a copy of old, scanned from _pos on
        self._pos = 0
        self._mark = len(self.new)

    def __len__(self) -> int:
        return len(self.new) + len(self.old)

    def grow(self, nslots: int) -> None:
        """Add slots (with no entry) up to ``nslots``."""
        self.rep.extend([None] * (nslots - len(self.rep)))

    def offer(self, entry: Any) -> None:
        """Make ``entry`` its slot's current entry (the owner also stores it in ``current``)."""
        t = entry[-1]
        h = self.rep[t]
        if h is not None and h[0] <= entry[0] and h[1:-1] == entry[1:-1]:
            return  # h bounds the new entry: it is swapped in when h surfaces
        self.rep[t] = entry
        heappush(self.new, entry)

    def withdraw(self, slot: int) -> None:
        """Remove the slot's entry (lazily)."""
        self.rep[slot] = None

    def push_back(self, entry: Any) -> None:
        """Put back an entry taken by :meth:`pop`, unless its slot has a newer one since."""
        if self.rep[entry[-1]] is entry:
            heappush(self.new, entry)

    def _settle(self, heap: list[Any], current: list[Any]) -> None:
        """Drop garbage and swap bounds on top of ``heap`` until its top is current."""
        rep, new = self.rep, self.new
        while heap:
            e = heap[0]
            t = e[-1]
            if rep[t] is not e:
                heappop(heap)
                continue
            cur = current[t]
            if cur is e:
                return
            # A bound: replace it by the current entry, in new (old is being migrated from a
            # copy that would not see it).
            heappop(heap)
            rep[t] = cur
            heappush(new, cur)

    def top(self, current: list[Any]) -> Any:
        """Return the smallest current entry, or None."""
        new, old = self.new, self.old
        if old:
            self._settle(old, current)  # may push into new: settle new after it
        self._settle(new, current)
        if old and (not new or old[0] <= new[0]):
            return old[0]
        return new[0] if new else None

    def pop(self, current: list[Any]) -> Any:
        """Remove and return the smallest current entry (there must be one)."""
        entry = self.top(current)
        old, new = self.old, self.new
        if old and old[0] is entry:
            heappop(old)
        if new and new[0] is entry:
            heappop(new)
        return entry

    def maintain(self, nlive: int) -> None:
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
            rep = self.rep
            i = self._pos
            j = min(i + (4 * max(len(new) - self._mark, 0)) // 3 + 16, len(scan))
            for e in scan[i:j]:
                if rep[e[-1]] is e:
                    heappush(new, e)
            self._pos = j
            if j == len(scan):
                self._scan = []
                self.old = []
        self._mark = len(new)

    def copy(self) -> LazyHeap:
        """Return an independent heap holding the same (shared, immutable) entries."""
        other = LazyHeap.__new__(LazyHeap)
        other.rep = list(self.rep)
        other.new = list(self.new)
        other.old = list(self.old)
        other._scan = self._scan  # read only
        other._pos = self._pos
        other._mark = self._mark
        return other
