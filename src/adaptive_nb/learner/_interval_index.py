"""Interval index of Learner1D: points, their neighbours, and the intervals ranked by loss.

The index holds the *real* points (evaluated) and the *combined* points (real and pending) inside
the bounds, each linked to its neighbours, and one entry per interval between neighbours, kept
in a binary heap per kind (real, combined) ordered by rank.

Representation (this is where Learner1D's speed over the reference library comes from):

* ``_nodes`` maps each point to its *node*, an index into parallel lists (``_nx``, ``_nxr``,
  ``_ny``, ``_rp``/``_rn``, ``_cp``/``_cn``, ``_re``, ``_ce``) holding the point, the point
  rescaled as loss functions see it (``x / _xscale``), its value, its left/right
  neighbours among the real points and among the combined points (as node indices), and the
  entries of the intervals starting there (and ``_rloc``, the real entry again where its loss
  is known not to read beyond its ends' neighbours; see ``Learner1D._local_losses_around``;
  not pickled: the marks start empty on load). A tell or ask hashes x about once and follows
  indices otherwise: the points are mostly dyadic fractions, whose float hashes have all low
  bits zero, so every lookup in an x-keyed dict walks a long probe chain. The nodes are columns
  of lists rather than one object each because every object with references is tracked by the
  cyclic garbage collector, whose full passes (one each time the tracked objects grow by a
  quarter) would then cost more per point as n grows. Floats, ints, None and tuples of them are
  not tracked (tuples once a collection has seen them), so a new point adds no tracked object;
* ``_csorted``: a ``SortedList`` of the combined points, only used to find the neighbours of a
  brand-new point (O(log n));
* one entry tuple per interval, held by the node of its left end, and a binary heap of entries
  per kind. Replaced entries stay in the heap and are skipped when they surface (lazy
  invalidation: an entry is live iff its left end's node still holds that very object); a heap
  is compacted when :func:`heap_overfull` says its garbage outnumbers its live entries.

Ranking follows the reference library (adaptive 1.5) exactly, so both choose the same points
for the same calls; :func:`rank` is the rule.

:class:`IntervalIndex` is a base class of Learner1D rather than an object it holds: the
columns stay attributes of the learner, so its hot paths (``ask(1)``, ``tell``) read them with
one attribute lookup and write them directly. :meth:`IntervalIndex._check_index_invariants`
checks every write, wherever it happens.
"""

from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from sortedcontainers import SortedList

__all__ = ["IndexSnapshot", "IntervalIndex", "heap_overfull", "rank", "ranks"]

# Internal value of a point: a float, or a tuple of floats for vector-valued functions.
YInternal: TypeAlias = float | tuple[float, ...]
# Real interval entry: (rank, left, right, loss, y-scale the loss was computed with).
REntry: TypeAlias = tuple[float, float, float, float, float]
# Combined interval entry: (rank, left, right, seq, loss, left end of the enclosing real
# interval or None outside the hull of the real points). `seq` makes entries unique so the
# heap never compares the trailing None/float fields.
CEntry: TypeAlias = tuple[float, float, float, int, float, float | None]

_INF = math.inf
# Losses are ranked after rounding to 12 digits (as the reference does), so that losses equal
# up to round-off tie and are then ordered by position: the same calls give the same points.
_ROUND = 1e12
# Below this magnitude `int(loss * _ROUND + 0.5)` is safe and exact enough; beyond it (and for
# inf/NaN) `rank` takes its slow path.
_BIG = 1e250
# Load factor of the SortedList of combined points (sortedcontainers' default is 1000). Each
# insertion shifts the tail of one sublist; with short sublists that touches fewer cache lines
# (cachegrind, ask(1)+tell from 10k to 30k points: 11% fewer L1 data misses per point).
_SORTED_LOAD = 200
# Attributes that pickling leaves out: the node columns (saved in order instead), links and
# heaps, which IntervalIndex._restore_index rebuilds.
_NODE_STATE = frozenset(
    [
        "_nodes",
        "_nx",
        "_nxr",
        "_ny",
        "_rp",
        "_rn",
        "_cp",
        "_cn",
        "_re",
        "_ce",
        "_rloc",
        "_free",
        "_rfirst",
        "_rlast",
        "_rheap",
        "_cheap",
    ]
)


def rank(loss: float, a: float, b: float, xscale: float, parts: int = 1) -> float:
    """Heap key of the interval ``(a, b)`` with ``loss``: minus the loss rounded to 12 digits.

    Smaller keys come first; equal keys are ordered by the interval's left end (the next field
    of every entry), so ties go to the leftmost interval. A non-finite loss ranks as the
    interval's width relative to ``xscale`` (the width of the bounds), divided by ``parts``
    (the number of parts it is being split into), as in the reference library.
    """
    if -_BIG < loss < _BIG:
        return -(int(loss * _ROUND + 0.5) / _ROUND)
    if math.isnan(loss) or math.isinf(loss):
        loss = (b - a) / xscale / parts
        return -(int(loss * _ROUND + 0.5) / _ROUND)
    return -loss


def ranks(
    losses: list[float], lefts: list[float], rights: list[float], xscale: float
) -> list[float]:
    """:func:`rank` of many intervals at once, equal to it bit for bit."""
    if not losses:
        return []
    arr = np.array(losses)
    # int() truncates towards zero like np.trunc, and float(int(v)) == v for these values.
    with np.errstate(all="ignore"):  # huge and non-finite losses are redone below
        keys = (-(np.trunc(arr * _ROUND + 0.5) / _ROUND)).tolist()
    for i in np.flatnonzero(~(np.abs(arr) < _BIG)).tolist():
        keys[i] = rank(losses[i], lefts[i], rights[i], xscale)
    return keys  # type: ignore[no-any-return]


def heap_overfull(size: int, live: int) -> bool:
    """Whether a heap of ``size`` entries, ``live`` of them live, is due for compaction.

    Dropping the garbage once it outnumbers the live entries (plus some slack) keeps memory
    O(n) and the amortised cost O(1) per update.
    """
    return size > 2 * live + 64


@dataclass(frozen=True)
class IndexSnapshot:
    """The content of an interval index as plain values, independent of its representation.

    Attributes
    ----------
    real
        The real points, sorted.
    pending
        The pending points inside the bounds, sorted.
    values
        The internal value (float or tuple of floats) at each real point (not compared: they
        are the learner's ``data``, and a NaN value is unequal to itself).
    real_intervals
        ``(a, b) -> (rank, loss, y-scale the loss was computed with)`` per real interval.
    combined_intervals
        ``(a, b) -> (rank, loss, left end of the enclosing real interval or None)`` per
        combined interval.
    slots
        Node slots allocated, in use or free (the memory held; not compared).
    """

    real: tuple[float, ...]
    pending: tuple[float, ...]
    values: dict[float, YInternal] = field(compare=False)
    real_intervals: dict[tuple[float, float], tuple[float, float, float]]
    combined_intervals: dict[tuple[float, float], tuple[float, float, float | None]]
    slots: int = field(compare=False)


class IntervalIndex:
    """Real and combined points of Learner1D with their neighbours and ranked intervals.

    A base class of Learner1D (see the module docstring). ``_xscale`` (the width of the
    bounds) is set by the learner.
    """

    _xscale: float
    _nodes: dict[float, int]
    _nx: list[float]
    _nxr: list[float]
    _ny: list[YInternal | None]
    _rp: list[int | None]
    _rn: list[int | None]
    _cp: list[int | None]
    _cn: list[int | None]
    _re: list[REntry | None]
    _ce: list[CEntry | None]
    _rloc: list[REntry | None]
    _free: list[int]
    _nreal: int
    _rfirst: int | None
    _rlast: int | None
    _rheap: list[REntry]
    _csorted: SortedList
    _cheap: list[CEntry]
    _seq: int

    def _init_index(self) -> None:
        # One node per real or pending point inside the bounds: an index into the parallel
        # lists below. Links are node indices or None.
        self._nodes = {}
        self._nx = []  # the point
        self._nxr = []  # the point rescaled, x / _xscale (what a loss function is handed)
        self._ny = []  # its internal value, None while pending
        self._rp = []  # previous / next real node (real nodes only)
        self._rn = []
        self._cp = []  # previous / next combined node
        self._cn = []
        self._re = []  # entry of the real interval starting here
        self._ce = []  # entry of the combined interval starting here
        # _re's entry again if its loss depends on no point beyond the two ends' neighbours
        # (known by the batch protocol's window_losses_local), else None: a tell two points
        # away then leaves it as it is. Compared by identity, so any new entry voids it.
        self._rloc = []
        self._free = []  # nodes of removed pending points, to be reused
        self._nreal = 0  # number of real nodes
        self._rfirst = None
        self._rlast = None
        self._rheap = []
        self._csorted = _sorted_list()
        self._cheap = []
        self._seq = 0

    def _alloc(self, x: float, y: YInternal | None) -> int:
        """Return a new unlinked node for point ``x`` with internal value ``y`` (O(1))."""
        if self._free:
            i = self._free.pop()
            self._nx[i] = x
            self._nxr[i] = x / self._xscale
            self._ny[i] = y
            return i  # (a freed node was cleared by _unlink_pending)
        i = len(self._nx)
        self._nx.append(x)
        self._nxr.append(x / self._xscale)
        self._ny.append(y)
        self._rp.append(None)
        self._rn.append(None)
        self._cp.append(None)
        self._cn.append(None)
        self._re.append(None)
        self._ce.append(None)
        self._rloc.append(None)
        return i

    def _set_comb(self, an: int, b: float, loss: float, gap: float | None) -> None:
        """Give the combined interval from node ``an`` to ``b`` a new entry."""
        a = self._nx[an]
        # `rank`, its finite branch inlined: this runs for every pending point of ask(n)
        if -_BIG < loss < _BIG:
            k = -(int(loss * _ROUND + 0.5) / _ROUND)
        else:
            k = rank(loss, a, b, self._xscale)
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

    def _real_nodes(self) -> list[int]:
        """Return the real nodes, in order (O(n))."""
        out: list[int] = []
        rn = self._rn
        p = self._rfirst
        while p is not None:
            out.append(p)
            p = rn[p]
        return out

    def _compact_heaps(self) -> None:
        # There is one combined interval per combined point but the last, and likewise for the
        # real ones; freed nodes hold no entries, so the live entries are the non-None ones.
        # (`heap_overfull`, inlined: every remove_unfinished ends here)
        if len(self._cheap) > 2 * len(self._nodes) + 62:
            _refill_heap(self._cheap, [e for e in self._ce if e is not None])
        if len(self._rheap) > 2 * self._nreal + 62:
            _refill_heap(self._rheap, [e for e in self._re if e is not None])

    def _top_comb(self) -> CEntry | None:
        """Return the live combined entry of smallest rank, or None (pops garbage on the way)."""
        return self._top_live(self._cheap, self._ce)  # type: ignore[no-any-return]

    def _top_real(self) -> REntry | None:
        """Return the live real entry of smallest rank, or None (pops garbage on the way)."""
        return self._top_live(self._rheap, self._re)  # type: ignore[no-any-return]

    def _top_live(self, heap: list[Any], column: list[Any]) -> Any:
        nodes = self._nodes
        while heap:
            e = heap[0]
            nd = nodes.get(e[1])
            if nd is not None and column[nd] is e:
                return e
            heapq.heappop(heap)  # a replaced entry: garbage
        return None

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
        xscale = self._xscale
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
                keys = ranks(c_losses, lefts, rights, xscale)
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
            entry = (rank(loss, a, b, xscale), a, b, seq, loss, gap)
            ce[an] = entry
            live.append(entry)
            an = bn
        self._seq = seq
        _refill_heap(self._cheap, live)

    def _insert_combined(self, x: float, y: YInternal | None) -> tuple[int, int | None, int | None]:
        """Make the node of a new point and link it; return it and its combined neighbours."""
        cs = self._csorted
        # SortedList keeps its values in sublists `_lists` with maxima `_maxes` (a documented
        # implementation detail of sortedcontainers 2.x, checked by a canary test); reading the
        # neighbours there costs two bisects instead of positional indexing, which walks an
        # index tree.
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

    def _split_combined(self, node: int, an: int | None, bn: int | None) -> None:
        """Give entries to the two parts of the combined interval split by pending ``node``.

        ``node`` is just linked between its combined neighbours ``an`` and ``bn``.
        """
        nx = self._nx
        x = nx[node]
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
                if len(self._cheap) > 2 * len(self._nodes) + 62:  # heap_overfull, inlined
                    self._compact_heaps()
                return
        if an is not None:
            self._set_comb(an, x, _INF, None)
        if bn is not None:
            self._set_comb(node, nx[bn], _INF, None)

    def _unlink_pending(
        self, xs: Iterable[float], bounds: tuple[float, float] = (-_INF, _INF)
    ) -> None:
        """Remove the pending points ``xs`` in ``bounds``, restoring the intervals they split.

        Points outside ``bounds`` are skipped (they are not indexed); the others must be in the
        index. Taking the bounds here spares remove_unfinished a generator (its hot path).
        Each restored combined interval gets the loss and rank a full rebuild would give it.
        """
        lo, hi = bounds
        cs = self._csorted
        nodes = self._nodes
        nx = self._nx
        cp = self._cp
        cn = self._cn
        ce = self._ce
        for x in xs:
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

    def _unlink_new_real(self, node: int, was_pending: bool) -> None:
        """Undo linking a just-told point's real ``node``, before any entry was stored for it.

        The combined entry of its left neighbour still covers the interval the point fell in,
        so unlinking restores the index. A point that was pending stays a pending node.
        """
        rp = self._rp
        rnx = self._rn
        ln = rp[node]
        rn = rnx[node]
        if ln is not None:
            rnx[ln] = rn
        else:
            self._rfirst = rn
        if rn is not None:
            rp[rn] = ln
        else:
            self._rlast = ln
        rp[node] = rnx[node] = None
        self._nreal -= 1
        self._ny[node] = None
        if was_pending:
            return
        x = self._nx[node]
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
        cp[node] = cn[node] = self._ce[node] = self._re[node] = self._rloc[node] = None
        self._free.append(node)

    def _rebuild_neighbours(
        self, reals: list[float], ys: list[YInternal], pending: list[float]
    ) -> list[int]:
        """Make fresh nodes for sorted real points (values ``ys``) and the ``pending`` points.

        Returns the real nodes, in order (``0 .. len(reals) - 1``). Their entries are left empty.
        """
        n = len(reals)
        m = n + len(pending)
        # Real node i links to i - 1 and i + 1; pending nodes come after the real ones.
        rprev: list[int | None] = [None, *range(n - 1)] if n else []
        rnext: list[int | None] = [*range(1, n), None] if n else []
        self._nx = reals + pending
        s = self._xscale
        self._nxr = [x / s for x in self._nx]
        self._ny = [*ys, *([None] * len(pending))]
        self._rp = rprev + [None] * len(pending)
        self._rn = rnext + [None] * len(pending)
        self._re = [None] * m
        self._ce = [None] * m
        self._rloc = [None] * m
        self._free = []
        self._rfirst = 0 if n else None
        self._rlast = n - 1 if n else None
        self._nreal = n
        self._nodes = dict(zip(self._nx, range(m), strict=True))
        if pending:
            nx = self._nx
            self._cp, self._cn = _chain(sorted(range(m), key=nx.__getitem__), m)
            self._csorted = _sorted_list(nx)
        else:  # the combined points are the real ones
            self._cp = rprev[:]
            self._cn = rnext[:]
            self._csorted = _sorted_list(reals)
        return list(range(n))

    def _rebuild_from_reals(self) -> None:
        """Rebuild links and combined entries from the real points alone, keeping their entries.

        Pending points are dropped. The O(n) oracle that tests hold the incremental
        ``_unlink_pending`` to.
        """
        rnodes = self._real_nodes()
        reals = [self._nx[i] for i in rnodes]
        ys: list[YInternal] = [self._ny[i] for i in rnodes]  # type: ignore[misc]
        entries = [self._re[i] for i in rnodes]
        new = self._rebuild_neighbours(reals, ys, [])
        for i, e in zip(new, entries, strict=True):
            self._re[i] = e
        self._rebuild_combined_entries(new, reals)

    # ------------------------------------------------------------------------ pickling ---

    def _index_columns(self) -> tuple[list[Any], list[Any], list[Any]]:
        """Values, real entries and combined entries of the combined points, in order."""
        comb = self._combined_nodes()
        ny = self._ny
        re_ = self._re
        ce = self._ce
        return [ny[i] for i in comb], [re_[i] for i in comb], [ce[i] for i in comb]

    def _restore_index(self, columns: tuple[list[Any], list[Any], list[Any]]) -> None:
        """Rebuild nodes, links and heaps from ``_index_columns`` and ``_csorted``."""
        ys, rentries, centries = columns
        cs = self._csorted
        cs._reset(_SORTED_LOAD)  # a SortedList unpickles with the default load
        m = len(ys)
        # Node i is the i-th combined point; the real ones are linked among themselves.
        self._nx = list(cs)
        s = self._xscale
        self._nxr = [x / s for x in self._nx]
        self._ny = ys
        self._re = rentries
        self._ce = centries
        self._rloc = [None] * m
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

    # ------------------------------------------------------------------------ checking ---

    def _index_snapshot(self) -> IndexSnapshot:
        """Return the index as plain values, read along the links (O(n))."""
        nx, ny, re_, ce = self._nx, self._ny, self._re, self._ce
        real = [nx[i] for i in self._real_nodes()]
        comb = self._combined_nodes()
        real_intervals = {}
        combined_intervals = {}
        for i in comb:
            if (r := re_[i]) is not None:
                real_intervals[r[1], r[2]] = (r[0], r[3], r[4])
            if (c := ce[i]) is not None:
                combined_intervals[c[1], c[2]] = (c[0], c[4], c[5])
        return IndexSnapshot(
            real=tuple(real),
            pending=tuple(nx[i] for i in comb if ny[i] is None),
            values={nx[i]: ny[i] for i in comb if ny[i] is not None},  # type: ignore[misc]
            real_intervals=real_intervals,
            combined_intervals=combined_intervals,
            slots=len(nx),
        )

    def _check_index_invariants(self) -> IndexSnapshot:
        """Assert the invariants of the representation; return the snapshot (O(n log n))."""
        nodes = self._nodes
        nx, ny, re_, ce = self._nx, self._ny, self._re, self._ce
        rp, rn, cp, cn = self._rp, self._rn, self._cp, self._cn
        size = len(nx)
        assert all(len(col) == size for col in (self._nxr, ny, rp, rn, cp, cn, re_, ce))
        for x, nd in nodes.items():
            assert nx[nd] == x
            assert self._nxr[nd] == x / self._xscale
        free = set(self._free)
        assert len(free) == len(self._free), "a node is freed twice"
        assert free.isdisjoint(nodes.values()), "a freed node is in use"
        assert len(free) + len(nodes) == size, "a node is neither in use nor free"
        for i in free:
            assert (ny[i], rp[i], rn[i], cp[i], cn[i], re_[i], ce[i]) == (None,) * 7
        # links: along the sorted points
        comb = sorted(nodes)
        assert list(self._csorted) == comb
        reals = [x for x in comb if ny[nodes[x]] is not None]
        assert self._nreal == len(reals)
        assert self._rfirst == (nodes[reals[0]] if reals else None)
        assert self._rlast == (nodes[reals[-1]] if reals else None)
        for order, prev, nxt in ((reals, rp, rn), (comb, cp, cn)):
            for i, x in enumerate(order):
                nd = nodes[x]
                assert prev[nd] == (nodes[order[i - 1]] if i > 0 else None)
                assert nxt[nd] == (nodes[order[i + 1]] if i + 1 < len(order) else None)
        for x in comb:
            nd = nodes[x]
            if ny[nd] is None:
                assert (rp[nd], rn[nd], re_[nd]) == (None, None, None), "pending node with links"
        snap = self._index_snapshot()
        assert snap.real == tuple(reals)
        # entries: one per interval, ranked by `rank`, live in their heaps
        assert [a for a, _ in snap.real_intervals] == reals[:-1]
        assert all(b == rn_ for (_, b), rn_ in zip(snap.real_intervals, reals[1:], strict=True))
        for (a, b), (k, loss, _) in snap.real_intervals.items():
            assert _same_float(k, rank(loss, a, b, self._xscale)), (a, b, k, loss)
        assert list(snap.combined_intervals) == list(itertools.pairwise(comb))
        starts = {a: (b, loss) for (a, b), (_, loss, _) in snap.real_intervals.items()}
        gap: float | None = None
        for (a, b), (k, loss, g) in snap.combined_intervals.items():
            if a in starts:
                gap = a
            elif a in snap.values:  # the last real point: outside the hull from here on
                gap = None
            assert g == gap, (a, b, g, gap)
            if gap is None:
                assert loss == _INF
            else:
                right, real_loss = starts[gap]
                assert _same_float(loss, (b - a) * real_loss / (right - gap))
            assert _same_float(k, rank(loss, a, b, self._xscale)), (a, b, k, loss)
        live_r = {id(e) for e in re_ if e is not None}
        assert live_r <= {id(e) for e in self._rheap}, "a live real entry is missing from its heap"
        live_c = {id(e) for e in ce if e is not None}
        assert live_c <= {id(e) for e in self._cheap}, "a live combined entry is missing"
        _assert_heap(self._rheap)
        _assert_heap(self._cheap)
        return snap


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
